import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type { KeyVaultConfigOptions } from './interfaces.js';
import { loadKeyVaultSecrets } from './loader.js';
import { resolveOptions } from './options.js';
import { hasReferences } from './references.js';

const VAULT_URL = 'https://my-vault.vault.azure.net';

function invalid(options: KeyVaultConfigOptions): KeyVaultConfigError {
  let caught: unknown;
  try {
    resolveOptions({ env: {}, ...options }, hasReferences);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyVaultConfigError);
  expect((caught as KeyVaultConfigError).code).toBe(KeyVaultConfigErrorCode.InvalidOptions);
  return caught as KeyVaultConfigError;
}

const acceptAll = (): boolean => true;

describe('resolveOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveOptions({ vaultUrl: `${VAULT_URL}/`, env: {} });
    expect(resolved).toMatchObject({
      parseJson: true,
      expiredSecrets: 'warn',
      precedence: 'vault',
      resolveReferences: true,
      vaultDnsSuffix: 'vault.azure.net',
      concurrency: 32,
      timeoutMs: 60_000,
      maxRetries: 4,
      optional: false,
    });
    expect(resolved.vaults).toEqual([
      expect.objectContaining({
        url: VAULT_URL,
        host: 'my-vault.vault.azure.net',
        loopback: false,
        explicit: undefined,
      }),
    ]);
  });

  it('reads KEY_VAULT_URL from env when vaultUrl is omitted', () => {
    expect(resolveOptions({ env: { KEY_VAULT_URL: VAULT_URL } }).vaults[0]!.url).toBe(VAULT_URL);
  });

  it('says to set KEY_VAULT_URL or vaultUrl when there is no vault', () => {
    const error = invalid({});
    expect(error.message).toContain('KEY_VAULT_URL');
    expect(error.message).toContain('vaultUrl');
  });

  it('allows a references-only load without a vault', () => {
    const resolved = resolveOptions(
      { env: { A: '@Microsoft.KeyVault(VaultName=v;SecretName=s)' } },
      hasReferences,
    );
    expect(resolved.vaults).toEqual([]);
  });

  it.each([
    [{ vaultUrl: 'not a url' }, 'vaultUrl', 'not a valid URL'],
    [{ vaultUrl: 'http://my-vault.vault.azure.net' }, 'vaultUrl', 'loopback'],
    [{ vaultUrl: 'ftp://x' }, 'vaultUrl', 'https'],
    [{ vaultUrl: `${VAULT_URL}/secrets/x` }, 'vaultUrl', 'without a path'],
    [{ vaultUrl: `${VAULT_URL}?a=1` }, 'vaultUrl', 'without a path'],
    [{ vaultUrl: 'https://u:p@x.vault.azure.net' }, 'vaultUrl', 'user name'],
    [{ vaultUrl: VAULT_URL, secrets: ['bad_name'] }, 'secrets[0]', 'not a valid secret name'],
    [{ vaultUrl: VAULT_URL, secrets: ['x'.repeat(128)] }, 'secrets[0]', 'not a valid secret name'],
    [{ vaultUrl: VAULT_URL, secrets: [{ name: 'ok', version: 'a-b' }] }, 'secrets[0].version', 'version'],
    [{ vaultUrl: VAULT_URL, secrets: [{ name: 'ok', key: 'a..b' }] }, 'secrets[0].key', 'not a valid key'],
    [
      { vaultUrl: VAULT_URL, secrets: { 'Db.Password': 'bad name' } },
      'secrets.Db.Password',
      'not a valid secret name',
    ],
    [{ vaultUrl: VAULT_URL, secrets: 'x' as never }, 'secrets', 'expected an array'],
    [{ vaultUrl: VAULT_URL, secrets: ['a'], prefix: 'p-' }, 'secrets', 'cannot be combined'],
    [{ vaultUrl: VAULT_URL, prefix: 'bad_prefix' }, 'prefix', 'prefix'],
    [{ vaultUrl: VAULT_URL, concurrency: 0 }, 'concurrency', 'integer from 1 to 256'],
    [{ vaultUrl: VAULT_URL, concurrency: 1.5 }, 'concurrency', 'integer'],
    [{ vaultUrl: VAULT_URL, timeoutMs: -1 }, 'timeoutMs', 'integer'],
    [{ vaultUrl: VAULT_URL, maxRetries: 11 }, 'maxRetries', '0 to 10'],
    [{ vaultUrl: VAULT_URL, expiredSecrets: 'ignore' as never }, 'expiredSecrets', "'load', 'warn', 'skip'"],
    [{ vaultUrl: VAULT_URL, precedence: 'env' as never }, 'precedence', "'vault', 'environment'"],
    [{ vaultUrl: VAULT_URL, parseJson: 'yes' as never }, 'parseJson', 'true or false'],
    [{ vaultUrl: VAULT_URL, vaults: [{ vaultUrl: VAULT_URL }] }, 'vaults', 'cannot both be set'],
    [{ vaults: [{}] }, 'vaults[0].vaultUrl', 'needs its vaultUrl'],
    [{ vaults: [{ vaultUrl: VAULT_URL }], secrets: ['a'] }, 'secrets', 'per vault'],
    [{ vaultUrl: VAULT_URL, vaultDnsSuffix: 'https://x' }, 'vaultDnsSuffix', 'DNS suffix'],
    [{ vaultUrl: VAULT_URL, credential: {} as never }, 'credential', 'TokenCredential'],
    [{ vaultUrl: VAULT_URL, validationSchema: {} as never }, 'validationSchema', 'Standard Schema'],
    [{ vaultUrl: VAULT_URL, logger: {} as never }, 'logger', 'log()'],
    [{ vaultUrl: VAULT_URL, filter: 'x' as never }, 'filter', 'function'],
    [{ vaultUrl: VAULT_URL, managedIdentityClientId: '' }, 'managedIdentityClientId', 'client id'],
  ] as Array<[KeyVaultConfigOptions, string, string]>)('rejects %j naming %s', (options, option, text) => {
    const error = invalid(options);
    expect(error.message).toContain(`\`${option}\``);
    expect(error.message).toContain(text);
    expect(error.key).toBe(option);
  });

  it('accepts http for loopback vaults', () => {
    expect(resolveOptions({ vaultUrl: 'http://127.0.0.1:8080', env: {} }).vaults[0]).toMatchObject({
      url: 'http://127.0.0.1:8080',
      loopback: true,
    });
    expect(resolveOptions({ vaultUrl: 'http://localhost:1', env: {} }).vaults[0]!.loopback).toBe(true);
    expect(resolveOptions({ vaultUrl: 'http://[::1]:1', env: {} }).vaults[0]!.loopback).toBe(true);
  });

  it('resolves the three explicit forms', () => {
    const resolved = resolveOptions({
      env: {},
      vaults: [
        {
          vaultUrl: VAULT_URL,
          secrets: ['Db--Password', { name: 'Api-Key', key: 'Api.Key', version: 'abc', optional: true }],
        },
        {
          vaultUrl: 'https://other.vault.azure.net',
          secrets: { 'Db.Password': 'Pw', Other: { name: 'O', optional: true } },
        },
      ],
    });
    expect(resolved.vaults[0]!.explicit).toEqual([
      { name: 'Db--Password', keyPath: undefined, optional: false },
      { name: 'Api-Key', keyPath: ['Api', 'Key'], version: 'abc', optional: true },
    ]);
    expect(resolved.vaults[1]!.explicit).toEqual([
      { name: 'Pw', keyPath: ['Db', 'Password'], optional: false },
      { name: 'O', keyPath: ['Other'], version: undefined, optional: true },
    ]);
  });

  it.each([
    [['Db-Password', 'Db-Password'], 'secrets[1]', "'Db-Password'", 'secrets[0]'],
    [['Db-Password', 'db-PASSWORD'], 'secrets[1]', "'db-PASSWORD'", 'secrets[0]'],
    [
      ['A', { name: 'Db-Password', key: 'Other' }, { name: 'db-password' }],
      'secrets[2].name',
      "'db-password'",
      'secrets[1]',
    ],
    [{ 'Db.Password': 'Pw', 'Db.Other': 'PW' }, 'secrets.Db.Other', "'PW'", 'secrets.Db.Password'],
    [{ First: 'Pw', Second: { name: 'pw', optional: true } }, 'secrets.Second.name', "'pw'", 'secrets.First'],
    [
      [
        { name: 'Pw', version: 'abc' },
        { name: 'PW', version: 'ABC' },
      ],
      'secrets[1].name',
      "'PW'",
      'secrets[0]',
    ],
  ] as Array<[KeyVaultConfigOptions['secrets'], string, string, string]>)(
    'rejects a secret named twice (case-insensitively) in %j naming it',
    (secrets, option, name, first) => {
      const error = invalid({ vaultUrl: VAULT_URL, secrets });
      expect(error.key).toBe(option);
      expect(error.message).toContain(`\`${option}\``);
      expect(error.message).toContain(name);
      expect(error.message).toContain(`\`${first}\``);
      expect(error.message).toContain('case-insensitive');
    },
  );

  it('fails a load naming a secret twice before any request (no token asked)', async () => {
    let tokens = 0;
    const credential = { getToken: async () => (tokens++, null) };
    const load = loadKeyVaultSecrets({
      vaultUrl: 'https://127.0.0.1:1',
      credential,
      env: {},
      secrets: ['Api-Key', 'API-KEY'],
    });
    await expect(load).rejects.toMatchObject({ code: 'INVALID_OPTIONS', key: 'secrets[1]' });
    expect(tokens).toBe(0);
  });

  it('accepts one secret twice at distinct versions (e.g. the previous one under another key)', () => {
    const resolved = resolveOptions({
      vaultUrl: VAULT_URL,
      env: {},
      secrets: { Current: 'Api-Key', Previous: { name: 'api-key', version: 'abc' } },
    });
    expect(resolved.vaults[0]!.explicit?.map((s) => [s.name, s.version])).toEqual([
      ['Api-Key', undefined],
      ['api-key', 'abc'],
    ]);
  });

  it('lets maxRetries come from clientOptions.retryOptions', () => {
    expect(
      resolveOptions({ vaultUrl: VAULT_URL, env: {}, clientOptions: { retryOptions: { maxRetries: 2 } } })
        .maxRetries,
    ).toBe(2);
    expect(
      resolveOptions({
        vaultUrl: VAULT_URL,
        env: {},
        maxRetries: 0,
        clientOptions: { retryOptions: { maxRetries: 2 } },
      }).maxRetries,
    ).toBe(0);
  });

  it('inherits prefix, filter and keyMapper into each vault', () => {
    const filter = acceptAll;
    const resolved = resolveOptions({
      env: {},
      prefix: 'app-',
      filter,
      vaults: [{ vaultUrl: VAULT_URL }, { vaultUrl: VAULT_URL, prefix: 'x-' }],
    });
    expect(resolved.vaults.map((v) => [v.prefix, v.filter])).toEqual([
      ['app-', filter],
      ['x-', filter],
    ]);
  });
});

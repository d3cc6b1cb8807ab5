/**
 * List mode against the emulator through the real SDK: pipelined fetches, one challenge and one token,
 * prefix, filter, disabled and expired secrets, secrets vanishing between list and get, JSON content,
 * mapping, collisions, precedence and several vaults. Every value carries the canary.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import type { SeedSecret } from 'keyvault-emulator';
import {
  KeyVaultConfigError,
  loadKeyVaultSecrets,
  type KeyVaultLoadOnceOptions,
  type KeyVaultLoadResult,
} from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator, type FreshVault } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator();

/** A fresh vault with exactly these secrets, and a fresh identity (so token counts start at zero). */
async function vaultWith(
  secrets: SeedSecret[],
): Promise<Omit<FreshVault, 'identity'> & { identity: string }> {
  const vault = await fx.freshVault(secrets);
  return { ...vault, identity: vault.identity.clientId };
}

/** One load with a logger of its own; no value may reach the report or the log. */
async function load(
  vault: Pick<FreshVault, 'options'>,
  options: Partial<KeyVaultLoadOnceOptions> = {},
): Promise<KeyVaultLoadResult & { logger: ReturnType<typeof captureLogger> }> {
  const logger = captureLogger();
  const result = await loadKeyVaultSecrets(vault.options({ logger, ...options }));
  expectNoCanary(result.report, logger.lines);
  return { ...result, logger };
}

const past = Math.floor(Date.now() / 1000) - 3600;
const future = Math.floor(Date.now() / 1000) + 3600;

describe('list mode', () => {
  it('fetches values while later pages are still being listed, with one challenge and one token', async () => {
    const count = 80; // 4 pages of 25
    const vault = await vaultWith(
      Array.from({ length: count }, (_, i) => ({
        name: `Item-${String(i).padStart(3, '0')}--Value`,
        value: secretValue(i),
      })),
    );
    // Slow list pages make the overlap visible in the request log.
    fx.emulator.faults.add({ route: 'secrets.list', vault: vault.name, latencyMs: 40 });
    const { config, report, logger } = await load(vault, { concurrency: 8 });

    expect(report.loaded).toBe(count);
    expect((config.Item_042 as Record<string, unknown>).Value).toBe(secretValue(42));
    expect(report.entries[0]).toMatchObject({
      key: 'Item_000.Value',
      secretName: 'Item-000--Value',
      source: 'list',
      status: 'loaded',
      vault: new URL(vault.url).host,
    });
    expect(report.entries[0]!.version).toMatch(/^[0-9a-f]{32}$/);
    expect(report.entries[0]!.updatedOn).toBeInstanceOf(Date);
    expect(report.vaults).toEqual([new URL(vault.url).host]);
    expect(report.credential).toMatchObject({ name: 'ManagedIdentityCredential', clientId: vault.identity });

    const log = fx.emulator.counters.log().filter((e) => e.vault === vault.name);
    const lists = log.filter((e) => e.route === 'secrets.list' && e.status === 200);
    expect(lists).toHaveLength(Math.ceil(count / 25));
    const lastList = log.lastIndexOf(lists[lists.length - 1]!);
    const firstGet = log.findIndex((e) => e.route === 'secrets.get');
    expect(firstGet).toBeGreaterThanOrEqual(0);
    expect(firstGet).toBeLessThan(lastList); // fetching started before the last page arrived
    expect(log.filter((e) => e.status === 401)).toHaveLength(1); // one challenge
    expect(fx.emulator.counters.count({ route: 'identity.appservice', clientId: vault.identity })).toBe(1); // one token
    expect(fx.emulator.counters.count({ route: 'secrets.get', vault: vault.name })).toBe(count);

    const infos = logger.infos().filter((l) => l.startsWith('Loaded'));
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatch(
      new RegExp(
        `^Loaded 80 secrets from ${new URL(vault.url).host} in \\d+ ms using ManagedIdentityCredential \\(App Service\\) as .*appid=${vault.identity}`,
      ),
    );
  });

  it('reuses the client (no new challenge, no new token) on a second load with the same credential', async () => {
    const vault = await vaultWith([{ name: 'A', value: secretValue('a') }]);
    const credential = new ManagedIdentityCredential({ clientId: vault.identity });
    const clientOptions = { tlsOptions: { ca: fx.emulator.caCert } };
    await loadKeyVaultSecrets({
      vaultUrl: vault.url,
      credential,
      clientOptions,
      env: {},
      logger: captureLogger(),
    });
    await loadKeyVaultSecrets({
      vaultUrl: vault.url,
      credential,
      clientOptions,
      env: {},
      logger: captureLogger(),
    });
    expect(fx.emulator.counters.count({ vault: vault.name, status: 401 })).toBe(1);
    expect(fx.emulator.counters.count({ route: 'identity.appservice', clientId: vault.identity })).toBe(1);
  });

  it.each([
    {
      policy: 'warn',
      old: ['loaded', 'expired'],
      later: ['loaded', 'not yet valid'],
      gets: 4,
      warned: ['myapp-Old', 'myapp-Later'],
    },
    { policy: 'skip', old: ['skipped', 'expired'], later: ['skipped', 'not yet valid'], gets: 2, warned: [] },
    { policy: 'load', old: ['loaded', undefined], later: ['loaded', undefined], gets: 4, warned: [] },
  ] as const)(
    'applies prefix, filter, disabled and the expiry policy $policy',
    async ({ policy, old, later, gets, warned }) => {
      const vault = await vaultWith([
        { name: 'myapp-Db--Password', value: secretValue('db') },
        { name: 'myapp-Api-Key', value: secretValue('api'), tags: { load: 'no' } },
        { name: 'other-Thing', value: secretValue('other') },
        { name: 'MYAPP-Upper', value: secretValue('upper') },
        { name: 'myapp-Off', value: secretValue('off'), enabled: false },
        { name: 'myapp-Old', value: secretValue('old'), expires: past },
        { name: 'myapp-Later', value: secretValue('later'), notBefore: future },
      ]);
      const seen: string[] = [];
      const { config, report, logger } = await load(vault, {
        prefix: 'myapp-',
        filter: (p) => {
          seen.push(p.name);
          return p.tags?.load !== 'no';
        },
        expiredSecrets: policy,
      });
      expect(seen).not.toContain('other-Thing'); // the prefix applies before the filter
      expect(config).toMatchObject({ Db: { Password: secretValue('db') }, Upper: secretValue('upper') });
      expect(config).not.toHaveProperty('Api_Key');
      expect(config).not.toHaveProperty('Off');
      expect(JSON.stringify(config)).not.toContain(secretValue('other'));
      const entry = (key: string) => report.entries.find((e) => e.key === key);
      expect(entry('Api_Key')).toMatchObject({ status: 'skipped', reason: 'filtered out' });
      expect(entry('Off')).toMatchObject({ status: 'skipped', reason: 'disabled' });
      expect(entry('other-Thing')).toBeUndefined();
      expect(fx.emulator.counters.count({ route: 'secrets.get', vault: vault.name })).toBe(gets);
      expect([entry('Old')!.status, entry('Old')!.reason]).toEqual(old);
      expect([entry('Later')!.status, entry('Later')!.reason]).toEqual(later);
      expect('Old' in config).toBe(old[0] === 'loaded');
      expect('Later' in config).toBe(later[0] === 'loaded');
      const warnedNames = logger.warnings().map((w) => /'([^']+)'/.exec(w)?.[1]);
      expect(warnedNames.sort()).toEqual([...warned].sort());
      expect(report.loaded).toBe(report.entries.filter((e) => e.status === 'loaded').length);
    },
  );

  it('skips with a warning a secret deleted or disabled between list and get', async () => {
    const vault = await vaultWith([
      { name: 'Gone', value: secretValue('gone') },
      { name: 'Off', value: secretValue('off') },
      { name: 'Kept', value: secretValue('kept') },
    ]);
    const handle = fx.emulator.vault(vault.name);
    const { config, report, logger } = await load(vault, {
      filter: (p) => {
        if (p.name === 'Gone') handle.deleteSecret('Gone');
        if (p.name === 'Off') handle.updateSecret('Off', { enabled: false });
        return true;
      },
    });
    expect(config).toEqual({ Kept: secretValue('kept') });
    expect(report.entries.find((e) => e.secretName === 'Gone')).toMatchObject({
      status: 'skipped',
      reason: 'deleted between list and get',
    });
    expect(report.entries.find((e) => e.secretName === 'Off')).toMatchObject({
      status: 'skipped',
      reason: 'disabled between list and get',
    });
    expect(logger.warnings().filter((w) => /'Gone'|'Off'/.test(w))).toHaveLength(2);
  });

  it('expands application/json secrets (with parameters, any case) unless parseJson is false', async () => {
    const json = JSON.stringify({ host: 'db', password: secretValue('json'), ports: [1, 2] });
    const vault = await vaultWith([
      { name: 'Settings', value: json, contentType: 'Application/JSON; charset=utf-8' },
      { name: 'Plain', value: '{"not":"parsed"}', contentType: 'text/plain' },
    ]);
    const parsed = await load(vault);
    expect(parsed.config).toEqual({
      Settings: { host: 'db', password: secretValue('json'), ports: [1, 2] },
      Plain: '{"not":"parsed"}',
    });
    const raw = await load(vault, { parseJson: false });
    expect(raw.config.Settings).toBe(json);
  });

  it('fails on invalid JSON naming the secret, never its content', async () => {
    const vault = await vaultWith([
      { name: 'Broken', value: `{"password": ${secretValue('broken')}`, contentType: 'application/json' },
    ]);
    const error = await rejectionOf(load(vault));
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error.code).toBe('INVALID_SECRET_CONTENT');
    expect(error.secretName).toBe('Broken');
    expect(error.message).toContain("'Broken'");
    expectNoCanary(error);
  });

  it('maps names, honours keyMapper and reports unmapped secrets as skipped', async () => {
    const vault = await vaultWith([
      { name: 'Database--Connection-String', value: secretValue('conn') },
      { name: 'API-KEY', value: secretValue('api') },
      { name: 'Internal-Only', value: secretValue('internal') },
    ]);
    const mapped = await load(vault);
    expect(mapped.config).toEqual({
      Database: { Connection_String: secretValue('conn') },
      API_KEY: secretValue('api'),
      Internal_Only: secretValue('internal'),
    });
    const custom = await load(vault, {
      keyMapper: (name) =>
        name.startsWith('Internal') ? undefined : name.toLowerCase().replaceAll('--', '.'),
    });
    expect(custom.config).toEqual({
      database: { 'connection-string': secretValue('conn') },
      'api-key': secretValue('api'),
    });
    expect(custom.report.entries.find((e) => e.secretName === 'Internal-Only')).toMatchObject({
      status: 'skipped',
      reason: 'keyMapper returned undefined',
    });
  });

  it('fails on two secrets landing on one key, naming both', async () => {
    const vault = await vaultWith([
      { name: 'Db-Password', value: secretValue(1) },
      { name: 'DbPassword', value: secretValue(2) },
    ]);
    const error = await rejectionOf(load(vault, { keyMapper: (name) => name.replaceAll('-', '') }));
    expect(error.code).toBe('KEY_COLLISION');
    expect(error.message).toContain("'Db-Password'");
    expect(error.message).toContain("'DbPassword'");
    expectNoCanary(error);
  });

  it('fails on a value and an object on one path, naming both', async () => {
    const vault = await vaultWith([
      { name: 'Database', value: secretValue(1) },
      { name: 'Database--Host', value: secretValue(2) },
    ]);
    const error = await rejectionOf(load(vault));
    expect(error.code).toBe('KEY_COLLISION');
    expect(error.message).toContain("'Database'");
    expect(error.message).toContain("'Database--Host'");
    expectNoCanary(error);
  });
});

describe('precedence and several vaults', () => {
  it('lets vault values win by default and the environment win on request', async () => {
    const vault = await vaultWith([
      { name: 'API-KEY', value: secretValue('api') },
      { name: 'Database--Connection-String', value: secretValue('conn') },
      { name: 'Only-Vault', value: secretValue('only') },
    ]);
    const env = { API_KEY: 'from-env', Database__Connection_String: 'env-conn' };

    const vaultWins = await load(vault, { env });
    expect(vaultWins.config).toEqual({
      API_KEY: secretValue('api'),
      Database: { Connection_String: secretValue('conn') },
      Only_Vault: secretValue('only'),
    });

    const envWins = await load(vault, { env, precedence: 'environment' });
    // API_KEY is left to the environment; the nested key keeps the environment's value at its path.
    expect(envWins.config).toEqual({
      Database: { Connection_String: 'env-conn' },
      Only_Vault: secretValue('only'),
    });
    expect(envWins.report.entries.find((e) => e.key === 'API_KEY')).toMatchObject({
      status: 'skipped',
      reason: 'environment wins (API_KEY)',
    });
    expect(envWins.report.entries.find((e) => e.key === 'Database.Connection_String')).toMatchObject({
      status: 'skipped',
      reason: 'environment wins (Database__Connection_String)',
    });
    expect(envWins.report.loaded).toBe(1);
  });

  it('merges several vaults in order, the later one winning', async () => {
    const one = await vaultWith([
      { name: 'Shared', value: secretValue('one') },
      { name: 'Only-One', value: secretValue('only-one') },
    ]);
    const two = await vaultWith([
      { name: 'Shared', value: secretValue('two') },
      { name: 'Only-Two', value: secretValue('only-two') },
    ]);
    const logger = captureLogger();
    const { config, report } = await loadKeyVaultSecrets({
      vaults: [{ vaultUrl: one.url }, { vaultUrl: two.url }],
      credential: new ManagedIdentityCredential({ clientId: one.identity }),
      clientOptions: fx.clientOptions(),
      env: {},
      logger,
    });
    expect(config).toEqual({
      Shared: secretValue('two'),
      Only_One: secretValue('only-one'),
      Only_Two: secretValue('only-two'),
    });
    expect(report.vaults).toEqual([new URL(one.url).host, new URL(two.url).host]);
    expect(report.entries.filter((e) => e.key === 'Shared').map((e) => [e.vault, e.status])).toEqual([
      [new URL(one.url).host, 'skipped'],
      [new URL(two.url).host, 'loaded'],
    ]);
    expect(logger.infos().find((l) => l.startsWith('Loaded'))).toContain(
      `from ${new URL(one.url).host}, ${new URL(two.url).host}`,
    );
    expectNoCanary(report, logger.lines);
  });

  it('fails when vaults disagree on value versus object', async () => {
    const one = await vaultWith([{ name: 'Db', value: secretValue(1) }]);
    const two = await vaultWith([{ name: 'Db--Host', value: secretValue(2) }]);
    const error = await rejectionOf(
      loadKeyVaultSecrets({
        vaults: [{ vaultUrl: one.url }, { vaultUrl: two.url }],
        credential: new ManagedIdentityCredential({ clientId: one.identity }),
        clientOptions: fx.clientOptions(),
        env: {},
        logger: captureLogger(),
      }),
    );
    expect(error.code).toBe('KEY_COLLISION');
    expectNoCanary(error);
  });
});

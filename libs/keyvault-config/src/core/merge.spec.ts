import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type { KeyVaultEntrySource } from './interfaces.js';
import type { Slot } from './load-context.js';
import { environmentNamesOf, merge, type MergeInput } from './merge.js';

/** A loaded slot: `key` is a dot path. */
function loaded(
  vault: string,
  secretName: string,
  key: string,
  value: unknown,
  source: KeyVaultEntrySource = 'list',
): Slot {
  return {
    subject: { key, secretName, vault, source, version: `v-${secretName}` },
    entry: { key, path: key.split('.'), value, secretName, vault },
  };
}

function reference(variable: string, secretName: string, value: string): Slot {
  return loaded('refs.vault.azure.net', secretName, variable, value, 'reference');
}

function input(overrides: Partial<MergeInput>): MergeInput {
  return {
    vaultLayers: [],
    referenceSlots: [],
    referenceVariables: new Set(),
    env: {},
    precedence: 'vault',
    ...overrides,
  };
}

/** The KeyVaultConfigError `run` throws (anything else, or nothing, fails the test). */
function thrown(run: () => unknown): KeyVaultConfigError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyVaultConfigError);
  return caught as KeyVaultConfigError;
}

describe('environmentNamesOf', () => {
  it('is the key itself for a flat key, and the `__` and `.` names for a nested one', () => {
    expect(environmentNamesOf(['API_KEY'])).toEqual(['API_KEY']);
    expect(environmentNamesOf(['Database', 'Password'])).toEqual(['Database__Password', 'Database.Password']);
  });
});

describe('merge: vaults', () => {
  it('lets a later vault override an earlier one and reports the earlier one as overridden', () => {
    const first = loaded('a.vault.azure.net', 'Api-Key', 'Api_Key', 'from-a');
    const second = loaded('b.vault.azure.net', 'Api-Key', 'Api_Key', 'from-b');
    const kept = loaded('a.vault.azure.net', 'Only-A', 'Only_A', 'only-a');
    const result = merge(input({ vaultLayers: [[first, kept], [second]] }));
    expect(result.config).toEqual({ Api_Key: 'from-b', Only_A: 'only-a' });
    expect(result.keys.get('Api_Key')).toEqual({
      key: 'Api_Key',
      secretName: 'Api-Key',
      vault: 'b.vault.azure.net',
      version: 'v-Api-Key',
      value: 'from-b',
    });
    expect(result.entries.map((e) => [e.vault, e.status, e.reason])).toEqual([
      ['a.vault.azure.net', 'skipped', 'overridden by a later vault (b.vault.azure.net)'],
      ['a.vault.azure.net', 'loaded', undefined],
      ['b.vault.azure.net', 'loaded', undefined],
    ]);
  });

  it('fails on two secrets of one vault on one key, naming both', () => {
    const error = thrown(() =>
      merge(
        input({
          vaultLayers: [
            [
              loaded('a.vault.azure.net', 'Db--Host', 'Db.Host', 'x'),
              loaded('a.vault.azure.net', 'Db-Host-Other', 'Db.Host', 'y'),
            ],
          ],
        }),
      ),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.KeyCollision);
    expect(error.message).toContain("secret 'Db--Host' (a.vault.azure.net)");
    expect(error.message).toContain("secret 'Db-Host-Other' (a.vault.azure.net)");
    expect(error.message).toContain("key 'Db.Host'");
  });

  it('fails when a value and an object share a path', () => {
    const error = thrown(() =>
      merge(
        input({
          vaultLayers: [
            [loaded('a.vault.azure.net', 'Database', 'Database', 'flat')],
            [loaded('b.vault.azure.net', 'Database--Host', 'Database.Host', 'nested')],
          ],
        }),
      ),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.KeyCollision);
    expect(error.message).toContain("sets key 'Database' to a value");
    expect(error.message).toContain("secret 'Database--Host' (b.vault.azure.net)");
  });

  it('reports skipped slots with their reason and loaded ones with their warning', () => {
    const skipped: Slot = {
      subject: { key: 'Old', secretName: 'Old', vault: 'a', source: 'list' },
      skipped: true,
      reason: 'expired',
    };
    const bare: Slot = { subject: { key: 'Gone', secretName: 'Gone', vault: 'a', source: 'explicit' } };
    const warned = { ...loaded('a', 'Soon', 'Soon', 'v'), reason: 'not yet valid' };
    const result = merge(input({ vaultLayers: [[skipped, bare, warned]] }));
    expect(result.config).toEqual({ Soon: 'v' });
    expect(result.entries).toEqual([
      { key: 'Old', secretName: 'Old', vault: 'a', source: 'list', status: 'skipped', reason: 'expired' },
      {
        key: 'Gone',
        secretName: 'Gone',
        vault: 'a',
        source: 'explicit',
        status: 'skipped',
        reason: 'skipped',
      },
      {
        key: 'Soon',
        secretName: 'Soon',
        vault: 'a',
        source: 'list',
        version: 'v-Soon',
        status: 'loaded',
        reason: 'not yet valid',
      },
    ]);
  });
});

describe('merge: environment precedence', () => {
  it("drops a flat vault key present in the environment under 'environment', keeps it under 'vault'", () => {
    const layers = [[loaded('a', 'API-KEY', 'API_KEY', 'vault-value')]];
    const env = { API_KEY: 'env-value' };
    const environment = merge(input({ vaultLayers: layers, env, precedence: 'environment' }));
    expect(environment.config).toEqual({});
    expect(environment.keys.size).toBe(0);
    expect(environment.entries[0]).toMatchObject({ status: 'skipped', reason: 'environment wins (API_KEY)' });

    const vault = merge(input({ vaultLayers: layers, env, precedence: 'vault' }));
    expect(vault.config).toEqual({ API_KEY: 'vault-value' });
    expect(vault.entries[0]).toMatchObject({ status: 'loaded' });
  });

  it.each(['Database__Password', 'Database.Password'])(
    'keeps the environment value at the path of a nested key matched through %s',
    (variable) => {
      const result = merge(
        input({
          vaultLayers: [[loaded('a', 'Database--Password', 'Database.Password', 'vault-value')]],
          env: { [variable]: 'env-value' },
          precedence: 'environment',
        }),
      );
      expect(result.config).toEqual({ Database: { Password: 'env-value' } });
      expect(result.keys.has('Database.Password')).toBe(false);
      expect(result.entries[0]).toMatchObject({
        status: 'skipped',
        reason: `environment wins (${variable})`,
      });
    },
  );

  it('ignores variables that are unset', () => {
    const result = merge(
      input({
        vaultLayers: [[loaded('a', 'K', 'K', 'vault')]],
        env: { K: undefined },
        precedence: 'environment',
      }),
    );
    expect(result.config).toEqual({ K: 'vault' });
  });

  it('fails when an environment value kept at a nested path collides with a vault value', () => {
    const error = thrown(() =>
      merge(
        input({
          vaultLayers: [
            [
              loaded('a', 'Database', 'Database', 'flat'),
              loaded('a', 'Database--Host', 'Database.Host', 'vault-host'),
            ],
          ],
          env: { Database__Host: 'env-host' },
          precedence: 'environment',
        }),
      ),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.KeyCollision);
    expect(error.message).toContain('environment variable Database__Host');
  });
});

describe('merge: references', () => {
  it("lose to a vault key under precedence 'vault'", () => {
    const result = merge(
      input({
        vaultLayers: [[loaded('a', 'API-KEY', 'API_KEY', 'vault-value')]],
        referenceSlots: [reference('API_KEY', 'Api', 'reference-value')],
        referenceVariables: new Set(['API_KEY']),
        env: { API_KEY: '@Microsoft.KeyVault(SecretUri=https://refs.vault.azure.net/secrets/Api)' },
      }),
    );
    expect(result.config).toEqual({ API_KEY: 'vault-value' });
    expect(result.keys.get('API_KEY')?.vault).toBe('a');
    expect(result.entries.map((e) => [e.source, e.status, e.reason])).toEqual([
      ['list', 'loaded', undefined],
      ['reference', 'skipped', 'overridden by a vault value (precedence: vault)'],
    ]);
  });

  it("win over a vault key under precedence 'environment' (their variable is not an environment value)", () => {
    const result = merge(
      input({
        vaultLayers: [[loaded('a', 'API-KEY', 'API_KEY', 'vault-value')]],
        referenceSlots: [reference('API_KEY', 'Api', 'reference-value')],
        referenceVariables: new Set(['API_KEY']),
        env: { API_KEY: '@Microsoft.KeyVault(SecretUri=https://refs.vault.azure.net/secrets/Api)' },
        precedence: 'environment',
      }),
    );
    expect(result.config).toEqual({ API_KEY: 'reference-value' });
    expect(result.keys.get('API_KEY')).toMatchObject({ secretName: 'Api', value: 'reference-value' });
    expect(result.entries.map((e) => [e.source, e.status, e.reason])).toEqual([
      ['list', 'skipped', 'environment wins (API_KEY)'],
      ['reference', 'loaded', undefined],
    ]);
  });

  it('are loaded under their variable when no vault key matches', () => {
    const result = merge(
      input({
        referenceSlots: [reference('DB_PASSWORD', 'Db', 'pw')],
        referenceVariables: new Set(['DB_PASSWORD']),
      }),
    );
    expect(result.config).toEqual({ DB_PASSWORD: 'pw' });
    expect(result.entries[0]).toMatchObject({ key: 'DB_PASSWORD', source: 'reference', status: 'loaded' });
  });
});

describe('merge: purity', () => {
  it('leaves its slots unchanged and collects every loaded string, overridden ones included', () => {
    const first = loaded('a', 'Json', 'Json', { user: 'user-1', nested: { password: 'password-1' } });
    const second = loaded('b', 'Json', 'Json', 'password-2');
    const before = structuredClone([first, second]);
    const result = merge(input({ vaultLayers: [[first], [second]] }));
    expect([first, second]).toEqual(before);
    expect([...result.secretValues].sort()).toEqual(['password-1', 'password-2', 'user-1']);
  });
});

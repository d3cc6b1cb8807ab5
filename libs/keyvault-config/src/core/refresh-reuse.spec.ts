import type { KeyVaultSecret, SecretProperties } from '@azure/keyvault-secrets';
import { describe, expect, it } from 'vitest';
import { REFRESH_CLOCK_SKEW_ALLOWANCE_MS } from './constants.js';
import { fetchedKey, reusable, unchangedSince, type RememberedSecret } from './refresh-reuse.js';

const UPDATED = Date.parse('2026-11-01T10:00:00Z');
/** The earliest fetch time at which a secret updated at UPDATED counts as unchanged. */
const SAFE = UPDATED + 1_000 + REFRESH_CLOCK_SKEW_ALLOWANCE_MS;

function listed(overrides: Partial<SecretProperties> = {}): SecretProperties {
  return {
    name: 'Db-Password',
    vaultUrl: 'https://a.vault.azure.net',
    updatedOn: new Date(UPDATED),
    createdOn: new Date(UPDATED - 60_000),
    contentType: 'text/plain',
    ...overrides,
  };
}

function remembered(fetchedAt: number, overrides: Partial<SecretProperties> = {}): RememberedSecret {
  const secret: KeyVaultSecret = {
    name: 'Db-Password',
    value: 'not-a-real-value',
    properties: listed(overrides),
  };
  return { secret, fetchedAt };
}

describe('fetchedKey', () => {
  it('is per vault host and ignores the case of the name, as Key Vault does', () => {
    expect(fetchedKey('a.vault.azure.net', 'Db-Password')).toBe(
      fetchedKey('a.vault.azure.net', 'DB-PASSWORD'),
    );
    expect(fetchedKey('a.vault.azure.net', 'Db-Password')).not.toBe(
      fetchedKey('b.vault.azure.net', 'Db-Password'),
    );
  });
});

describe('unchangedSince', () => {
  it('is true when the attributes match and the fetch came safely after updatedOn', () => {
    expect(unchangedSince(remembered(SAFE), listed())).toBe(true);
  });

  it('is false when the fetch came within a second (plus skew) of updatedOn: a newer version could look the same', () => {
    expect(unchangedSince(remembered(SAFE - 1), listed())).toBe(false);
  });

  it.each<[string, Partial<SecretProperties>]>([
    ['updatedOn', { updatedOn: new Date(UPDATED + 1_000) }],
    ['createdOn', { createdOn: new Date(UPDATED) }],
    ['content type', { contentType: 'application/json' }],
  ])('is false when the listing shows another %s', (_, change) => {
    expect(unchangedSince(remembered(SAFE + 60_000), listed(change))).toBe(false);
  });

  it('is false when the listing has no updatedOn', () => {
    expect(unchangedSince(remembered(SAFE), listed({ updatedOn: undefined }))).toBe(false);
  });
});

describe('reusable', () => {
  it('returns the remembered secret of that vault and name when unchanged, else undefined', () => {
    const known = remembered(SAFE);
    const previous = new Map([[fetchedKey('a.vault.azure.net', 'Db-Password'), known]]);
    expect(reusable(previous, 'a.vault.azure.net', listed({ name: 'db-password' }))).toBe(known);
    expect(reusable(previous, 'b.vault.azure.net', listed())).toBeUndefined();
    expect(
      reusable(previous, 'a.vault.azure.net', listed({ updatedOn: new Date(UPDATED + 5_000) })),
    ).toBeUndefined();
    expect(reusable(undefined, 'a.vault.azure.net', listed())).toBeUndefined();
  });
});

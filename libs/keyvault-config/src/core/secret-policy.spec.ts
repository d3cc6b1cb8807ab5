import { describe, expect, it } from 'vitest';
import { SkipReason } from './constants.js';
import { KeyVaultConfigErrorCode } from './errors.js';
import { disabledError, expiryAction, expiryOf, missingOutcome, runFilter } from './secret-policy.js';

describe('missingOutcome', () => {
  it('skips a listed secret that vanished between list and get, with a warning, at startup and in a refresh', () => {
    for (const refresh of [false, true]) {
      expect(missingOutcome('list', refresh, 'notFound')).toEqual({
        skip: SkipReason.DeletedSinceList,
        warn: true,
      });
      expect(missingOutcome('list', refresh, 'disabled')).toEqual({
        skip: SkipReason.DisabledSinceList,
        warn: true,
      });
    }
  });

  it('skips an optional explicit secret silently', () => {
    for (const refresh of [false, true]) {
      expect(missingOutcome('explicit-optional', refresh, 'notFound')).toEqual({
        skip: SkipReason.NotFound,
        warn: false,
      });
      expect(missingOutcome('explicit-optional', refresh, 'disabled')).toEqual({
        skip: SkipReason.Disabled,
        warn: false,
      });
    }
  });

  it('fails a required explicit secret or a reference at startup, removes it with a warning in a refresh', () => {
    for (const source of ['explicit', 'reference'] as const) {
      expect(missingOutcome(source, false, 'notFound')).toBe('fail');
      expect(missingOutcome(source, false, 'disabled')).toBe('fail');
      expect(missingOutcome(source, true, 'notFound')).toEqual({ skip: SkipReason.Deleted, warn: true });
      expect(missingOutcome(source, true, 'disabled')).toEqual({ skip: SkipReason.Disabled, warn: true });
    }
  });
});

describe('expiry', () => {
  const now = new Date('2026-11-01T10:00:00Z');

  it('reads expiresOn (inclusive) and notBefore', () => {
    expect(expiryOf({ expiresOn: now }, now)).toBe(SkipReason.Expired);
    expect(expiryOf({ notBefore: new Date(now.getTime() + 1) }, now)).toBe(SkipReason.NotYetValid);
    expect(expiryOf({ expiresOn: new Date(now.getTime() + 1), notBefore: now }, now)).toBeUndefined();
  });

  it("never skips a reference for expiry: 'skip' only warns", () => {
    expect(expiryAction('skip', 'reference')).toBe('warn');
    expect(expiryAction('load', 'reference')).toBe('load');
    expect(expiryAction('skip', 'list')).toBe('skip');
    expect(expiryAction('warn', 'explicit')).toBe('warn');
  });
});

describe('disabledError', () => {
  const subject = {
    key: 'DB_PASSWORD',
    secretName: 'Db',
    vault: 'my-vault.vault.azure.net',
    source: 'reference' as const,
  };

  it('is an invalid reference for a reference, a missing secret for an explicit one, with the az fix', () => {
    const reference = disabledError('reference', subject);
    expect(reference.code).toBe(KeyVaultConfigErrorCode.InvalidReference);
    expect(reference.message).toContain('Environment variable DB_PASSWORD');
    const explicit = disabledError('explicit', { ...subject, key: 'Db.Password', source: 'explicit' });
    expect(explicit.code).toBe(KeyVaultConfigErrorCode.SecretNotFound);
    for (const error of [reference, explicit]) {
      expect(error.message).toContain(
        'az keyvault secret set-attributes --vault-name my-vault --name Db --enabled true',
      );
    }
  });
});

describe('runFilter', () => {
  it('turns a throwing filter into an invalid-options error naming the secret', () => {
    const properties = { name: 'Api-Key', vaultUrl: 'https://a.vault.azure.net' };
    expect(runFilter(() => true, properties)).toBe(true);
    expect(() =>
      runFilter(() => {
        throw new Error('boom');
      }, properties),
    ).toThrow(
      expect.objectContaining({ code: KeyVaultConfigErrorCode.InvalidOptions, secretName: 'Api-Key' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { isSupportedApiVersion, parseQuery, requireApiVersion } from './api-version.js';
import { KeyVaultError } from './vault.errors.js';

function errorOf(fn: () => unknown): KeyVaultError {
  try {
    fn();
  } catch (error) {
    return error as KeyVaultError;
  }
  throw new Error('expected an error');
}

describe('api-version', () => {
  it('reads api-version whether or not the key is percent-encoded', () => {
    expect(requireApiVersion(parseQuery('api-version=7.4'))).toBe('7.4');
    expect(requireApiVersion(parseQuery('api%2Dversion=2025-07-01'))).toBe('2025-07-01');
    expect(requireApiVersion(parseQuery('?maxresults=2&api%2dversion=7.6-preview.2'))).toBe('7.6-preview.2');
    expect(requireApiVersion(parseQuery('API-Version=7.0'))).toBe('7.0');
  });

  it.each([
    '7.0',
    '7.1',
    '7.2',
    '7.3',
    '7.4',
    '7.5',
    '7.6',
    '7.6-preview.1',
    '7.6-preview.9',
    '2025-07-01',
    '2026-04-01',
  ])('accepts %s', (version) => expect(isSupportedApiVersion(version)).toBe(true));

  it.each(['7.7', '6.0', '2024-01-01', 'latest', '7.6-preview'])('rejects %s', (version) =>
    expect(isSupportedApiVersion(version)).toBe(false),
  );

  it("answers a missing api-version with Key Vault's 400 BadParameter", () => {
    for (const query of ['', 'maxresults=1', 'api-version=', 'api-version']) {
      const error = errorOf(() => requireApiVersion(parseQuery(query)));
      expect(error.status).toBe(400);
      expect(error.toBody()).toEqual({
        error: { code: 'BadParameter', message: "The 'api-version' query parameter is missing." },
      });
    }
  });

  it("answers an unknown api-version with Key Vault's wording", () => {
    const error = errorOf(() => requireApiVersion(parseQuery('api-version=9.9')));
    expect(error.status).toBe(400);
    expect(error.toBody().error).toEqual({
      code: 'BadParameter',
      message:
        'The specified version (9.9) is not recognized. Consider using the latest supported version (2025-07-01).',
    });
  });

  it('decodes values and keeps the first occurrence of a key', () => {
    const query = parseQuery('a=1&a=2&%24skiptoken=x%2By&b=c+d');
    expect(query.get('a')).toBe('1');
    expect(query.get('$skiptoken')).toBe('x+y');
    expect(query.get('b')).toBe('c d');
  });
});

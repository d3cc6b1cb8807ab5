import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { isLoopbackHost, parseVaultUrl } from './vault-url.js';

function rejection(raw: unknown): KeyVaultConfigError {
  let caught: unknown;
  try {
    parseVaultUrl(raw);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyVaultConfigError);
  expect((caught as KeyVaultConfigError).code).toBe(KeyVaultConfigErrorCode.InvalidOptions);
  return caught as KeyVaultConfigError;
}

describe('loopback detection', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '[::1]', '::1'])('%s is loopback', (host) =>
    expect(isLoopbackHost(host)).toBe(true),
  );
  it.each([
    '128.0.0.1',
    '127.0.0.256',
    'localhost.evil.com',
    'my.localhost',
    '10.0.0.1',
    'vault.azure.net',
    '[::2]',
  ])('%s is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
  it('normalizes the vault URL', () => {
    expect(parseVaultUrl('  https://My-Vault.vault.azure.net/  ')).toEqual({
      url: 'https://my-vault.vault.azure.net',
      host: 'my-vault.vault.azure.net',
      loopback: false,
    });
  });
});

describe('an invalid vault URL in a message', () => {
  // A pasted connection string or a URL with a key in it must not come back in a log line.
  it('shows scheme and host only, never what follows', () => {
    const message = rejection('https://my vault.vault.azure.net/?sig=S3cr3tSig%20x').message;
    expect(message).toContain('https://my vault.vault.azure.net');
    expect(message).not.toContain('S3cr3tSig');
  });
  it('shows only the length of a string with no scheme', () => {
    const message = rejection('DefaultEndpointsProtocol=https;AccountKey=S3cr3tKey==').message;
    expect(message).not.toContain('S3cr3tKey');
    expect(message).not.toContain('AccountKey');
    expect(message).toMatch(/\d+ characters/);
  });
  it('never shows credentials placed before the host', () => {
    const message = rejection('https://user:S3cr3tPw@').message;
    expect(message).not.toContain('S3cr3tPw');
  });
});

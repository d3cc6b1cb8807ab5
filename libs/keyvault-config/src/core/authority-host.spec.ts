import { describe, expect, it } from 'vitest';
import { authorityHostOptions, isLoopbackAuthorityHost } from './authority-host.js';

describe('authorityHostOptions', () => {
  it('turns instance discovery off for loopback authority hosts only', () => {
    for (const host of [
      'https://127.0.0.1:4443',
      'https://localhost:8443/',
      'https://[::1]:4443',
      'https://127.8.9.10',
    ]) {
      expect(authorityHostOptions(host)).toEqual({ disableInstanceDiscovery: true });
    }
    for (const host of [
      undefined,
      '',
      'https://login.microsoftonline.com',
      'https://login.microsoftonline.us/',
      'https://127.0.0.1.nip.io',
      'https://localhost.evil.example',
      'not a url',
    ]) {
      expect(authorityHostOptions(host)).toEqual({});
      expect(isLoopbackAuthorityHost(host)).toBe(false);
    }
  });

  it('reads AZURE_AUTHORITY_HOST by default', () => {
    const saved = process.env.AZURE_AUTHORITY_HOST;
    try {
      process.env.AZURE_AUTHORITY_HOST = 'https://127.0.0.1:1234';
      expect(authorityHostOptions()).toEqual({ disableInstanceDiscovery: true });
      delete process.env.AZURE_AUTHORITY_HOST;
      expect(authorityHostOptions()).toEqual({});
    } finally {
      if (saved === undefined) delete process.env.AZURE_AUTHORITY_HOST;
      else process.env.AZURE_AUTHORITY_HOST = saved;
    }
  });
});

import { describe, expect, it } from 'vitest';
import { describeCredential, formatLoadLine } from './logger.js';
import { buildReport, loadedEntry, skippedEntry } from './report.js';

describe('report', () => {
  it('builds entries from names and properties only and counts the loaded ones', () => {
    const subject = { key: 'A.B', secretName: 'A--B', vault: 'v.vault.azure.net', source: 'list' as const };
    const report = buildReport({
      vaults: ['v.vault.azure.net'],
      loadedAt: new Date(0),
      elapsedMs: 12.6,
      entries: [
        loadedEntry({ ...subject, version: '1' }),
        loadedEntry(subject, 'expired'),
        skippedEntry(subject, 'disabled'),
      ],
    });
    expect(report.loaded).toBe(2);
    expect(report.elapsedMs).toBe(13);
    expect(report.entries).toEqual([
      {
        key: 'A.B',
        secretName: 'A--B',
        vault: 'v.vault.azure.net',
        source: 'list',
        version: '1',
        status: 'loaded',
      },
      {
        key: 'A.B',
        secretName: 'A--B',
        vault: 'v.vault.azure.net',
        source: 'list',
        status: 'loaded',
        reason: 'expired',
      },
      {
        key: 'A.B',
        secretName: 'A--B',
        vault: 'v.vault.azure.net',
        source: 'list',
        status: 'skipped',
        reason: 'disabled',
      },
    ]);
    expect(report).not.toHaveProperty('credential');
    expect(report).not.toHaveProperty('error');
  });
});

describe('the load line', () => {
  it('names count, vaults, time and the credential', () => {
    const credential = {
      name: 'ManagedIdentityCredential',
      detail: 'App Service',
      objectId: 'o',
      clientId: 'c',
    };
    expect(formatLoadLine(1, ['a.vault.azure.net', 'b.vault.azure.net'], 41.7, credential)).toBe(
      'Loaded 1 secret from a.vault.azure.net, b.vault.azure.net in 42 ms using ManagedIdentityCredential (App Service) as oid=o appid=c',
    );
    expect(formatLoadLine(0, [], 1, undefined)).toBe(
      'Loaded 0 secrets from no vault in 1 ms using a credential that has not issued a token yet',
    );
    expect(describeCredential({ name: 'AzureCliCredential' })).toContain('AzureCliCredential');
  });
});

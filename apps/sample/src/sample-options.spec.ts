import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { masterSecretWarning } from './identity/master-secret.messages.js';
import { readSampleOptions } from './sample-options.js';

describe('readSampleOptions', () => {
  it('defaults to 127.0.0.1:3000 and a 5 s refresh', () => {
    expect(readSampleOptions({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      refreshInterval: '5s',
      masterSecrets: { present: false, variables: [] },
    });
  });

  it('reads PORT, HOST and SAMPLE_REFRESH_INTERVAL (milliseconds or a duration string)', () => {
    expect(readSampleOptions({ PORT: '0', HOST: '::1', SAMPLE_REFRESH_INTERVAL: '1000' })).toEqual({
      port: 0,
      host: '::1',
      refreshInterval: 1000,
      masterSecrets: { present: false, variables: [] },
    });
    expect(readSampleOptions({ SAMPLE_REFRESH_INTERVAL: '1s' }).refreshInterval).toBe('1s');
  });

  it('names the master secrets of the environment it is given, never their values', () => {
    expect(readSampleOptions({ AZURE_CLIENT_SECRET: 'CANARY-sp-secret' }).masterSecrets).toEqual({
      present: true,
      variables: [{ name: 'AZURE_CLIENT_SECRET', kind: 'client secret' }],
    });
  });

  it('names the master secrets of the .env file @nestjs/config reads, unless the environment sets them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sample-dotenv-'));
    try {
      writeFileSync(
        join(dir, '.env'),
        [
          '# a developer pasted a service principal',
          'AZURE_CLIENT_SECRET="CANARY-dotenv-secret"',
          'DB_CONNECTION_STRING=CANARY-dotenv-connection',
          'AZURE_CLIENT_CERTIFICATE_PASSWORD=',
          'KEY_VAULT_URL=https://kv.vault.azure.net',
        ].join('\n'),
      );
      const { masterSecrets } = readSampleOptions({ DB_CONNECTION_STRING: 'CANARY-env-connection' }, dir);
      expect(masterSecrets).toEqual({
        present: true,
        variables: [
          { name: 'AZURE_CLIENT_SECRET', kind: 'client secret', file: '.env' },
          { name: 'DB_CONNECTION_STRING', kind: 'connection string' },
        ],
      });
      const said = masterSecretWarning(masterSecrets.variables);
      expect(said).toContain('AZURE_CLIENT_SECRET (client secret, in .env)');
      expect(JSON.stringify(masterSecrets) + said).not.toMatch(/CANARY/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no .env when the directory has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sample-no-dotenv-'));
    try {
      expect(readSampleOptions({}, dir).masterSecrets).toEqual({ present: false, variables: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a port that is not one, naming the variable', () => {
    expect(() => readSampleOptions({ PORT: 'http' })).toThrow(/PORT must be a port number/);
    expect(() => readSampleOptions({ PORT: '70000' })).toThrow(/PORT/);
  });
});

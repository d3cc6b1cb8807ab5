import { describe, expect, it } from 'vitest';
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

  it('rejects a port that is not one, naming the variable', () => {
    expect(() => readSampleOptions({ PORT: 'http' })).toThrow(/PORT must be a port number/);
    expect(() => readSampleOptions({ PORT: '70000' })).toThrow(/PORT/);
  });
});

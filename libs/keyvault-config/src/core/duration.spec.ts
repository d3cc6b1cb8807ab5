import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';
import { KeyVaultConfigError } from './errors.js';
import type { KeyVaultConfigOptions } from './interfaces.js';
import { resolveOptions } from './options.js';

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    [0, 0],
    [1.6, 2],
    ['2500', 2500],
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1m 30s', 90_000],
    [' 2M ', 120_000],
    ['1s500ms', 1_500],
  ] as const)('%j → %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    ' ',
    'abc',
    '5 minutes',
    '-5m',
    '5m1h',
    '1m2m',
    '1x',
    'm',
    '5m!',
  ] as const)('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('rejects non-string, non-number input', () => {
    expect(parseDuration({} as unknown as string)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [1_500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

const resolve = (options: KeyVaultConfigOptions) =>
  resolveOptions({ vaultUrl: 'https://my-vault.vault.azure.net', env: {}, ...options });
const failure = (options: KeyVaultConfigOptions): KeyVaultConfigError => {
  try {
    resolve(options);
  } catch (error) {
    return error as KeyVaultConfigError;
  }
  throw new Error('expected INVALID_OPTIONS');
};

describe('refresh options', () => {
  it('takes milliseconds or duration strings, and defaults to no timer and a threshold of 3', () => {
    expect(resolve({})).toMatchObject({ refreshIntervalMs: undefined, healthFailureThreshold: 3 });
    expect(resolve({ refreshInterval: '5m' }).refreshIntervalMs).toBe(300_000);
    expect(resolve({ refreshInterval: 1_000 }).refreshIntervalMs).toBe(1_000);
    expect(resolve({ refreshInterval: '1h30m' }).refreshIntervalMs).toBe(5_400_000);
    expect(resolve({ healthFailureThreshold: 1 }).healthFailureThreshold).toBe(1);
    expect(resolve({ healthFailureThreshold: Number.POSITIVE_INFINITY }).healthFailureThreshold).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it.each([
    [{ refreshInterval: '500ms' }, 'refreshInterval', /shorter than 1s/],
    [{ refreshInterval: 999 }, 'refreshInterval', /shorter than 1s/],
    [{ refreshInterval: '30d' }, 'refreshInterval', /longer than/],
    [{ refreshInterval: 'often' }, 'refreshInterval', /not a duration/],
    [{ refreshInterval: -5 }, 'refreshInterval', /not a duration/],
    [{ refreshInterval: true as unknown as string }, 'refreshInterval', /not a duration/],
    [{ healthFailureThreshold: 0 }, 'healthFailureThreshold', /positive integer/],
    [{ healthFailureThreshold: 2.5 }, 'healthFailureThreshold', /positive integer/],
    [{ healthFailureThreshold: '3' as unknown as number }, 'healthFailureThreshold', /positive integer/],
  ])('rejects %j naming the option', (options, option, message) => {
    const error = failure(options);
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.key).toBe(option);
    expect(error.message).toMatch(message);
  });
});

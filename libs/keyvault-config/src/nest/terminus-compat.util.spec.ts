import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { KeyVaultHealth } from '../core/index.js';
import { terminusMajor, toTerminusResult } from './terminus-compat.util.js';

const base = { vaults: ['v.vault.azure.net'], secrets: 2, consecutiveFailures: 0 };
const up: KeyVaultHealth = { ...base, status: 'up' };
const degraded: KeyVaultHealth = {
  ...base,
  status: 'degraded',
  consecutiveFailures: 1,
  lastError: 'VAULT_UNREACHABLE',
};
const down: KeyVaultHealth = {
  ...base,
  status: 'down',
  consecutiveFailures: 3,
  lastError: 'VAULT_UNREACHABLE',
};

describe('toTerminusResult', () => {
  it('passes every status through on terminus 12 and without terminus', () => {
    for (const major of [12, 13, undefined]) {
      for (const health of [up, degraded, down])
        expect(toTerminusResult('kv', health, major)).toEqual({ kv: health });
    }
  });

  it('reports degraded as up with degraded: true on terminus 10 and 11 (they drop or ignore other statuses)', () => {
    for (const major of [10, 11]) {
      expect(toTerminusResult('kv', up, major)).toEqual({ kv: up });
      expect(toTerminusResult('kv', degraded, major)).toEqual({
        kv: { ...degraded, status: 'up', degraded: true },
      });
    }
  });

  it('returns down on terminus 11 and throws it as a HealthCheckError on terminus 10', () => {
    expect(toTerminusResult('kv', down, 11)).toEqual({ kv: down });
    const thrown = (() => {
      try {
        toTerminusResult('kv', down, 10);
      } catch (error) {
        return error;
      }
      return undefined;
    })() as { isHealthCheckError?: unknown; causes?: unknown; message?: unknown };
    // What terminus 10's executor reads: `isHealthCheckError` (its isHealthCheckError()) and `causes`.
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.isHealthCheckError).toBe(true);
    expect(thrown.causes).toEqual({ kv: down });
  });
});

describe('terminusMajor', () => {
  it('reads the major of the @nestjs/terminus this process resolves', () => {
    const { version } = createRequire(import.meta.url)('@nestjs/terminus/package.json') as {
      version: string;
    };
    expect(terminusMajor()).toBe(Number.parseInt(version, 10));
  });
});

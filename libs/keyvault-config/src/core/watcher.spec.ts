import { describe, expect, it } from 'vitest';
import type { KeyVaultKeyChange, KeyVaultRefreshState } from './interfaces.js';
import type { RefreshSnapshot } from './snapshot-diff.js';
import { evaluateRefreshHealth } from './refresh-health.js';
import { Watcher } from './watcher.js';
import { MemoryLogger, snapshot } from '../testing/refresh.fixtures.js';

const report = snapshot([['A', 'v1', 'a']]).report;
const state = (consecutiveFailures: number): KeyVaultRefreshState => ({
  consecutiveFailures,
  loaded: 1,
  lastSuccessAt: new Date(1000),
  intervalMs: 60_000,
  ...(consecutiveFailures > 0
    ? {
        failingSince: new Date(2000),
        lastError: { code: 'VAULT_UNREACHABLE', message: 'Key Vault failed.' },
      }
    : {}),
});

describe('evaluateRefreshHealth', () => {
  it('is up, degraded below the threshold and down from it', () => {
    expect(evaluateRefreshHealth(state(0), report)).toEqual({
      status: 'up',
      vaults: ['vault.test'],
      secrets: 1,
      lastRefreshAt: new Date(1000).toISOString(),
      refreshIntervalMs: 60_000,
      consecutiveFailures: 0,
    });
    expect(evaluateRefreshHealth(state(2), report)).toMatchObject({
      status: 'degraded',
      failingSince: new Date(2000).toISOString(),
      lastError: 'VAULT_UNREACHABLE',
    });
    expect(evaluateRefreshHealth(state(3), report).status).toBe('down');
    expect(evaluateRefreshHealth(state(1), report, 1).status).toBe('down');
    expect(evaluateRefreshHealth(state(50), report, Number.POSITIVE_INFINITY).status).toBe('degraded');
  });

  it('is degraded when an optional startup load failed and nothing loaded since', () => {
    const failed = { ...report, error: { code: 'CREDENTIAL_UNAVAILABLE', message: 'No credential.' } };
    expect(evaluateRefreshHealth({ consecutiveFailures: 0, loaded: 0 }, failed)).toMatchObject({
      status: 'degraded',
      lastError: 'CREDENTIAL_UNAVAILABLE',
    });
  });
});

function watcher(next: () => RefreshSnapshot | Promise<RefreshSnapshot>) {
  const logger = new MemoryLogger();
  const initial = snapshot([['A', 'v1', 'a']]);
  const w = new Watcher(initial, { reload: async () => next() }, { logger });
  return { w, logger, initial };
}

describe('Watcher', () => {
  it('replaces config on change, keeps it otherwise, and emits change then refresh', async () => {
    let next = snapshot([['A', 'v1', 'a']]);
    const { w, logger, initial } = watcher(() => next);
    const order: string[] = [];
    w.on('change', () => order.push('change'));
    w.on('refresh', (s) => order.push(`refresh ${s.ok}`));
    await w.refresh();
    expect(w.config).toBe(initial.config);
    next = snapshot([['A', 'v2', 'a2']]);
    const seen: KeyVaultKeyChange[][] = [];
    const off = w.onKeyChange('A', (changes) => seen.push(changes));
    const summary = await w.refresh();
    expect(summary.changes.updated.map((c) => c.key)).toEqual(['A']);
    expect(w.config).toEqual({ A: 'a2' });
    expect(initial.config).toEqual({ A: 'a' });
    expect(w.get('A')).toBe('a2');
    expect(order).toEqual(['refresh true', 'change', 'refresh true']);
    expect(seen).toHaveLength(1);
    off();
    expect(logger.at('log')).toEqual(['Key Vault refresh applied 1 change: A updated.']);
    await w.stop();
  });

  it('a throwing listener is logged by type only and does not stop the others', async () => {
    const { w, logger } = watcher(() => snapshot([['A', 'v2', 'secret-canary']]));
    const seen: string[] = [];
    w.on('change', () => {
      throw new Error('secret-canary');
    });
    w.on('change', () => seen.push('second'));
    expect((await w.refresh()).ok).toBe(true);
    expect(seen).toEqual(['second']);
    expect(logger.at('error')).toEqual([
      "A Key Vault 'change' listener threw Error; the other listeners still ran.",
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('secret-canary');
  });

  it('without a source (startup failed before reaching a vault) cycles fail with a clear error', async () => {
    const w = new Watcher(snapshot([]), undefined, {
      logger: new MemoryLogger(),
      unrecoverable: { code: 'INVALID_OPTIONS', message: 'bad' },
    });
    expect(await w.refresh()).toMatchObject({ ok: false, error: { code: 'INVALID_OPTIONS' } });
  });
});

import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type { KeyVaultConfigLogger, KeyVaultKeyChange, KeyVaultRefreshState } from './interfaces.js';
import {
  changesFor,
  CycleLogger,
  describeRefreshError,
  diffSnapshots,
  evaluateRefreshHealth,
  hasChanges,
  noChanges,
  RefreshingKeyVault,
  RefreshScheduler,
  type LoadedKey,
  type RefreshCycle,
  type RefreshCycleResult,
  type RefreshSnapshot,
  type SchedulerClock,
} from './refresher.js';

/** A clock whose time only moves when the test says so. */
class FakeClock implements SchedulerClock {
  private time = 1_000_000;
  private nextId = 1;
  readonly timers = new Map<number, { due: number; callback: () => void }>();

  now = (): number => this.time;
  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + ms, callback });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Delays of the pending timers, from now. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.due - this.time);
  }

  /** Moves time forward, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.due <= end)
        .sort((a, b) => a[1].due - b[1].due);
      const first = due[0];
      if (!first) break;
      this.timers.delete(first[0]);
      this.time = first[1].due;
      first[1].callback();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class MemoryLogger implements KeyVaultConfigLogger {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: string): void => void this.lines.push({ level: 'log', message });
  warn = (message: string): void => void this.lines.push({ level: 'warn', message });
  error = (message: string): void => void this.lines.push({ level: 'error', message });
  debug = (message: string): void => void this.lines.push({ level: 'debug', message });
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const unreachable = (): KeyVaultConfigError =>
  new KeyVaultConfigError(KeyVaultConfigErrorCode.VaultUnreachable, 'Key Vault 127.0.0.1 failed with 503.');

function ok(loaded = 3): RefreshCycleResult {
  return { changes: noChanges(new Date()), loaded };
}

function setup(options: { intervalMs?: number; random?: number; cycle?: RefreshCycle } = {}) {
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const calls: AbortSignal[] = [];
  let behaviour: RefreshCycle = options.cycle ?? (async () => ok());
  const scheduler = new RefreshScheduler({
    intervalMs: 'intervalMs' in options ? options.intervalMs : 10_000,
    loaded: 3,
    loadedAt: new Date(clock.now()),
    logger,
    clock,
    random: () => options.random ?? 0.5,
    cycle: (signal) => {
      calls.push(signal);
      return behaviour(signal);
    },
  });
  return {
    clock,
    logger,
    calls,
    scheduler,
    setCycle: (cycle: RefreshCycle) => {
      behaviour = cycle;
    },
  };
}

describe('RefreshScheduler timing', () => {
  it('arms one timer at the interval with ±10 % jitter on start', () => {
    for (const [random, expected] of [
      [0, 9_000],
      [0.5, 10_000],
      [0.999_999, 11_000],
    ] as const) {
      const { clock, scheduler } = setup({ random });
      scheduler.start();
      scheduler.start();
      expect(clock.pending()).toEqual([expected]);
      expect(scheduler.state.nextRefreshAt?.getTime()).toBe(clock.now() + expected);
    }
  });

  it('runs a cycle per tick and re-arms from the end of each cycle', async () => {
    const { clock, calls, scheduler } = setup();
    scheduler.start();
    await clock.advance(9_999);
    expect(calls).toHaveLength(0);
    await clock.advance(1);
    expect(calls).toHaveLength(1);
    expect(clock.pending()).toEqual([10_000]);
    await clock.advance(25_000);
    expect(calls).toHaveLength(3);
    expect(scheduler.state.lastSuccessAt?.getTime()).toBe(clock.now() - 5_000);
  });

  it('arms no timer without an interval, but refresh() still runs cycles', async () => {
    const { clock, calls, scheduler } = setup({ intervalMs: undefined });
    scheduler.start();
    expect(clock.pending()).toEqual([]);
    const summary = await scheduler.refresh();
    expect(summary.ok).toBe(true);
    expect(calls).toHaveLength(1);
    expect(clock.pending()).toEqual([]);
    expect(scheduler.state.intervalMs).toBeUndefined();
  });

  it('an on-demand cycle replaces the pending tick', async () => {
    const { clock, calls, scheduler } = setup();
    scheduler.start();
    await clock.advance(6_000);
    await scheduler.refresh();
    expect(calls).toHaveLength(1);
    expect(clock.pending()).toEqual([10_000]);
  });
});

describe('RefreshScheduler single flight', () => {
  it('concurrent refresh() calls share one cycle', async () => {
    const gate = deferred<RefreshCycleResult>();
    const { calls, scheduler } = setup({ cycle: () => gate.promise });
    const first = scheduler.refresh();
    const second = scheduler.refresh();
    expect(second).toBe(first);
    expect(scheduler.state.refreshing).toBe(true);
    gate.resolve(ok(5));
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(calls).toHaveLength(1);
    expect(scheduler.state).toMatchObject({ refreshing: false, loaded: 5 });
  });

  it('a tick during a running cycle starts no second cycle', async () => {
    const gate = deferred<RefreshCycleResult>();
    const { clock, calls, scheduler } = setup({ cycle: () => gate.promise });
    scheduler.start();
    await clock.advance(10_000);
    expect(calls).toHaveLength(1);
    await clock.advance(100_000);
    expect(calls).toHaveLength(1);
    expect(clock.pending()).toEqual([]);
    const joined = scheduler.refresh();
    gate.resolve(ok());
    expect((await joined).ok).toBe(true);
    expect(calls).toHaveLength(1);
    expect(clock.pending()).toEqual([10_000]);
  });
});

describe('RefreshScheduler failures', () => {
  it('keeps counting, backs off exponentially up to the interval, warns once, logs recovery once', async () => {
    const { clock, logger, calls, scheduler, setCycle } = setup({ intervalMs: 60_000 });
    setCycle(async () => {
      throw unreachable();
    });
    scheduler.start();
    await clock.advance(60_000);
    expect(calls).toHaveLength(1);
    expect(scheduler.state).toMatchObject({
      consecutiveFailures: 1,
      loaded: 3,
      lastError: { code: 'VAULT_UNREACHABLE' },
    });
    expect(scheduler.state.failingSince?.getTime()).toBe(clock.now());
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]).toContain('[VAULT_UNREACHABLE]');
    expect(logger.at('warn')[0]).toContain('last-known-good');

    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      delays.push(clock.pending()[0]!);
      await clock.advance(clock.pending()[0]!);
    }
    expect(delays).toEqual([30_000, 60_000, 60_000, 60_000]);
    expect(scheduler.state.consecutiveFailures).toBe(5);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('debug').filter((m) => m.includes('still failing'))).toHaveLength(4);

    setCycle(async () => ok(4));
    const summary = await scheduler.refresh();
    expect(summary.ok).toBe(true);
    expect(scheduler.state).toMatchObject({ consecutiveFailures: 0, loaded: 4 });
    expect(scheduler.state.lastError).toBeUndefined();
    expect(scheduler.state.failingSince).toBeUndefined();
    expect(logger.at('log').filter((m) => m.includes('recovered after 5 failed'))).toHaveLength(1);
    expect(clock.pending()).toEqual([60_000]);

    // A new streak warns again, once.
    setCycle(async () => {
      throw unreachable();
    });
    await scheduler.refresh();
    await scheduler.refresh();
    expect(logger.at('warn')).toHaveLength(2);
    expect(logger.at('log').filter((m) => m.includes('recovered'))).toHaveLength(1);
  });

  it('a failed cycle resolves (never rejects) to a summary with the error and no changes', async () => {
    const { scheduler, setCycle } = setup();
    setCycle(async () => {
      throw unreachable();
    });
    const summary = await scheduler.refresh();
    expect(summary).toMatchObject({
      ok: false,
      error: { code: 'VAULT_UNREACHABLE' },
      changes: { added: [], updated: [], removed: [] },
    });
  });

  it('withholds the message of errors it did not write (they may quote content)', async () => {
    const canary = 'canary-value-7f3a';
    const { logger, scheduler, setCycle } = setup();
    setCycle(async () => {
      JSON.parse(canary);
      return ok();
    });
    const summary = await scheduler.refresh();
    expect(summary.error?.code).toBe('UNEXPECTED');
    expect(JSON.stringify(summary)).not.toContain(canary);
    expect(JSON.stringify(logger.lines)).not.toContain(canary);
    expect(JSON.stringify(scheduler.state)).not.toContain(canary);
    expect(describeRefreshError('x').code).toBe('UNEXPECTED');
  });
});

describe('RefreshScheduler stop', () => {
  it('clears the timer, aborts the running cycle and waits for it; no warning, no more cycles', async () => {
    const { clock, logger, calls, scheduler } = setup({
      cycle: (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    scheduler.start();
    await clock.advance(10_000);
    expect(calls).toHaveLength(1);
    const running = scheduler.refresh();
    await scheduler.stop();
    expect(calls[0]!.aborted).toBe(true);
    expect((await running).error?.code).toBe('STOPPED');
    expect(clock.pending()).toEqual([]);
    expect(scheduler.state).toMatchObject({
      stopped: true,
      consecutiveFailures: 0,
      nextRefreshAt: undefined,
    });
    expect(logger.at('warn')).toEqual([]);

    const after = await scheduler.refresh();
    expect(after).toMatchObject({ ok: false, error: { code: 'STOPPED' } });
    scheduler.start();
    await clock.advance(1_000_000);
    expect(calls).toHaveLength(1);
    await scheduler.stop();
  });

  it('a cycle that completes after stop() is not counted as a success', async () => {
    const gate = deferred<RefreshCycleResult>();
    const { scheduler } = setup({ cycle: () => gate.promise });
    const running = scheduler.refresh();
    const stopping = scheduler.stop();
    gate.resolve(ok(99));
    await stopping;
    expect((await running).ok).toBe(false);
    expect(scheduler.state.loaded).toBe(3);
  });

  it('a throwing summary listener does not break the scheduler', async () => {
    const scheduler = new RefreshScheduler({
      cycle: async () => ok(),
      loaded: 0,
      logger: new MemoryLogger(),
      onSummary: () => {
        throw new Error('listener bug');
      },
    });
    expect((await scheduler.refresh()).ok).toBe(true);
    await scheduler.stop();
  });
});

// ------------------------------------------------------------------------------------------- watcher

function snapshot(
  keys: Array<[key: string, version: string, value: unknown, secretName?: string]>,
  skipped: Array<{ key: string; secretName: string; reason: string }> = [],
): RefreshSnapshot {
  const map = new Map<string, LoadedKey>();
  const config: Record<string, unknown> = {};
  for (const [key, version, value, secretName] of keys) {
    map.set(key, { key, version, value, secretName: secretName ?? key, vault: 'vault.test' });
    config[key] = value;
  }
  return {
    config,
    keys: map,
    report: {
      vaults: ['vault.test'],
      loadedAt: new Date(0),
      elapsedMs: 1,
      loaded: map.size,
      entries: [
        ...[...map.values()].map((k) => ({
          key: k.key,
          secretName: k.secretName,
          vault: k.vault,
          version: k.version,
          source: 'list' as const,
          status: 'loaded' as const,
        })),
        ...skipped.map((s) => ({
          ...s,
          vault: 'vault.test',
          source: 'list' as const,
          status: 'skipped' as const,
        })),
      ],
    },
  };
}

describe('diffSnapshots', () => {
  it('finds added, updated (version, value or secret) and removed keys with reasons, without values', () => {
    const before = snapshot([
      ['A', 'v1', 'a'],
      ['B', 'v1', 'b'],
      ['C', 'v1', { x: 1 }],
      ['D', 'v1', 'd'],
      ['E', 'v1', 'e'],
      ['F', 'v1', 'f', 'F-one'],
    ]);
    const after = snapshot(
      [
        ['A', 'v1', 'a'],
        ['B', 'v2', 'b2'],
        ['C', 'v1', { x: 2 }],
        ['F', 'v1', 'f', 'F-two'],
        ['G', 'v1', 'g'],
      ],
      [{ key: 'D', secretName: 'D', reason: 'disabled' }],
    );
    const event = diffSnapshots(before, after, new Date(5));
    expect(event.added).toEqual([
      { key: 'G', secretName: 'G', vault: 'vault.test', kind: 'added', version: 'v1' },
    ]);
    expect(event.updated.map((c) => [c.key, c.version, c.previousVersion])).toEqual([
      ['B', 'v2', 'v1'],
      ['C', 'v1', 'v1'],
      ['F', 'v1', 'v1'],
    ]);
    expect(event.removed.map((c) => [c.key, c.reason])).toEqual([
      ['D', 'disabled'],
      ['E', 'deleted'],
    ]);
    expect(JSON.stringify(event)).not.toMatch(/"b2"|"x"/);
    expect(hasChanges(event)).toBe(true);
    expect(hasChanges(diffSnapshots(before, before, new Date()))).toBe(false);
  });
});

const changeOf = (key: string): KeyVaultKeyChange => ({ key, secretName: key, vault: 'v', kind: 'updated' });

describe('changesFor', () => {
  it('matches the key, keys below it and the key above it', () => {
    const event = {
      at: new Date(),
      added: [changeOf('Db.Password')],
      updated: [changeOf('Database'), changeOf('Dbx')],
      removed: [changeOf('Db')],
    };
    expect(changesFor(event, 'Db').map((x) => x.key)).toEqual(['Db.Password', 'Db']);
    expect(changesFor(event, 'Db.Password').map((x) => x.key)).toEqual(['Db.Password', 'Db']);
    expect(changesFor(event, 'Database.host').map((x) => x.key)).toEqual(['Database']);
    expect(changesFor(event, 'Other')).toEqual([]);
  });
});

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

describe('CycleLogger', () => {
  it('does not repeat a warning the previous cycle wrote', () => {
    const target = new MemoryLogger();
    const logger = new CycleLogger(target);
    logger.warn('expired');
    logger.endCycle();
    logger.warn('expired');
    logger.warn('new');
    logger.endCycle();
    logger.endCycle();
    logger.warn('expired');
    expect(target.at('warn')).toEqual(['expired', 'new', 'expired']);
    expect(target.at('debug')).toEqual(['expired']);
  });
});

function watcher(next: () => RefreshSnapshot | Promise<RefreshSnapshot>) {
  const logger = new MemoryLogger();
  const initial = snapshot([['A', 'v1', 'a']]);
  const w = new RefreshingKeyVault(initial, { reload: async () => next() }, { logger });
  return { w, logger, initial };
}

describe('RefreshingKeyVault', () => {
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
    const w = new RefreshingKeyVault(snapshot([]), undefined, {
      logger: new MemoryLogger(),
      unrecoverable: { code: 'INVALID_OPTIONS', message: 'bad' },
    });
    expect(await w.refresh()).toMatchObject({ ok: false, error: { code: 'INVALID_OPTIONS' } });
  });
});

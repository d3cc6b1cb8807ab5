import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { describeRefreshError } from './refresh-record.js';
import {
  RefreshScheduler,
  type RefreshCycle,
  type RefreshCycleResult,
  type SchedulerClock,
} from './refresh-scheduler.js';
import { noChanges } from './snapshot-diff.js';
import { MemoryLogger } from '../testing/refresh.fixtures.js';

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

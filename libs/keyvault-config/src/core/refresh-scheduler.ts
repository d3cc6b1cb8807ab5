/**
 * When refresh cycles run: interval with jitter, single flight, backoff after failures, stop. The state
 * cycles leave (failure streaks, their warning and recovery lines, the summaries) is refresh-record.ts's.
 *
 * The scheduler knows nothing about vaults — it runs an injected {@link RefreshCycle} — so it is
 * unit-tested with a fake clock. The watcher (watcher.ts) gives it the cycle; what a cycle
 * changed is computed in snapshot-diff.ts.
 */
import { DEFAULT_REFRESH_JITTER, MAX_REFRESH_BACKOFF_BASE_MS } from './constants.js';
import type {
  KeyVaultChangeEvent,
  KeyVaultConfigLogger,
  KeyVaultRefreshState,
  KeyVaultRefreshSummary,
} from './interfaces.js';
import {
  describeRefreshError,
  RefreshRecord,
  stoppedDuringCycleSummary,
  stoppedSummary,
  unchangedSummary,
  type RefreshError,
} from './refresh-record.js';

/** What one successful cycle reports back to the scheduler. */
export interface RefreshCycleResult {
  /** Changes the cycle applied (empty lists when nothing changed). */
  changes: KeyVaultChangeEvent;
  /** Keys loaded from Key Vault after the cycle. */
  loaded: number;
}

/**
 * One refresh cycle: detect, fetch and apply changes, or throw (nothing applied). The signal aborts
 * when the scheduler is stopped; a cycle must then stop its requests and apply nothing.
 */
export type RefreshCycle = (signal: AbortSignal) => Promise<RefreshCycleResult>;

/** The timer functions the scheduler uses (injectable for tests). */
export interface SchedulerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link RefreshScheduler}. */
export interface RefreshSchedulerOptions {
  cycle: RefreshCycle;
  logger: KeyVaultConfigLogger;
  /** Interval between cycles in ms; undefined: no timer, cycles run only through `refresh()`. */
  intervalMs?: number;
  /** Keys loaded at startup (the state's `loaded` until the first successful cycle). */
  loaded: number;
  /** Time of the startup load: the first "last success". */
  loadedAt?: Date;
  /** Relative jitter on every delay (default 0.1 = ±10 %). */
  jitter?: number;
  /** First delay after a failure (default: the interval, at most 30 s). Doubles per failure. */
  minBackoffMs?: number;
  /** Longest delay after failures (default: the interval). */
  maxBackoffMs?: number;
  /** Turns a failure into the `{ code, message }` logged and reported (never a value). */
  describeError?: (error: unknown) => RefreshError;
  /** Called with every summary (after the cycle's own events). */
  onSummary?: (summary: KeyVaultRefreshSummary) => void;
  /** Source of randomness for jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  clock?: SchedulerClock;
}

const realClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A refresh timer must never keep the process alive: `app.close()` (or the end of a script)
    // would otherwise hang until the next tick.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs refresh cycles on a jittered interval and on demand.
 *
 * - Single flight: `refresh()` during a running cycle returns that cycle's summary; a timer tick during
 *   a running cycle starts nothing (the running cycle schedules the next tick when it ends).
 * - Every cycle (timer or on demand) re-arms the timer from its end: the interval after a success, an
 *   exponential backoff (min → max, doubling) after a failure.
 * - One warning per failure streak and one log line on recovery (kept by {@link RefreshRecord}).
 * - `stop()` clears the timer, aborts a running cycle and waits for it to settle; it is final.
 */
export class RefreshScheduler {
  private readonly clock: SchedulerClock;
  private readonly random: () => number;
  private readonly jitter: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly describe: (error: unknown) => RefreshError;
  private readonly record: RefreshRecord;

  private timer: unknown;
  private started = false;
  private stopped = false;
  private inFlight?: Promise<KeyVaultRefreshSummary>;
  private readonly abort = new AbortController();
  private nextRefreshAt?: Date;

  constructor(private readonly options: RefreshSchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.jitter = Math.min(Math.max(options.jitter ?? DEFAULT_REFRESH_JITTER, 0), 0.5);
    const interval = options.intervalMs;
    this.maxBackoffMs = options.maxBackoffMs ?? interval ?? MAX_REFRESH_BACKOFF_BASE_MS;
    this.minBackoffMs = Math.min(
      options.minBackoffMs ?? Math.min(interval ?? MAX_REFRESH_BACKOFF_BASE_MS, MAX_REFRESH_BACKOFF_BASE_MS),
      this.maxBackoffMs,
    );
    this.describe = options.describeError ?? describeRefreshError;
    this.record = new RefreshRecord(options.logger, options.loaded, options.loadedAt);
  }

  /** Arms the timer (no-op without an interval, when already started, or after `stop()`). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.options.intervalMs !== undefined && !this.inFlight) this.schedule(this.options.intervalMs);
  }

  /** True once `stop()` was called. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** A snapshot of the state (a new object on every read). */
  get state(): KeyVaultRefreshState {
    const recorded = this.record.fields;
    // Field by field, in the order the state has always been printed (health payloads, status pages).
    return {
      intervalMs: this.options.intervalMs,
      lastAttemptAt: recorded.lastAttemptAt,
      lastSuccessAt: recorded.lastSuccessAt,
      nextRefreshAt: this.nextRefreshAt,
      consecutiveFailures: recorded.consecutiveFailures,
      failingSince: recorded.failingSince,
      lastError: recorded.lastError,
      loaded: recorded.loaded,
      refreshing: this.inFlight !== undefined,
      stopped: this.stopped,
    };
  }

  /**
   * Runs a cycle now, or joins the one running. Never rejects: a failed cycle resolves to a summary
   * with `ok: false` (after `stop()`, with the code `STOPPED` and nothing run).
   */
  refresh(): Promise<KeyVaultRefreshSummary> {
    if (this.inFlight) return this.inFlight;
    if (this.stopped) return Promise.resolve(stoppedSummary(new Date(this.clock.now())));
    return this.run();
  }

  /** Clears the timer, aborts a running cycle and waits for it to settle. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.nextRefreshAt = undefined;
    this.abort.abort();
    await this.inFlight;
  }

  private run(): Promise<KeyVaultRefreshSummary> {
    const promise = this.execute().finally(() => {
      this.inFlight = undefined;
      if (this.started && !this.stopped && this.options.intervalMs !== undefined) {
        this.schedule(this.record.consecutiveFailures > 0 ? this.backoff() : this.options.intervalMs);
      }
    });
    this.inFlight = promise;
    return promise;
  }

  private async execute(): Promise<KeyVaultRefreshSummary> {
    // A cycle replaces the pending tick: the next one is scheduled from this cycle's end.
    this.clearTimer();
    this.nextRefreshAt = undefined;
    const startedAt = this.clock.now();
    const at = new Date(startedAt);
    this.record.attempted(at);
    const summary = await this.settle(at, startedAt);
    try {
      this.options.onSummary?.(summary);
    } catch {
      // A listener's bug must not break the refresher; the listener owns its own error handling.
    }
    return summary;
  }

  /** Runs the cycle and records its outcome; never rejects. */
  private async settle(at: Date, startedAt: number): Promise<KeyVaultRefreshSummary> {
    try {
      const result = await this.options.cycle(this.abort.signal);
      if (this.stopped) throw new Error('stopped');
      const summary = { at, ok: true, elapsedMs: this.clock.now() - startedAt, changes: result.changes };
      this.record.succeeded(result.loaded, at);
      return summary;
    } catch (error) {
      // Shutting down: an aborted cycle is not a failure worth a warning or a health change.
      if (this.stopped) return stoppedDuringCycleSummary(at, this.clock.now() - startedAt);
      const described = this.describe(error);
      const elapsedMs = this.clock.now() - startedAt;
      this.record.failed(described, at, () =>
        this.started && this.options.intervalMs !== undefined ? this.backoff() : undefined,
      );
      return unchangedSummary(at, elapsedMs, described);
    }
  }

  /** Delay after the current failure streak: min · 2^(failures−1), at most max. */
  private backoff(): number {
    const exponent = Math.min(Math.max(this.record.consecutiveFailures - 1, 0), 30);
    return Math.min(this.minBackoffMs * 2 ** exponent, this.maxBackoffMs);
  }

  private schedule(baseMs: number): void {
    this.clearTimer();
    // ±jitter so a fleet of replicas started together does not poll in lockstep.
    const delay = Math.max(0, Math.round(baseMs * (1 + this.jitter * (2 * this.random() - 1))));
    this.nextRefreshAt = new Date(this.clock.now() + delay);
    this.timer = this.clock.setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped || this.inFlight) return;
    void this.run();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

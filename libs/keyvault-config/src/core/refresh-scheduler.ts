/**
 * When refresh cycles run, and the state they leave: interval with jitter, single flight, backoff after
 * failures, the consecutive-failure count, one warning per failure streak and one recovery line.
 *
 * The scheduler knows nothing about vaults — it runs an injected {@link RefreshCycle} — so it is
 * unit-tested with a fake clock. The watcher (watcher.ts) gives it the cycle; what a cycle
 * changed is computed in snapshot-diff.ts.
 */
import {
  DEFAULT_REFRESH_JITTER,
  MAX_REFRESH_BACKOFF_BASE_MS,
  REFRESH_STOPPED_CODE,
  REFRESH_UNEXPECTED_CODE,
} from './constants.js';
import { isKeyVaultConfigError } from './errors.js';
import type {
  KeyVaultChangeEvent,
  KeyVaultConfigLogger,
  KeyVaultRefreshState,
  KeyVaultRefreshSummary,
} from './interfaces.js';
import {
  refreshFailed,
  refreshRecovered,
  refreshStillFailing,
  refreshUnexpectedError,
} from './messages/index.js';
import { noChanges } from './snapshot-diff.js';

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
  describeError?: (error: unknown) => { code: string; message: string };
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
 * The `{ code, message }` of a failure. Only a {@link KeyVaultConfigError}'s message is trusted to be
 * free of values; anything else is named by its type alone, because messages of errors the library did
 * not write (a JSON `SyntaxError`, say) may quote the content that caused them.
 */
export function describeRefreshError(error: unknown): { code: string; message: string } {
  if (isKeyVaultConfigError(error)) return { code: error.code, message: error.message };
  const name = error instanceof Error ? error.name : typeof error;
  return {
    code: REFRESH_UNEXPECTED_CODE,
    message: refreshUnexpectedError(name),
  };
}

/**
 * Runs refresh cycles on a jittered interval and on demand.
 *
 * - Single flight: `refresh()` during a running cycle returns that cycle's summary; a timer tick during
 *   a running cycle starts nothing (the running cycle schedules the next tick when it ends).
 * - Every cycle (timer or on demand) re-arms the timer from its end: the interval after a success, an
 *   exponential backoff (min → max, doubling) after a failure.
 * - One warning per failure streak and one log line on recovery; later failures of a streak go to debug.
 * - `stop()` clears the timer, aborts a running cycle and waits for it to settle; it is final.
 */
export class RefreshScheduler {
  private readonly clock: SchedulerClock;
  private readonly random: () => number;
  private readonly jitter: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly describe: (error: unknown) => { code: string; message: string };

  private timer: unknown;
  private started = false;
  private stopped = false;
  private inFlight?: Promise<KeyVaultRefreshSummary>;
  private readonly abort = new AbortController();

  private loaded: number;
  private lastAttemptAt?: Date;
  private lastSuccessAt?: Date;
  private nextRefreshAt?: Date;
  private consecutiveFailures = 0;
  private failingSince?: Date;
  private lastError?: { code: string; message: string };

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
    this.loaded = options.loaded;
    this.lastSuccessAt = options.loadedAt;
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
    return {
      intervalMs: this.options.intervalMs,
      lastAttemptAt: this.lastAttemptAt,
      lastSuccessAt: this.lastSuccessAt,
      nextRefreshAt: this.nextRefreshAt,
      consecutiveFailures: this.consecutiveFailures,
      failingSince: this.failingSince,
      lastError: this.lastError,
      loaded: this.loaded,
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
    if (this.stopped) {
      const at = new Date(this.clock.now());
      return Promise.resolve({
        at,
        ok: false,
        elapsedMs: 0,
        changes: noChanges(at),
        error: { code: REFRESH_STOPPED_CODE, message: 'The Key Vault refresher is stopped.' },
      });
    }
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
        this.schedule(this.consecutiveFailures > 0 ? this.backoff() : this.options.intervalMs);
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
    this.lastAttemptAt = at;
    let summary: KeyVaultRefreshSummary;
    try {
      const result = await this.options.cycle(this.abort.signal);
      if (this.stopped) throw new Error('stopped');
      summary = { at, ok: true, elapsedMs: this.clock.now() - startedAt, changes: result.changes };
      this.succeeded(result, at);
    } catch (error) {
      if (this.stopped) {
        // Shutting down: an aborted cycle is not a failure worth a warning or a health change.
        summary = {
          at,
          ok: false,
          elapsedMs: this.clock.now() - startedAt,
          changes: noChanges(at),
          error: {
            code: REFRESH_STOPPED_CODE,
            message: 'The Key Vault refresher was stopped during a cycle.',
          },
        };
      } else {
        const described = this.describe(error);
        summary = {
          at,
          ok: false,
          elapsedMs: this.clock.now() - startedAt,
          changes: noChanges(at),
          error: described,
        };
        this.failed(described, at);
      }
    }
    try {
      this.options.onSummary?.(summary);
    } catch {
      // A listener's bug must not break the refresher; the listener owns its own error handling.
    }
    return summary;
  }

  private succeeded(result: RefreshCycleResult, at: Date): void {
    if (this.consecutiveFailures > 0) {
      const since = this.failingSince?.toISOString() ?? 'unknown';
      this.options.logger.log(refreshRecovered(this.consecutiveFailures, since));
    }
    this.consecutiveFailures = 0;
    this.failingSince = undefined;
    this.lastError = undefined;
    this.lastSuccessAt = at;
    this.loaded = result.loaded;
  }

  private failed(error: { code: string; message: string }, at: Date): void {
    this.consecutiveFailures += 1;
    this.lastError = error;
    const nextRetryMs = this.started && this.options.intervalMs !== undefined ? this.backoff() : undefined;
    if (this.consecutiveFailures === 1) {
      this.failingSince = at;
      this.options.logger.warn(refreshFailed({ ...error, loaded: this.loaded, nextRetryMs }));
    } else {
      this.options.logger.debug?.(
        refreshStillFailing({ ...error, failures: this.consecutiveFailures, nextRetryMs }),
      );
    }
  }

  /** Delay after the current failure streak: min · 2^(failures−1), at most max. */
  private backoff(): number {
    const exponent = Math.min(Math.max(this.consecutiveFailures - 1, 0), 30);
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

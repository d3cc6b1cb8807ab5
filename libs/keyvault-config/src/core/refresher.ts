/**
 * Secret rotation without restart, in three layers:
 *
 * - {@link RefreshScheduler} decides when cycles run and keeps the state: interval with jitter, single
 *   flight, backoff after failures, consecutive-failure count, one warning per failure streak and one
 *   recovery line. It knows nothing about vaults — it runs an injected cycle function — so it is
 *   unit-tested with a fake clock.
 * - {@link RefreshingKeyVault} owns the current snapshot (config, report, keys): each cycle asks its
 *   {@link RefreshSource} for the next snapshot, diffs the two, swaps them and emits the change event.
 * - {@link openKeyVaultWatcher} / {@link watchKeyVaultSecrets} wire it to the loader: the startup load
 *   keeps its session, and a cycle is the same load again (`reloadForRefresh`) reusing unchanged values.
 *
 * Data flows one way: vault → loader → snapshot → diff → events; the Nest layer subscribes and writes
 * the changes into ConfigService.
 */
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import {
  DEFAULT_HEALTH_FAILURE_THRESHOLD,
  DEFAULT_REFRESH_JITTER,
  MAX_REFRESH_BACKOFF_BASE_MS,
  REFRESH_STOPPED_CODE,
  REFRESH_UNEXPECTED_CODE,
  SkipReason,
} from './constants.js';
import { formatDuration } from './duration.js';
import { isKeyVaultConfigError, KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type {
  KeyVaultChangeEvent,
  KeyVaultConfigLogger,
  KeyVaultConfigOptions,
  KeyVaultHealth,
  KeyVaultKeyChange,
  KeyVaultLoadReport,
  KeyVaultRefreshState,
  KeyVaultRefreshSummary,
  KeyVaultWatcher,
  KeyVaultWatcherEvents,
} from './interfaces.js';
import { loadForRefresh, reloadForRefresh, type LoadedKey, type RememberedSecret } from './loader.js';

export type { LoadedKey } from './loader.js';

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

/** An empty change set. */
export function noChanges(at: Date): KeyVaultChangeEvent {
  return { at, added: [], updated: [], removed: [] };
}

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
    message: `Refresh failed with an unexpected ${name} (its message is withheld because it may quote secret content).`,
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
      this.options.logger.log(
        `Key Vault refresh recovered after ${this.consecutiveFailures} failed attempt(s) (failing since ${since}).`,
      );
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
    const retry =
      this.started && this.options.intervalMs !== undefined
        ? ` Retrying with backoff (next in about ${formatDuration(this.backoff())}).`
        : '';
    if (this.consecutiveFailures === 1) {
      this.failingSince = at;
      this.options.logger.warn(
        `Key Vault refresh failed [${error.code}]: ${error.message} Keeping the last-known-good values (${this.loaded} keys).${retry}`,
      );
    } else {
      this.options.logger.debug?.(
        `Key Vault refresh still failing (${this.consecutiveFailures} in a row) [${error.code}]: ${error.message}${retry}`,
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

// ---------------------------------------------------------------------------------------------------
// The watcher: the live configuration, change detection between snapshots, events and health.

/** The result of a load or a refresh cycle, as the watcher compares them. */
export interface RefreshSnapshot {
  config: Record<string, unknown>;
  report: KeyVaultLoadReport;
  /** One per configuration key that came from Key Vault (overridden secrets excluded). */
  keys: ReadonlyMap<string, LoadedKey>;
}

/** The vault side of a watcher (the loader): runs one detection and returns the new snapshot, or throws. */
export interface RefreshSource {
  reload(signal: AbortSignal, logger: KeyVaultConfigLogger): Promise<RefreshSnapshot>;
}

/** Why a key disappeared when no skipped report entry says so: the secret is gone from the vault. */
export const REMOVED_DELETED_REASON = SkipReason.Deleted;

/**
 * The changes from `previous` to `next`: keys added, keys whose secret, version or value changed, and
 * keys removed (with the reason the new report gives for their secret, else "deleted"). Values are
 * compared but never copied into the result.
 */
export function diffSnapshots(
  previous: RefreshSnapshot,
  next: RefreshSnapshot,
  at: Date,
): KeyVaultChangeEvent {
  const event = noChanges(at);
  for (const [key, now] of next.keys) {
    const before = previous.keys.get(key);
    if (!before) {
      event.added.push(keyChange(now, 'added'));
    } else if (
      before.vault !== now.vault ||
      before.secretName !== now.secretName ||
      before.version !== now.version ||
      !isDeepStrictEqual(before.value, now.value)
    ) {
      event.updated.push({
        ...keyChange(now, 'updated'),
        ...(before.version ? { previousVersion: before.version } : {}),
      });
    }
  }
  for (const [key, before] of previous.keys) {
    if (next.keys.has(key)) continue;
    const skipped =
      next.report.entries.find(
        (e) =>
          e.status === 'skipped' &&
          e.key === key &&
          e.secretName === before.secretName &&
          e.vault === before.vault,
      ) ??
      next.report.entries.find(
        (e) => e.status === 'skipped' && e.secretName === before.secretName && e.vault === before.vault,
      );
    event.removed.push({
      ...keyChange(before, 'removed'),
      reason: skipped?.reason ?? REMOVED_DELETED_REASON,
    });
  }
  return event;
}

function keyChange(entry: LoadedKey, kind: KeyVaultKeyChange['kind']): KeyVaultKeyChange {
  const result: KeyVaultKeyChange = {
    key: entry.key,
    secretName: entry.secretName,
    vault: entry.vault,
    kind,
  };
  if (entry.version !== undefined) result.version = entry.version;
  return result;
}

/** True when the event holds at least one change. */
export function hasChanges(event: KeyVaultChangeEvent): boolean {
  return event.added.length + event.updated.length + event.removed.length > 0;
}

/**
 * True when a change concerns `key`: the same key, a key below it (`Database` covers
 * `Database.Password`), or a key above it (a JSON secret under `Database` covers `Database.host`).
 */
export function changeConcerns(change: KeyVaultKeyChange, key: string): boolean {
  return change.key === key || change.key.startsWith(`${key}.`) || key.startsWith(`${change.key}.`);
}

/** The changes of an event that concern `key` (see {@link changeConcerns}), in added/updated/removed order. */
export function changesFor(event: KeyVaultChangeEvent, key: string): KeyVaultKeyChange[] {
  return [...event.added, ...event.updated, ...event.removed].filter((c) => changeConcerns(c, key));
}

/** `'Database.Password'` in a nested object; undefined when absent. */
export function valueAtKey(config: Record<string, unknown>, key: string): unknown {
  let node: unknown = config;
  for (const segment of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** One line naming what changed (keys and secret names, never values). */
export function describeChanges(event: KeyVaultChangeEvent): string {
  const parts = [
    ...event.added.map((c) => `${c.key} added`),
    ...event.updated.map((c) => `${c.key} updated`),
    ...event.removed.map((c) => `${c.key} removed (${c.reason ?? REMOVED_DELETED_REASON})`),
  ];
  return `Key Vault refresh applied ${parts.length} change${parts.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

/**
 * Warnings of a refresh cycle that the previous cycle already wrote are not repeated (an expired secret
 * loaded under `expiredSecrets: 'warn'` would otherwise warn on every cycle); they go to debug.
 */
export class CycleLogger implements KeyVaultConfigLogger {
  private previous = new Set<string>();
  private current = new Set<string>();

  constructor(private readonly target: KeyVaultConfigLogger) {}

  log(message: string): void {
    this.target.log(message);
  }
  warn(message: string): void {
    this.current.add(message);
    if (this.previous.has(message)) this.target.debug?.(message);
    else this.target.warn(message);
  }
  error(message: string): void {
    this.target.error(message);
  }
  debug(message: string): void {
    this.target.debug?.(message);
  }
  /** Call when a cycle ends: its warnings are the ones the next cycle will not repeat. */
  endCycle(): void {
    this.previous = this.current;
    this.current = new Set();
  }
}

/**
 * Health from the state and the report: `up` while no cycle has failed since the last success,
 * `degraded` while 0 < consecutive failures < threshold (or when an `optional` startup load failed and
 * nothing loaded since), `down` from `threshold` consecutive failures on.
 */
export function evaluateRefreshHealth(
  state: KeyVaultRefreshState,
  report: KeyVaultLoadReport,
  threshold: number = DEFAULT_HEALTH_FAILURE_THRESHOLD,
): KeyVaultHealth {
  const failures = state.consecutiveFailures;
  const startupFailed = report.error !== undefined && state.lastSuccessAt === undefined;
  const status = failures >= threshold ? 'down' : failures > 0 || startupFailed ? 'degraded' : 'up';
  const health: KeyVaultHealth = {
    status,
    vaults: [...report.vaults],
    secrets: state.loaded,
    consecutiveFailures: failures,
  };
  if (state.lastSuccessAt) health.lastRefreshAt = state.lastSuccessAt.toISOString();
  if (state.intervalMs !== undefined) health.refreshIntervalMs = state.intervalMs;
  if (state.failingSince) health.failingSince = state.failingSince.toISOString();
  const lastError = state.lastError?.code ?? (startupFailed ? report.error?.code : undefined);
  if (lastError) health.lastError = lastError;
  return health;
}

/** Options of {@link RefreshingKeyVault} beyond the snapshot and the source. */
export interface RefreshingKeyVaultOptions {
  logger: KeyVaultConfigLogger;
  intervalMs?: number;
  healthFailureThreshold?: number;
  /** The error of an `optional` startup load that failed without a way to retry (e.g. invalid options). */
  unrecoverable?: { code: string; message: string };
  /** Scheduler overrides (tests). */
  scheduler?: Partial<Pick<RefreshSchedulerOptions, 'clock' | 'random' | 'minBackoffMs' | 'maxBackoffMs'>>;
}

/**
 * The watcher behind {@link watchKeyVaultSecrets} and the Nest layer: owns the current snapshot,
 * runs cycles through a {@link RefreshScheduler}, diffs snapshots and emits events.
 */
export class RefreshingKeyVault implements KeyVaultWatcher {
  private snapshot: RefreshSnapshot;
  private readonly emitter = new EventEmitter<KeyVaultWatcherEvents>();
  private readonly scheduler: RefreshScheduler;
  private readonly cycleLogger: CycleLogger;

  constructor(
    initial: RefreshSnapshot,
    private readonly source: RefreshSource | undefined,
    private readonly options: RefreshingKeyVaultOptions,
  ) {
    this.snapshot = initial;
    this.cycleLogger = new CycleLogger(options.logger);
    this.scheduler = new RefreshScheduler({
      ...options.scheduler,
      cycle: (signal) => this.cycle(signal),
      logger: options.logger,
      intervalMs: options.intervalMs,
      loaded: initial.keys.size,
      loadedAt: initial.report.error ? undefined : initial.report.loadedAt,
      onSummary: (summary) => this.emit('refresh', summary),
    });
  }

  get config(): Readonly<Record<string, unknown>> {
    return this.snapshot.config;
  }

  get<T = unknown>(key: string): T | undefined {
    return valueAtKey(this.snapshot.config, key) as T | undefined;
  }

  get report(): KeyVaultLoadReport {
    return this.snapshot.report;
  }

  /** The keys loaded now, with their values (for the Nest layer's ConfigService updates). */
  get keys(): ReadonlyMap<string, LoadedKey> {
    return this.snapshot.keys;
  }

  get state(): KeyVaultRefreshState {
    return this.scheduler.state;
  }

  health(threshold = this.options.healthFailureThreshold): KeyVaultHealth {
    return evaluateRefreshHealth(this.state, this.report, threshold);
  }

  refresh(): Promise<KeyVaultRefreshSummary> {
    return this.scheduler.refresh();
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }

  on<E extends keyof KeyVaultWatcherEvents>(
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this {
    (this.emitter.on as (e: E, l: typeof listener) => unknown)(event, listener);
    return this;
  }

  off<E extends keyof KeyVaultWatcherEvents>(
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this {
    (this.emitter.off as (e: E, l: typeof listener) => unknown)(event, listener);
    return this;
  }

  onKeyChange(
    key: string,
    listener: (changes: KeyVaultKeyChange[], event: KeyVaultChangeEvent) => void,
  ): () => void {
    const onChange = (event: KeyVaultChangeEvent): void => {
      const concerned = changesFor(event, key);
      if (concerned.length > 0) listener(concerned, event);
    };
    this.on('change', onChange);
    return () => this.off('change', onChange);
  }

  private async cycle(signal: AbortSignal): Promise<RefreshCycleResult> {
    if (!this.source) {
      throw new KeyVaultConfigError(
        KeyVaultConfigErrorCode.InvalidOptions,
        `Refresh is not possible: the startup load failed before it could reach a vault (${this.options.unrecoverable?.code ?? 'unknown'}). Fix the options and restart.`,
      );
    }
    let next: RefreshSnapshot;
    try {
      next = await this.source.reload(signal, this.cycleLogger);
    } finally {
      this.cycleLogger.endCycle();
    }
    const at = new Date();
    // Stopped while the cycle ran: apply nothing (the scheduler reports the cycle as stopped).
    if (signal.aborted) return { changes: noChanges(at), loaded: this.snapshot.keys.size };
    const changes = diffSnapshots(this.snapshot, next, at);
    if (hasChanges(changes)) {
      this.snapshot = next;
      this.options.logger.log(describeChanges(changes));
      this.emit('change', changes);
    } else {
      // Same keys, versions and values: keep the config object (identity) and refresh the report only.
      this.snapshot = { ...this.snapshot, report: next.report };
    }
    return { changes, loaded: this.snapshot.keys.size };
  }

  private emit<E extends keyof KeyVaultWatcherEvents>(event: E, ...args: KeyVaultWatcherEvents[E]): void {
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (...a: KeyVaultWatcherEvents[E]) => void)(...args);
      } catch (error) {
        // A listener's failure must not undo the cycle or silence the other listeners. Its message is
        // not logged: listeners handle values, and their errors may quote them.
        this.options.logger.error(
          `A Key Vault '${event}' listener threw ${error instanceof Error ? error.name : typeof error}; the other listeners still ran.`,
        );
      }
    }
  }
}

/**
 * Loads like `loadKeyVaultSecrets` and returns a watcher whose timer is not started yet (the Nest
 * module starts it after bootstrap). See {@link watchKeyVaultSecrets}.
 */
export async function openKeyVaultWatcher(options: KeyVaultConfigOptions = {}): Promise<RefreshingKeyVault> {
  const loaded = await loadForRefresh(options);
  const { session } = loaded;
  let previous: Map<string, RememberedSecret> = loaded.fetched;
  const source: RefreshSource | undefined = session && {
    async reload(stop, logger) {
      const fetched = new Map<string, RememberedSecret>();
      try {
        const next = await reloadForRefresh(session, { logger, stop, previous, fetched });
        previous = fetched;
        return { config: next.result.config, report: next.result.report, keys: next.keys };
      } catch (error) {
        // What this failed cycle fetched is still right for its version: the retry reuses it.
        previous = new Map([...previous, ...fetched]);
        throw error;
      }
    },
  };
  return new RefreshingKeyVault(
    { config: loaded.result.config, report: loaded.result.report, keys: loaded.keys },
    source,
    {
      logger: loaded.logger,
      intervalMs: session?.options.refreshIntervalMs,
      healthFailureThreshold: session?.options.healthFailureThreshold,
      unrecoverable: session ? undefined : loaded.result.report.error,
    },
  );
}

/**
 * Loads the secrets (as `loadKeyVaultSecrets` does) and keeps them current — secret rotation without
 * restart for apps without Nest:
 *
 * ```ts
 * const watcher = await watchKeyVaultSecrets({ refreshInterval: '5m' });
 * watcher.onKeyChange('Database.Password', () => pool.reconnect(watcher.get('Database.Password')));
 * process.on('SIGTERM', () => void watcher.stop());
 * ```
 *
 * With `refreshInterval` a cycle runs on that interval (±10 % jitter; the timer never keeps the process
 * alive); `refresh()` runs one on demand either way. Throws like `loadKeyVaultSecrets` when the startup
 * load fails (unless `optional: true`).
 */
export async function watchKeyVaultSecrets(options: KeyVaultConfigOptions = {}): Promise<KeyVaultWatcher> {
  const watcher = await openKeyVaultWatcher(options);
  watcher.start();
  return watcher;
}

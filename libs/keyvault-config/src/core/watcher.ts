/**
 * The watcher: the live configuration behind {@link watchKeyVaultSecrets} (public type
 * {@link KeyVaultWatcher}) and behind the Nest layer's service.
 *
 * A {@link Watcher} owns the current snapshot (config, report, keys). Each cycle — run by its
 * {@link RefreshScheduler} (refresh-scheduler.ts) — asks its {@link RefreshSource} for the next
 * snapshot, diffs the two (snapshot-diff.ts), swaps them and emits the change event.
 * `openWatcher` (watch-secrets.ts) wires it to the loader; its health is refresh-health.ts.
 *
 * Data flows one way: vault → loader → snapshot → diff → events; the Nest layer subscribes and writes
 * the changes into ConfigService.
 *
 * "Watcher" is the one name of this concept: the public `KeyVaultWatcher` interface and
 * `watchKeyVaultSecrets`, this class `Watcher`, `openWatcher`, the Nest token `KEYVAULT_WATCHER`.
 */
import { EventEmitter } from 'node:events';
import { inspect, type InspectOptions } from 'node:util';
import { CycleLogger } from './cycle-logger.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type {
  KeyVaultChangeEvent,
  KeyVaultConfigLogger,
  KeyVaultHealth,
  KeyVaultKeyChange,
  KeyVaultLoadReport,
  KeyVaultRefreshState,
  KeyVaultRefreshSummary,
  KeyVaultWatcher,
  KeyVaultWatcherEvents,
} from './interfaces.js';
import type { LoadedKey } from './merge.js';
import { listenerThrew, refreshImpossible } from './messages/index.js';
import {
  RefreshScheduler,
  type RefreshCycleResult,
  type RefreshSchedulerOptions,
} from './refresh-scheduler.js';
import {
  changesFor,
  describeChanges,
  diffSnapshots,
  hasChanges,
  noChanges,
  valueAtKey,
  type RefreshSnapshot,
} from './snapshot-diff.js';
import { redactPayload } from './redaction.js';
import { evaluateRefreshHealth } from './refresh-health.js';
import { inspectWatcher, watcherView, type WatcherView } from './watcher-view.js';

/**
 * A cycle's snapshot, plus what applies outside the watcher once the cycle is accepted (not stopped):
 * `exposeReferencesInEnv`'s writes into process.env.
 */
export interface ReloadedSnapshot extends RefreshSnapshot {
  accept?: () => void;
}

/** The vault side of a watcher (the loader): runs one detection and returns the new snapshot, or throws. */
export interface RefreshSource {
  reload(signal: AbortSignal, logger: KeyVaultConfigLogger): Promise<ReloadedSnapshot>;
}

/** Options of {@link Watcher} beyond the snapshot and the source. */
export interface WatcherOptions {
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
export class Watcher implements KeyVaultWatcher {
  private snapshot: RefreshSnapshot;
  private readonly emitter = new EventEmitter<KeyVaultWatcherEvents>();
  private readonly scheduler: RefreshScheduler;
  private readonly cycleLogger: CycleLogger;
  /** Started and closed with the watcher (the mounted directories' file-system watch). */
  private readonly companions: { start(): void; close(): void }[] = [];

  constructor(
    initial: RefreshSnapshot,
    private readonly source: RefreshSource | undefined,
    private readonly options: WatcherOptions,
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
    return redactPayload(evaluateRefreshHealth(this.state, this.report, threshold));
  }

  refresh(): Promise<KeyVaultRefreshSummary> {
    return this.scheduler.refresh();
  }

  start(): void {
    if (this.state.stopped) return;
    this.scheduler.start();
    for (const companion of this.companions) companion.start();
  }

  stop(): Promise<void> {
    for (const companion of this.companions) companion.close();
    return this.scheduler.stop();
  }

  /** What `JSON.stringify` shows: the report and the refresh state, never a value (watcher-view.ts). */
  toJSON(): WatcherView {
    return watcherView(this);
  }

  /** What `util.inspect` (console.log) shows, at any depth: the report and the refresh state. */
  [inspect.custom](depth: number | null, options: InspectOptions): string {
    return inspectWatcher('Watcher', this, depth, options);
  }

  /** Starts and closes `companion` with the watcher (openWatcher's mount watch). */
  attach(companion: { start(): void; close(): void }): void {
    this.companions.push(companion);
  }

  on<E extends keyof KeyVaultWatcherEvents>(
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this {
    return this.subscription('on', event, listener);
  }

  off<E extends keyof KeyVaultWatcherEvents>(
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this {
    return this.subscription('off', event, listener);
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

  /** `on` and `off` through the typed emitter (its overloads do not narrow a generic event name). */
  private subscription<E extends keyof KeyVaultWatcherEvents>(
    method: 'on' | 'off',
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this {
    (this.emitter[method] as (e: E, l: typeof listener) => unknown).call(this.emitter, event, listener);
    return this;
  }

  private async cycle(signal: AbortSignal): Promise<RefreshCycleResult> {
    if (!this.source) {
      throw new KeyVaultConfigError(
        KeyVaultConfigErrorCode.InvalidOptions,
        refreshImpossible(this.options.unrecoverable?.code),
      );
    }
    let reloaded: ReloadedSnapshot;
    try {
      reloaded = await this.source.reload(signal, this.cycleLogger);
    } finally {
      this.cycleLogger.endCycle();
    }
    const { accept, ...next } = reloaded;
    const at = new Date();
    // Stopped while the cycle ran: apply nothing (the scheduler reports the cycle as stopped).
    if (signal.aborted) return { changes: noChanges(at), loaded: this.snapshot.keys.size };
    // Before the change event: its listeners (and ConfigService.changes$ subscribers) see the
    // environment of this cycle. Also without changes in `keys`: a reference that a vault key
    // overrides is not among them, and process.env still holds its value.
    accept?.();
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
        this.options.logger.error(listenerThrew(event, error instanceof Error ? error.name : typeof error));
      }
    }
  }
}

/**
 * `KeyVaultConfigWatcher`: the Nest face of the core's watcher (`KeyVaultWatcher`).
 *
 * Why this name: the service holds no secrets — it holds the report (names, versions, never values),
 * the refresh state and the change events, and it keeps ConfigService current. That is exactly what the
 * core calls a watcher (`watchKeyVaultSecrets()` returns a `KeyVaultWatcher` with the same `report`,
 * `state`, `health()` and `refresh()`), so the Nest layer uses the same word; `Config` ties it to
 * `KeyVaultConfigModule` and keeps it apart from the core interface. The old name, `KeyVaultSecrets`,
 * was one letter from the SDK's `KeyVaultSecret` (which does hold a value) and stays as a deprecated
 * alias of this class (keyvault-secrets.deprecated.ts).
 */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { inspect, isDeepStrictEqual, type InspectOptions } from 'node:util';
import { from, mergeMap, Subject, type Observable } from 'rxjs';
import type {
  KeyVaultChangeEvent,
  KeyVaultHealth,
  KeyVaultKeyChange,
  KeyVaultLoadReport,
  KeyVaultRefreshState,
  KeyVaultRefreshSummary,
  KeyVaultReportEntry,
} from '../core/index.js';
import { changesFor, type LoadedKey } from '../core/snapshot-diff.js';
import type { Watcher } from '../core/watcher.js';
import { inspectWatcher, watcherView, type WatcherView } from '../core/watcher-view.js';
import { keyLeftToApp, listenerThrew } from '../core/messages/index.js';
import { applyChanges, type ConfigServiceChange } from './config-service.bridge.js';
import { KEYVAULT_LOGGER_CONTEXT, KEYVAULT_WATCHER } from './keyvault-config.constants.js';
import { subscriberSafe } from './subscriber-safe.observable.js';

/**
 * What the module loaded from Key Vault, and the secret rotation without restart:
 * - `report`: names, versions, sources, credential — never values (refreshed by each cycle);
 * - `changes$` / `changesFor(key)`: what each refresh cycle changed (keys, secret names, versions);
 * - `refresh()`: a cycle on demand; `state`: timing and failures of the refresh; `health()`.
 *
 * The refresh timer starts once the application has bootstrapped and stops on shutdown
 * (`app.close()`, or a signal with `enableShutdownHooks()`); it never keeps the process alive.
 */
@Injectable()
export class KeyVaultConfigWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KEYVAULT_LOGGER_CONTEXT);
  private readonly changesSubject = new Subject<KeyVaultChangeEvent>();
  /** A subscriber threw: logged once per subscription, with the stream (and key) and the error's type. */
  private readonly onSubscriberFailure = (stream: string, errorName: string): void =>
    this.logger.error(listenerThrew(stream, errorName));
  /** The keys (and values) last written to ConfigService: the baseline of the next cycle's updates. */
  private applied: ReadonlyMap<string, LoadedKey>;

  constructor(
    @Inject(KEYVAULT_WATCHER) private readonly watcher: Watcher,
    private readonly configService: ConfigService,
  ) {
    this.applied = watcher.keys;
    watcher.on('change', (event) => this.apply(event));
  }

  /** The report of the last successful load or refresh cycle. */
  get report(): KeyVaultLoadReport {
    return this.watcher.report;
  }

  /** Report entries of the loaded keys (skipped ones excluded). */
  loadedEntries(): KeyVaultReportEntry[] {
    return this.report.entries.filter((entry) => entry.status === 'loaded');
  }

  /** The report entry of a configuration key, if it came from Key Vault. */
  entry(key: string): KeyVaultReportEntry | undefined {
    return (
      this.report.entries.find((entry) => entry.key === key && entry.status === 'loaded') ??
      this.report.entries.find((entry) => entry.key === key)
    );
  }

  /**
   * One event per refresh cycle that changed something, emitted after every change of the cycle is in
   * `ConfigService`: added, updated and removed keys with their secret names and versions — never values.
   */
  get changes$(): Observable<KeyVaultChangeEvent> {
    return subscriberSafe(this.changesSubject, 'changes$', this.onSubscriberFailure);
  }

  /**
   * The changes that concern one key — the key itself, keys below it (`'Database'` covers
   * `'Database.Password'`) or the JSON secret above it — one emission per changed key. Read the new
   * value from `ConfigService` when it fires:
   *
   * ```ts
   * watcher.changesFor('Database.Password').subscribe(() => pool.reconnect(config.get('Database.Password')));
   * ```
   */
  changesFor(key: string): Observable<KeyVaultKeyChange> {
    return subscriberSafe(this.changesSubject, `changesFor('${key}')`, this.onSubscriberFailure).pipe(
      mergeMap((event) => from(changesFor(event, key))),
    );
  }

  /**
   * Runs a refresh cycle now — or joins the running one — and resolves to its summary once its changes
   * are in `ConfigService`. Never rejects: a failed cycle resolves with `ok: false` and `error`, and the
   * last-known-good values stay in place.
   */
  refresh(): Promise<KeyVaultRefreshSummary> {
    return this.watcher.refresh();
  }

  /** Timing and failures of the refresh (`intervalMs` is undefined when refresh runs on demand only). */
  get state(): KeyVaultRefreshState {
    return this.watcher.state;
  }

  /**
   * Health of the Key Vault configuration (what `KeyVaultHealthIndicator` reports): `up`, `degraded`
   * after a failed cycle, `down` from `threshold` (default `healthFailureThreshold`, 3) consecutive
   * failures. Never a value.
   */
  health(threshold?: number): KeyVaultHealth {
    return this.watcher.health(threshold);
  }

  /**
   * What `JSON.stringify` shows: the report and the refresh state, never a value (the service holds
   * ConfigService and the loaded values, which its fields would otherwise print).
   */
  toJSON(): WatcherView {
    return watcherView(this);
  }

  /** What `util.inspect` (console.log) shows, at any depth: the report and the refresh state. */
  [inspect.custom](depth: number | null, options: InspectOptions): string {
    return inspectWatcher('KeyVaultConfigWatcher', this, depth, options);
  }

  /** @internal Starts the refresh timer once every module is initialized. */
  onApplicationBootstrap(): void {
    this.watcher.start();
  }

  /** @internal Stops the timer and aborts a running cycle. */
  async onApplicationShutdown(): Promise<void> {
    await this.watcher.stop();
    this.changesSubject.complete();
  }

  /**
   * Writes one cycle's changes into ConfigService (through the bridge, which keeps them out of
   * process.env), then emits the batch on `changes$`. Removals first, so a key that turns from a value
   * into an object (or back) lands cleanly. Updates and removals only touch keys this module still owns.
   */
  private apply(event: KeyVaultChangeEvent): void {
    const next = this.watcher.keys;
    const changes: ConfigServiceChange[] = [
      ...event.removed.map((change) => ({ kind: 'removed' as const, key: change.key })),
      ...[...event.added, ...event.updated].map((change) => ({
        kind: change.kind,
        key: change.key,
        // A copy: ConfigService.set mutates nested objects in place, the watcher's values must not move.
        value: structuredClone(next.get(change.key)?.value),
      })),
    ];
    applyChanges(this.configService, changes, (change) => change.kind === 'added' || this.owns(change.key));
    this.applied = next;
    this.changesSubject.next(event);
  }

  /**
   * True when ConfigService still holds the value Key Vault gave this key. Otherwise something else set
   * it since — the app (`ConfigService.set`) or a later `configModule.load` factory, which overrides
   * vault values — and a refresh must not overwrite it.
   */
  private owns(key: string): boolean {
    const owned = isDeepStrictEqual(this.configService.get(key), this.applied.get(key)?.value);
    if (!owned) this.logger.debug(keyLeftToApp(key));
    return owned;
  }
}

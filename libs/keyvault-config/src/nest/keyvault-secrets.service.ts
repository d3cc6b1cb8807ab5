import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { isDeepStrictEqual } from 'node:util';
import { from, mergeMap, Subject, type Observable } from 'rxjs';
import type {
  KeyVaultChangeEvent,
  KeyVaultHealth,
  KeyVaultKeyChange,
  KeyVaultLoadReport,
  KeyVaultLoadResult,
  KeyVaultRefreshState,
  KeyVaultRefreshSummary,
  KeyVaultReportEntry,
} from '../core/index.js';
import { changesFor, type LoadedKey } from '../core/snapshot-diff.js';
import type { Watcher } from '../core/watcher.js';
import {
  KEYVAULT_LOAD_RESULT,
  KEYVAULT_LOGGER_CONTEXT,
  KEYVAULT_WATCHER,
} from './keyvault-config.constants.js';

/**
 * What the module loaded from Key Vault, and the secret rotation without restart:
 * - `report`: names, versions, sources, credential — never values (refreshed by each cycle);
 * - `changes$` / `changesFor(key)`: what each refresh cycle changed (keys, secret names, versions);
 * - `refresh()`: a cycle on demand; `state`: timing and failures of the refresher; `health()`.
 *
 * The refresh timer starts once the application has bootstrapped and stops on shutdown
 * (`app.close()`, or a signal with `enableShutdownHooks()`); it never keeps the process alive.
 */
@Injectable()
export class KeyVaultSecrets implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KEYVAULT_LOGGER_CONTEXT);
  private readonly changesSubject = new Subject<KeyVaultChangeEvent>();
  /** The keys (and values) last written to ConfigService: the baseline of the next cycle's updates. */
  private applied: ReadonlyMap<string, LoadedKey>;

  constructor(
    @Inject(KEYVAULT_LOAD_RESULT) private readonly result: KeyVaultLoadResult,
    @Optional() @Inject(KEYVAULT_WATCHER) private readonly watcher?: Watcher,
    @Optional() private readonly configService?: ConfigService,
  ) {
    this.applied = watcher?.keys ?? new Map();
    watcher?.on('change', (event) => this.apply(event));
  }

  /** The report of the last successful load or refresh cycle. */
  get report(): KeyVaultLoadReport {
    return this.watcher?.report ?? this.result.report;
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
    return this.changesSubject.asObservable();
  }

  /**
   * The changes that concern one key — the key itself, keys below it (`'Database'` covers
   * `'Database.Password'`) or the JSON secret above it — one emission per changed key. Read the new
   * value from `ConfigService` when it fires:
   *
   * ```ts
   * secrets.changesFor('Database.Password').subscribe(() => pool.reconnect(config.get('Database.Password')));
   * ```
   */
  changesFor(key: string): Observable<KeyVaultKeyChange> {
    return this.changesSubject.pipe(mergeMap((event) => from(changesFor(event, key))));
  }

  /**
   * Runs a refresh cycle now — or joins the running one — and resolves to its summary once its changes
   * are in `ConfigService`. Never rejects: a failed cycle resolves with `ok: false` and `error`, and the
   * last-known-good values stay in place.
   */
  refresh(): Promise<KeyVaultRefreshSummary> {
    if (!this.watcher) return Promise.resolve(notRefreshable());
    return this.watcher.refresh();
  }

  /** Timing and failures of the refresher (`intervalMs` is undefined when refresh runs on demand only). */
  get state(): KeyVaultRefreshState {
    return (
      this.watcher?.state ?? {
        consecutiveFailures: 0,
        loaded: this.result.report.loaded,
        lastSuccessAt: this.result.report.error ? undefined : this.result.report.loadedAt,
      }
    );
  }

  /**
   * Health of the Key Vault configuration (what `KeyVaultHealthIndicator` reports): `up`, `degraded`
   * after a failed cycle, `down` from `threshold` (default `healthFailureThreshold`, 3) consecutive
   * failures. Never a value.
   */
  health(threshold?: number): KeyVaultHealth {
    if (this.watcher) return this.watcher.health(threshold);
    const report = this.result.report;
    return {
      status: report.error ? 'degraded' : 'up',
      vaults: [...report.vaults],
      secrets: report.loaded,
      consecutiveFailures: 0,
      ...(report.error ? { lastError: report.error.code } : { lastRefreshAt: report.loadedAt.toISOString() }),
    };
  }

  /** @internal Starts the refresh timer once every module is initialized. */
  onApplicationBootstrap(): void {
    this.watcher?.start();
  }

  /** @internal Stops the timer and aborts a running cycle. */
  async onApplicationShutdown(): Promise<void> {
    await this.watcher?.stop();
    this.changesSubject.complete();
  }

  /**
   * Writes one cycle's changes into ConfigService (so its `changes$` emits per key), then emits the
   * batch on `changes$`. Removals first, so a key that turns from a value into an object (or back)
   * lands cleanly.
   */
  private apply(event: KeyVaultChangeEvent): void {
    const next = this.watcher!.keys;
    const config = this.configService;
    if (config) {
      // ConfigService.set also writes String(value) into process.env (and into .env interpolations).
      // The startup load never puts a secret into the environment — child processes inherit it — so
      // neither does a refresh: the environment is restored right after.
      const environment = { ...process.env };
      try {
        for (const change of event.removed) {
          if (!this.owns(config, change.key)) continue;
          config.set(change.key, undefined);
          forgetCached(config, change.key);
        }
        for (const change of [...event.added, ...event.updated]) {
          if (change.kind === 'updated' && !this.owns(config, change.key)) continue;
          // A copy: ConfigService.set mutates nested objects in place, the watcher's values must not move.
          config.set(change.key, structuredClone(next.get(change.key)?.value));
        }
      } finally {
        restoreEnvironment(environment);
      }
    }
    this.applied = next;
    this.changesSubject.next(event);
  }

  /**
   * True when ConfigService still holds the value Key Vault gave this key. Otherwise something else set
   * it since — the app (`ConfigService.set`) or a later `configModule.load` factory, which overrides
   * vault values — and a refresh must not overwrite it.
   */
  private owns(config: ConfigService, key: string): boolean {
    const owned = isDeepStrictEqual(config.get(key), this.applied.get(key)?.value);
    if (!owned)
      this.logger.debug(`Key '${key}' was set by someone else in ConfigService; the refresh leaves it.`);
    return owned;
  }
}

function notRefreshable(): KeyVaultRefreshSummary {
  const at = new Date();
  return {
    at,
    ok: false,
    elapsedMs: 0,
    changes: { at, added: [], updated: [], removed: [] },
    error: { code: 'NOT_REFRESHABLE', message: 'This KeyVaultSecrets has no refresher.' },
  };
}

/**
 * With `cache: true`, ConfigService keeps every value it has set or read from process.env in a private
 * cache that `get` consults once the key is gone from its internal configuration — so a removed secret
 * would come back from there. Drop the key from that cache (feature-detected; a no-op without it).
 */
function forgetCached(config: ConfigService, key: string): void {
  const cache = (config as unknown as { cache?: unknown }).cache;
  if (cache === null || typeof cache !== 'object') return;
  const path = key.split('.');
  let node: unknown = cache;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return;
    node = (node as Record<string, unknown>)[segment];
  }
  if (node !== null && typeof node === 'object')
    delete (node as Record<string, unknown>)[path[path.length - 1]!];
  // A key cached under its literal dotted name (es-toolkit's get/set accept both forms).
  delete (cache as Record<string, unknown>)[key];
}

/** Puts process.env back as it was: variables added since are deleted, changed ones restored. */
function restoreEnvironment(before: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) {
    if (!Object.hasOwn(before, name)) delete process.env[name];
  }
  for (const [name, value] of Object.entries(before)) {
    if (value !== undefined && process.env[name] !== value) process.env[name] = value;
  }
}

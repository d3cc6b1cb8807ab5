/**
 * Types of the refresher (secret rotation without restart): changes, cycle summaries, state, health and
 * the watcher itself. Never hold a value.
 */
import type { KeyVaultLoadReport } from './report.interface.js';

/** One key that changed in a refresh cycle. Never holds a value. */
export interface KeyVaultKeyChange {
  key: string;
  secretName: string;
  /** Vault host; for a mounted secret the directory. */
  vault: string;
  kind: 'added' | 'updated' | 'removed';
  /** New version (added/updated) or the removed one. */
  version?: string;
  previousVersion?: string;
  /** Why it was removed (disabled, deleted, expired with `expiredSecrets: 'skip'`, …). */
  reason?: string;
}

/** One event per refresh cycle that changed something. */
export interface KeyVaultChangeEvent {
  at: Date;
  added: KeyVaultKeyChange[];
  updated: KeyVaultKeyChange[];
  removed: KeyVaultKeyChange[];
}

/** What a refresh cycle did. */
export interface KeyVaultRefreshSummary {
  at: Date;
  ok: boolean;
  elapsedMs: number;
  /** Changes applied (empty when nothing changed or the cycle failed). */
  changes: KeyVaultChangeEvent;
  /** Failure of this cycle; the last-known-good values stay in place. */
  error?: { code: string; message: string };
}

/** State of the refresher, for health checks and status pages. */
export interface KeyVaultRefreshState {
  /** Refresh interval in ms, undefined when refresh is off. */
  intervalMs?: number;
  lastAttemptAt?: Date;
  /** Last successful load or refresh cycle. */
  lastSuccessAt?: Date;
  nextRefreshAt?: Date;
  consecutiveFailures: number;
  /** Start of the current failure streak. */
  failingSince?: Date;
  lastError?: { code: string; message: string };
  /** Number of keys currently loaded from Key Vault. */
  loaded: number;
  /** A cycle is running. */
  refreshing?: boolean;
  /** The refresher was stopped (application shutdown or `stop()`). */
  stopped?: boolean;
}

/** Health of the Key Vault configuration, as the terminus indicator reports it. Never holds a value. */
export interface KeyVaultHealth {
  /** up: fine; degraded: failing, fewer than `threshold` times in a row; down: `threshold` or more. */
  status: 'up' | 'degraded' | 'down';
  /** Vault hosts. */
  vaults: string[];
  /** Keys currently loaded from Key Vault. */
  secrets: number;
  /** Time of the last successful load or refresh (ISO 8601), if any. */
  lastRefreshAt?: string;
  /** Refresh interval in ms (absent when refresh runs only on demand). */
  refreshIntervalMs?: number;
  consecutiveFailures: number;
  /** Start of the current failure streak (ISO 8601). */
  failingSince?: string;
  /**
   * Code of the last failure (e.g. `VAULT_UNREACHABLE`). Only the code: messages carry identities and
   * fix commands that belong in logs, not on a health endpoint.
   */
  lastError?: string;
}

/** Events of a {@link KeyVaultWatcher}. */
export interface KeyVaultWatcherEvents {
  /** A cycle applied changes (emitted once per such cycle, after `config` was replaced). */
  change: [event: KeyVaultChangeEvent];
  /** Every finished cycle, successful or not. */
  refresh: [summary: KeyVaultRefreshSummary];
}

/**
 * Live Key Vault configuration for apps without Nest (see {@link watchKeyVaultSecrets}). `T` is the
 * shape the caller declares for `config` (`watchKeyVaultSecrets<AppSecrets>()`) — an assertion, not a
 * check; `validationSchema` checks every load and cycle.
 * @default T = Record<string, unknown>
 */
export interface KeyVaultWatcher<T = Record<string, unknown>> {
  /**
   * The current configuration. Each cycle that changes something replaces it with a new object (the
   * old one is never mutated), so read `watcher.config` (or `get`) where you use a value instead of
   * keeping a reference from startup.
   */
  readonly config: Readonly<T>;
  /** The value under a dot path of the current configuration. */
  get<T = unknown>(key: string): T | undefined;
  /** Report of the last successful load or cycle (names, versions, sources — never values). */
  readonly report: KeyVaultLoadReport;
  readonly state: KeyVaultRefreshState;
  /** Health: up, degraded below `threshold` consecutive failures, down from it (default `healthFailureThreshold`). */
  health(threshold?: number): KeyVaultHealth;
  /** Runs a cycle now (or joins the running one) and resolves to its summary; never rejects. */
  refresh(): Promise<KeyVaultRefreshSummary>;
  /** Arms the interval timer (`watchKeyVaultSecrets` does this for you). */
  start(): void;
  /** Stops the timer and aborts a running cycle; final. */
  stop(): Promise<void>;
  on<E extends keyof KeyVaultWatcherEvents>(
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this;
  off<E extends keyof KeyVaultWatcherEvents>(
    event: E,
    listener: (...args: KeyVaultWatcherEvents[E]) => void,
  ): this;
  /**
   * Calls `listener` with the changes of each cycle that concern `key` (the key itself, keys below it,
   * or the key above it). Returns a function that unsubscribes.
   */
  onKeyChange(
    key: string,
    listener: (changes: KeyVaultKeyChange[], event: KeyVaultChangeEvent) => void,
  ): () => void;
}

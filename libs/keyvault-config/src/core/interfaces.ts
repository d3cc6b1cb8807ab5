/**
 * Public types of the framework-agnostic core. No Nest import may appear anywhere under core/.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions, SecretProperties } from '@azure/keyvault-secrets';
import type { StandardSchemaV1 } from './standard-schema.js';

/** What to do with a secret whose `expiresOn` has passed or whose `notBefore` is in the future. */
export type ExpiryPolicy = 'load' | 'warn' | 'skip';

/** Logger the core writes to. Nest's `Logger` fits; so does `console`. Never receives values. */
export interface KeyVaultConfigLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Optional: repeated refresh failures and warnings go here instead of `warn` when it exists. */
  debug?(message: string): void;
}

/** One explicitly named secret (explicit mode). */
export interface ExplicitSecret {
  /** Secret name in the vault. */
  name: string;
  /**
   * Configuration key (dot path).
   * @default the secret name mapped as in list mode (`keyMapper`, else `--` → `.` and `-` → `_`)
   */
  key?: string | undefined;
  /**
   * Pin a version (the id Key Vault shows, 1–64 letters and digits).
   * @default the latest version
   */
  version?: string | undefined;
  /**
   * A missing optional secret is reported as skipped instead of failing the load.
   * @default false
   */
  optional?: boolean | undefined;
}

/**
 * Explicit mode: exactly these secrets, fetched with `get` only — no list call is ever made, so an
 * identity with only the `get` permission works. Either names (`['Db--Password']`, mapped as usual),
 * descriptors, or a `{ configKey: secretName | descriptor }` record.
 */
export type ExplicitSecrets =
  ReadonlyArray<string | ExplicitSecret> | Readonly<Record<string, string | Omit<ExplicitSecret, 'key'>>>;

/** Options that can differ per vault (see `vaults`). */
export interface KeyVaultSourceOptions {
  /**
   * The vault's base URL, e.g. `https://my-vault.vault.azure.net` (https; http only for loopback hosts).
   * Inside `vaults` every entry needs its own; there is no fallback to the environment.
   * @default `KEY_VAULT_URL` from `env`
   */
  vaultUrl?: string | undefined;
  /**
   * Explicit mode (see {@link ExplicitSecrets}). When set, nothing is listed; cannot be combined with
   * `prefix` or `filter`.
   * @default undefined — list mode: every enabled secret of the vault
   */
  secrets?: ExplicitSecrets | undefined;
  /**
   * Load only secrets whose name starts with this (any case); it is stripped before mapping. List
   * mode only.
   * @default undefined — no prefix
   */
  prefix?: string | undefined;
  /**
   * Load only secrets this returns true for. It sees properties only (name, tags, content type, dates):
   * values are never fetched for the rest. List mode only.
   * @default undefined — every secret
   */
  filter?: ((properties: SecretProperties) => boolean) | undefined;
  /**
   * Secret name (after `prefix` is stripped) → config key (dot path). Return `undefined` to skip it.
   * @default `--` nests and `-` becomes `_`: `Database--Connection-String` → `Database.Connection_String`
   */
  keyMapper?: (secretName: string) => string | undefined;
  /**
   * Read secrets from files instead of (or besides) a vault: a directory with one file per secret, as
   * the Secrets Store CSI driver (file name = object name or `objectAlias`) and Kubernetes Secret
   * volumes write it, the kubelet's atomic `..data` layout included. The file name is the secret name
   * (same `prefix`, `filter` — it sees `{ name }` only —, `keyMapper` and `--` mapping); hidden entries
   * (`..data`, dot files) are ignored; a file that cannot be read or is over 25 KB fails the load naming
   * it. Several directories (or `vaults` entries with `mountPath`) are layers like several vaults: a
   * later one wins. Top level, beside `vaultUrl` or `vaults`, the directories come after the vaults
   * (a mounted file wins). With only `mountPath` no credential is built and nothing goes to the network
   * (`KEY_VAULT_URL` is not read). Changes are picked up by watching the directory (and on
   * `refreshInterval`, as a fallback) when the watcher is running.
   * @default undefined — no mounted secrets
   */
  mountPath?: string | readonly string[] | undefined;
  /**
   * Which mounted files hold JSON (files carry no content type): `'suffix'` — names ending in `.json`
   * (the suffix is not part of the secret name) — or `'all'`. JSON is expanded under the key like an
   * `application/json` secret; `parseJson: false` turns it off.
   * @default 'suffix'
   */
  mountJson?: 'suffix' | 'all' | undefined;
}

/** Options of {@link loadKeyVaultSecrets} (and of the Nest module, which adds its own). */
export interface KeyVaultConfigOptions extends KeyVaultSourceOptions {
  /**
   * Several vaults, loaded in order; a later vault wins on the same key. Replaces `vaultUrl` (setting
   * both is an error); the top-level `prefix`, `filter` and `keyMapper` are each vault's defaults.
   * @default undefined — the one vault of `vaultUrl`
   */
  vaults?: KeyVaultSourceOptions[] | undefined;
  /**
   * Any TokenCredential, used for every vault and reference.
   * @default DefaultAzureCredential (environment service principal, workload identity, managed identity,
   * then developer tools), one per process for the same client id and credential environment
   */
  credential?: TokenCredential | undefined;
  /**
   * Client id of a user-assigned managed identity, for the default credential. Ignored with `credential`.
   * @default `AZURE_CLIENT_ID` (from `env`, else `process.env`); unset: the system-assigned identity
   */
  managedIdentityClientId?: string | undefined;
  /**
   * Parse secrets whose content type is `application/json` into objects under their key; invalid JSON
   * fails the load with INVALID_SECRET_CONTENT.
   * @default true
   */
  parseJson?: boolean | undefined;
  /**
   * Secrets whose `expiresOn` has passed or whose `notBefore` is in the future: `'load'` them, load
   * and `'warn'` in the log and the report, or `'skip'` them.
   * @default 'warn'
   */
  expiredSecrets?: ExpiryPolicy | undefined;
  /**
   * Who wins when a vault key equals an environment variable (`Db.Password` also matches
   * `Db__Password`): `'vault'` or `'environment'`.
   * @default 'vault'
   */
  precedence?: 'vault' | 'environment' | undefined;
  /**
   * Resolve `@Microsoft.KeyVault(...)` references in `env`: the referenced secret's value is loaded
   * under the variable's name. With references in `env` and no vault option, the load is
   * references-only.
   * @default true
   */
  resolveReferences?: boolean | undefined;
  /**
   * DNS suffix for `VaultName=` references (e.g. `vault.azure.cn`, `vault.usgovcloudapi.net`).
   * @default 'vault.azure.net'
   */
  vaultDnsSuffix?: string | undefined;
  /**
   * Secret fetches in flight at once, shared by every vault and reference of a load (1–256).
   * @default 32
   */
  concurrency?: number | undefined;
  /**
   * Bound on the whole load in milliseconds, token acquisition included (1–3 600 000); past it the
   * load fails with TIMEOUT.
   * @default 60000
   */
  timeoutMs?: number | undefined;
  /**
   * Retries of each request on transient failures — 5xx, connection resets, 429 with or without
   * Retry-After (0–10). It replaces `clientOptions.retryOptions.maxRetries` in the clients the library
   * builds.
   * @default `clientOptions.retryOptions.maxRetries` when set, else 4
   */
  maxRetries?: number | undefined;
  /**
   * Continue without vault values when the load fails: the load resolves with an empty `config` and
   * the failure in `report.error` (code and message) after one warning, instead of rejecting.
   * @default false
   */
  optional?: boolean | undefined;
  /**
   * Passed to every SecretClient (tlsOptions, proxyOptions, retryOptions, additionalPolicies, …). The
   * library adds to it: `retryOptions.maxRetries` set to `maxRetries`; two per-call policies after
   * yours (a retry of 429 without Retry-After, which the SDK does not retry, and one that keeps Key
   * Vault's error body for messages); and, for loopback vault hosts only,
   * `disableChallengeResourceVerification` (plus `allowInsecureConnection` for `http://`). Clients are
   * cached per vault, credential and this object's identity: pass the same object to share them.
   * @default undefined — the SDK's defaults plus the additions above
   */
  clientOptions?: SecretClientOptions | undefined;
  /**
   * Standard Schema (Zod 3.24+, Valibot 1, ArkType, Joi 18, …) that the merged configuration
   * (the environment's variables, references resolved, under the loaded keys) must pass; a failure is
   * VALIDATION_FAILED naming keys and issues, never values. It is a check only: the schema's output
   * (defaults, coercions, transforms, stripped keys) is not used — the configuration stays as loaded.
   * @default undefined — no validation
   */
  validationSchema?: StandardSchemaV1 | undefined;
  /**
   * Where the core logs (one info line per load, warnings for skipped or expired secrets). Never
   * receives a value.
   * @default console with a `[KeyVaultConfig]` prefix (the Nest module passes Nest's Logger)
   */
  logger?: KeyVaultConfigLogger | undefined;
  /**
   * Environment to read `KEY_VAULT_URL`, references and precedence from. It does not reach the
   * credential: the Azure SDK reads its variables (AZURE_TENANT_ID, AZURE_CLIENT_SECRET,
   * AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT, AZURE_TOKEN_CREDENTIALS, …) from `process.env`
   * only; of them, only `AZURE_CLIENT_ID` here is used, as the default of `managedIdentityClientId`.
   * @default `process.env` (the Nest module: `process.env` over the `.env` files)
   */
  env?: Record<string, string | undefined> | undefined;
  /**
   * Re-read the vault on this interval and apply what changed (secret rotation without restart):
   * milliseconds, or a duration string such as `'30s'`, `'5m'`, `'1h'`, `'1h30m'`; at least 1 s, at
   * most about 24.8 days.
   * @default undefined — off (a refresh then runs only when asked for)
   */
  refreshInterval?: number | string | undefined;
  /**
   * Consecutive failed refresh cycles at which health turns `down` (`degraded` before); `Infinity`
   * never turns it down.
   * @default 3
   */
  healthFailureThreshold?: number | undefined;
}

/**
 * Options of an entry point that loads once (`loadKeyVaultSecrets`, the Nest `keyVaultConfig()` factory):
 * the refresh options are a type error here — and INVALID_OPTIONS at run time — because nothing would
 * ever refresh. Use `watchKeyVaultSecrets` or `KeyVaultConfigModule.forRoot` for rotation.
 */
export interface KeyVaultLoadOnceOptions extends Omit<
  KeyVaultConfigOptions,
  'refreshInterval' | 'healthFailureThreshold'
> {
  /** Not supported: this entry point loads once. Use `watchKeyVaultSecrets` or `KeyVaultConfigModule.forRoot`. */
  refreshInterval?: never;
  /** Not supported: this entry point has no health. Use `watchKeyVaultSecrets` or `KeyVaultConfigModule.forRoot`. */
  healthFailureThreshold?: never;
}

/**
 * Where a loaded key came from: a listed or an explicit secret, a `@Microsoft.KeyVault(...)` reference,
 * a mounted file (`mountPath`), or the plain values of `KeyVaultConfigModule.forTesting()` (no vault).
 */
export type KeyVaultEntrySource = 'list' | 'explicit' | 'reference' | 'mount' | 'testing';

/** One key of the report. Never holds a value. */
export interface KeyVaultReportEntry {
  /** Configuration key (dot path), or the environment variable of a reference. */
  key: string;
  secretName: string;
  /** Vault host; for `source: 'mount'` the directory. */
  vault: string;
  version?: string;
  updatedOn?: Date;
  source: KeyVaultEntrySource;
  status: 'loaded' | 'skipped';
  /** Why it was skipped (or a warning, e.g. expired). */
  reason?: string;
  /** `source: 'mount'`: the file's path (the visible one, `<mountPath>/<name>`), instead of a version. */
  path?: string;
  /** `source: 'mount'`: the file's modification time. */
  modifiedOn?: Date;
}

/** The credential that produced the token, and who it is (from the token's claims — never the token). */
export interface KeyVaultCredentialInfo {
  /** e.g. `ManagedIdentityCredential`, `AzureCliCredential`, or the class name of a custom credential. */
  name: string;
  /** e.g. `App Service`, `IMDS` for managed identity, when known. */
  detail?: string;
  /** `oid` claim. */
  objectId?: string;
  /** `appid` / `azp` claim. */
  clientId?: string;
  /** `tid` claim. */
  tenantId?: string;
}

/**
 * One step of the startup load on the wire (see {@link KeyVaultLoadReport.timeline}). Holds names,
 * statuses and milliseconds only.
 */
export interface KeyVaultTimelineEntry {
  /**
   * `challenge`: the unauthenticated first request and the vault's 401; `token`: from that 401 until
   * the first authorized request (the credential getting a token); `list`: one page of the secret list;
   * `get`: one secret.
   */
  step: 'challenge' | 'token' | 'list' | 'get';
  /** Vault host. */
  vault: string;
  /** Start, in ms since the recording began. */
  startMs: number;
  durationMs: number;
  /** HTTP status; absent when the request failed without a response. */
  status?: number;
  /** Error code of a request that got no response (`ECONNREFUSED`, `ECONNRESET`, `AbortError`, …). */
  error?: string;
  /** `get`: the secret's name. */
  secretName?: string;
  /** `list`: the page number, from 1. */
  page?: number;
  /** `list`: the number of secrets on the page. */
  items?: number;
  /** 2 and more for a retry of the same request (after a 429, a 5xx or a reset). */
  attempt?: number;
}

/** What a load did. Never holds a value. */
/**
 * How much the vaults' throttling (429) slowed a load down. All zero (and `lowestConcurrency` the
 * load's `concurrency`) when no vault throttled.
 */
export interface KeyVaultThrottlingFigures {
  /** 429 responses this load received (every one was waited out and retried). */
  responses429: number;
  /** Wall-clock ms during which at least one of the load's requests waited for a vault's throttle. */
  waitedMs: number;
  /**
   * Lowest number of requests in flight toward a throttled vault that the process's throttle
   * controller allowed during the load (it halves on each throttling episode, down to 1).
   */
  lowestConcurrency: number;
}

export interface KeyVaultLoadReport {
  /** Vault hosts, in load order. */
  vaults: string[];
  /** Mounted secrets directories (`mountPath`), in load order; absent without any. */
  mounts?: string[];
  credential?: KeyVaultCredentialInfo;
  loadedAt: Date;
  elapsedMs: number;
  /** Number of keys loaded (skipped ones excluded). */
  loaded: number;
  entries: KeyVaultReportEntry[];
  /** Throttling (429) met by this load: responses, time spent waiting, lowest concurrency reached. */
  throttling: KeyVaultThrottlingFigures;
  /** Set when `optional: true` swallowed a failure. */
  error?: { code: string; message: string };
  /**
   * How the startup load went on the wire, in order: the challenge (the SDK's unauthenticated first
   * request and its 401), the token (from that 401 to the first authorized request), each list page and
   * each get, in ms since the load began — what happens before the configuration has a value. At most
   * 2,000 entries. Recorded by the startup load only; the reports of later refresh cycles keep it.
   */
  timeline?: KeyVaultTimelineEntry[];
}

/** Result of {@link loadKeyVaultSecrets}. */
export interface KeyVaultLoadResult {
  /** The nested configuration object (vault values, resolved references). */
  config: Record<string, unknown>;
  report: KeyVaultLoadReport;
}

// ---------------------------------------------------------------------------------------------------
// Refresh (secret rotation without restart)

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
 * Live Key Vault configuration for apps without Nest (see {@link watchKeyVaultSecrets}).
 */
export interface KeyVaultWatcher {
  /**
   * The current configuration. Each cycle that changes something replaces it with a new object (the
   * old one is never mutated), so read `watcher.config` (or `get`) where you use a value instead of
   * keeping a reference from startup.
   */
  readonly config: Readonly<Record<string, unknown>>;
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

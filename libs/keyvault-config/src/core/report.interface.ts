/**
 * What a load reports: per-key entries, the credential and identity, the wire timeline, throttling —
 * names, versions and timings, never a value.
 */

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

/** What a load did. Never holds a value. */
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

/**
 * Result of {@link loadKeyVaultSecrets}. `T` is the shape the caller declares for `config`
 * (`loadKeyVaultSecrets<AppSecrets>()`), like `ConfigService.get<T>()`: an assertion the compiler
 * trusts, not a check — `validationSchema` is the check. It is not inferred from `validationSchema`,
 * because the schema validates the environment and the vault values together and its output (defaults,
 * coercions) is not what `config` holds.
 * @default T = Record<string, unknown>
 */
export interface KeyVaultLoadResult<T = Record<string, unknown>> {
  /** The nested configuration object (vault values, resolved references). */
  config: T;
  report: KeyVaultLoadReport;
}

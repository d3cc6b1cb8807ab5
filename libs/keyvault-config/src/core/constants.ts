/**
 * Defaults and fixed values of the core, in one place (the README's option table mirrors this file).
 */
import type { ExpiryPolicy } from './interfaces.js';

/** Environment variable read when `vaultUrl` is omitted. */
export const KEY_VAULT_URL_ENV = 'KEY_VAULT_URL';

/** Prefix of every line the default logger writes. */
export const LOG_PREFIX = '[KeyVaultConfig]';

export const DEFAULT_PARSE_JSON = true;
export const DEFAULT_EXPIRED_SECRETS: ExpiryPolicy = 'warn';
export const DEFAULT_PRECEDENCE = 'vault' as const;
export const DEFAULT_RESOLVE_REFERENCES = true;
export const DEFAULT_EXPOSE_REFERENCES_IN_ENV = false;
export const DEFAULT_VAULT_DNS_SUFFIX = 'vault.azure.net';
/** Same as the .NET provider's ParallelSecretLoader: 32 fetches in flight. */
export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * Longest one token request may take before it is given up and the next caller asks afresh (the load's
 * own `timeoutMs` still applies: whichever comes first). An identity endpoint answers in well under a
 * second; one that has not answered in 30 s is hung.
 */
export const TOKEN_ATTEMPT_TIMEOUT_MS = 30_000;
/**
 * Longest a developer tool's process (`az`, `azd`, `pwsh`) may run for one token. @azure/identity runs
 * them without a timeout unless given `processTimeoutInMs`, and ignores the abort signal, so an `az` that
 * hangs (refreshing its login over a network that drops packets) held the process after its load had
 * failed. 13 s is what the C++ SDK's AzureCliCredential defaults to; `az account get-access-token`
 * answers in one to three seconds.
 */
export const DEVELOPER_TOOL_TIMEOUT_MS = 13_000;
export const DEFAULT_MAX_RETRIES = 4;
export const DEFAULT_OPTIONAL = false;

/** Refresh (secret rotation without restart): accepted `refreshInterval`, 1 s up to setTimeout's limit. */
export const REFRESH_INTERVAL_RANGE_MS = { min: 1_000, max: 2_147_483_647 } as const;
/** Relative jitter on every refresh delay: ±10 %, so replicas started together do not poll in lockstep. */
export const DEFAULT_REFRESH_JITTER = 0.1;
/** First retry after a failed refresh cycle waits at most this long (then doubles up to the interval). */
export const MAX_REFRESH_BACKOFF_BASE_MS = 30_000;
/**
 * How far this machine's clock may be behind Key Vault's when a refresh decides that a listed secret is
 * unchanged (see `unchangedSince` in refresh-reuse.ts).
 */
export const REFRESH_CLOCK_SKEW_ALLOWANCE_MS = 1_000;
/** Consecutive failed refresh cycles at which health turns `down` (`degraded` before). */
export const DEFAULT_HEALTH_FAILURE_THRESHOLD = 3;
/** Code of a refresh summary when the refresher is (being) stopped. */
export const REFRESH_STOPPED_CODE = 'STOPPED';
/** Code of a refresh failure that is not a KeyVaultConfigError (a bug, most likely). */
export const REFRESH_UNEXPECTED_CODE = 'UNEXPECTED';

/** Accepted ranges of the numeric options (inclusive). */
export const CONCURRENCY_RANGE = { min: 1, max: 256 } as const;
export const TIMEOUT_RANGE_MS = { min: 1, max: 3_600_000 } as const;
export const MAX_RETRIES_RANGE = { min: 0, max: 10 } as const;

/** Key Vault object names: 1–127 characters of 0-9, a-z, A-Z and `-`. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;

/** A secret version as accepted in `secrets` and in references: 1–64 letters and digits. */
export const VERSION_PATTERN = /^[0-9a-zA-Z]{1,64}$/;

/** The default mapping's segment separator (`Database--Password` → `Database.Password`). */
export const SECRET_NAME_SEGMENT_SEPARATOR = '--';

/** `application/json`, with optional parameters, any case. */
export const JSON_CONTENT_TYPE_PATTERN = /^\s*application\/json\s*(;.*)?$/i;

/** Role that grants get + list on secrets (used in the `az role assignment create` fixes). */
export const SECRETS_USER_ROLE = 'Key Vault Secrets User';

/** Report reasons (stable strings; tests and users may match on them). */
/**
 * Key segments that would reach Object.prototype (or shadow it) through a plain object — in this
 * library's config, in `ConfigService`'s lodash paths, or in a consumer's deep merge. A secret whose key
 * has one is skipped with SkipReason.ReservedName. Case matters, as in JavaScript (`Constructor` is fine).
 */
export const RESERVED_KEY_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

export const SkipReason = {
  Disabled: 'disabled',
  Expired: 'expired',
  NotYetValid: 'not yet valid',
  Filtered: 'filtered out',
  NotFound: 'not found (optional)',
  DeletedSinceList: 'deleted between list and get',
  DisabledSinceList: 'disabled between list and get',
  Unmapped: 'keyMapper returned undefined',
  UnmappableName: 'name does not map to a key (empty segment)',
  /**
   * The key (default mapping, keyMapper result, a key inside a JSON secret, or a reference's variable)
   * has a segment in RESERVED_KEY_SEGMENTS.
   */
  ReservedName: 'reserved name',
  EnvironmentWins: 'environment wins',
  OverriddenByLaterVault: 'overridden by a later vault',
  OverriddenByVault: 'overridden by a vault value (precedence: vault)',
  /** Refresh only: the secret is gone from the vault (deleted), so its key was removed. */
  Deleted: 'deleted',
} as const;

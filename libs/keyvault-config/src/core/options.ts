/**
 * Defaults and validation of {@link KeyVaultConfigOptions}. Everything the loader reads comes out of
 * {@link resolveOptions}, so an invalid option fails before any network call, with a message naming it.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import {
  CONCURRENCY_RANGE,
  DEFAULT_CONCURRENCY,
  DEFAULT_EXPIRED_SECRETS,
  DEFAULT_HEALTH_FAILURE_THRESHOLD,
  DEFAULT_MAX_RETRIES,
  DEFAULT_OPTIONAL,
  DEFAULT_PARSE_JSON,
  DEFAULT_PRECEDENCE,
  DEFAULT_RESOLVE_REFERENCES,
  DEFAULT_EXPOSE_REFERENCES_IN_ENV,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_VAULT_DNS_SUFFIX,
  MAX_RETRIES_RANGE,
  REFRESH_INTERVAL_RANGE_MS,
  TIMEOUT_RANGE_MS,
} from './constants.js';
import { parseDuration } from './duration.js';
import type { ExpiryPolicy, KeyVaultConfigLogger, KeyVaultConfigOptions } from './interfaces.js';
import { optionProblem } from './messages/index.js';
import { checkBoolean, checkInteger, checkOneOf, invalid } from './option-checks.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { type ResolvedMountSource, type SourceRef } from './mount/mount-options.js';
import { resolveSources, type ResolvedVaultSource } from './option-sources.js';

// The vaults and mounts (and their order) are resolved in option-sources.ts.
export type { ResolvedExplicitSecret, ResolvedVaultSource } from './option-sources.js';

/** Options with defaults applied; what the loader works from. */
export interface ResolvedOptions {
  vaults: ResolvedVaultSource[];
  /** Mounted directories (`mountPath`). */
  mounts: ResolvedMountSource[];
  /** Every vault and mount in precedence order (later wins). */
  layers: SourceRef[];
  credential?: TokenCredential;
  managedIdentityClientId?: string;
  parseJson: boolean;
  expiredSecrets: ExpiryPolicy;
  precedence: 'vault' | 'environment';
  resolveReferences: boolean;
  /** Write resolved references into process.env (env-exposure.ts). */
  exposeReferencesInEnv: boolean;
  vaultDnsSuffix: string;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  optional: boolean;
  clientOptions?: SecretClientOptions;
  validationSchema?: StandardSchemaV1;
  env: Record<string, string | undefined>;
  /** Refresh interval in ms; undefined: refresh only on demand. */
  refreshIntervalMs?: number;
  healthFailureThreshold: number;
}

const EXPIRY_POLICIES: readonly ExpiryPolicy[] = ['load', 'warn', 'skip'];
const PRECEDENCES = ['vault', 'environment'] as const;
const DNS_SUFFIX_PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

/**
 * Applies the defaults and validates every option. Throws INVALID_OPTIONS naming the option.
 * Without `vaultUrl`, `vaults` and `KEY_VAULT_URL`, the load is references-only when the environment
 * holds `@Microsoft.KeyVault(...)` references, and an error otherwise.
 */
export function resolveOptions(
  options: KeyVaultConfigOptions = {},
  hasReferences: (env: Record<string, string | undefined>) => boolean = () => false,
): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw invalid('options', optionProblem.notAnObject(options));
  }
  const env = options.env ?? process.env;
  if (env === null || typeof env !== 'object') throw invalid('env', optionProblem.notAnObject(env));

  const resolveReferences = checkBoolean(
    'resolveReferences',
    options.resolveReferences,
    DEFAULT_RESOLVE_REFERENCES,
  );
  const { vaults, mounts, layers } = resolveSources(options, env, resolveReferences, hasReferences);
  const exposeReferencesInEnv = checkBoolean(
    'exposeReferencesInEnv',
    options.exposeReferencesInEnv,
    DEFAULT_EXPOSE_REFERENCES_IN_ENV,
  );
  if (exposeReferencesInEnv && !resolveReferences) {
    throw invalid('exposeReferencesInEnv', optionProblem.exposeWithoutResolving());
  }

  const suffix = checkClientOptions(options);

  return {
    vaults,
    mounts,
    layers,
    credential: options.credential,
    managedIdentityClientId: options.managedIdentityClientId,
    parseJson: checkBoolean('parseJson', options.parseJson, DEFAULT_PARSE_JSON),
    expiredSecrets: checkOneOf(
      'expiredSecrets',
      options.expiredSecrets,
      EXPIRY_POLICIES,
      DEFAULT_EXPIRED_SECRETS,
    ),
    precedence: checkOneOf('precedence', options.precedence, PRECEDENCES, DEFAULT_PRECEDENCE),
    resolveReferences,
    exposeReferencesInEnv,
    vaultDnsSuffix: suffix.replace(/^\./, ''),
    concurrency:
      options.concurrency === undefined
        ? DEFAULT_CONCURRENCY
        : checkInteger('concurrency', options.concurrency, CONCURRENCY_RANGE),
    timeoutMs:
      options.timeoutMs === undefined
        ? DEFAULT_TIMEOUT_MS
        : checkInteger('timeoutMs', options.timeoutMs, TIMEOUT_RANGE_MS),
    maxRetries: resolveMaxRetries(options),
    optional: checkBoolean('optional', options.optional, DEFAULT_OPTIONAL),
    clientOptions: options.clientOptions,
    validationSchema: options.validationSchema,
    env,
    refreshIntervalMs: resolveRefreshInterval(options.refreshInterval),
    healthFailureThreshold: resolveHealthFailureThreshold(options.healthFailureThreshold),
  };
}

/**
 * The options that reach the client and the credential (and the schema and logger), checked in this
 * order so the first invalid one is the one named. Returns `vaultDnsSuffix` (still with a leading dot).
 */
function checkClientOptions(options: KeyVaultConfigOptions): string {
  const suffix = options.vaultDnsSuffix ?? DEFAULT_VAULT_DNS_SUFFIX;
  if (typeof suffix !== 'string' || !DNS_SUFFIX_PATTERN.test(suffix.replace(/^\./, ''))) {
    throw invalid('vaultDnsSuffix', optionProblem.invalidDnsSuffix(suffix));
  }
  if (options.credential !== undefined && typeof options.credential?.getToken !== 'function') {
    throw invalid('credential', optionProblem.notACredential());
  }
  if (
    options.managedIdentityClientId !== undefined &&
    (typeof options.managedIdentityClientId !== 'string' || options.managedIdentityClientId.trim() === '')
  ) {
    throw invalid('managedIdentityClientId', optionProblem.invalidManagedIdentityClientId());
  }
  const schema = options.validationSchema;
  if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
    throw invalid('validationSchema', optionProblem.notAStandardSchema());
  }
  if (
    options.clientOptions !== undefined &&
    (options.clientOptions === null || typeof options.clientOptions !== 'object')
  ) {
    throw invalid('clientOptions', optionProblem.invalidClientOptions(options.clientOptions));
  }
  checkLogger(options.logger);
  return suffix;
}

/** `refreshInterval`: ms or a duration string, from 1 s up to setTimeout's limit (about 24.8 days). */
function resolveRefreshInterval(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) {
    throw invalid('refreshInterval', optionProblem.notADuration(value));
  }
  const { min, max } = REFRESH_INTERVAL_RANGE_MS;
  if (ms < min || ms > max) {
    throw invalid('refreshInterval', optionProblem.durationOutOfRange(value, ms, REFRESH_INTERVAL_RANGE_MS));
  }
  return ms;
}

/** `healthFailureThreshold`: a positive integer, or Infinity for "never down". */
function resolveHealthFailureThreshold(value: unknown): number {
  if (value === undefined) return DEFAULT_HEALTH_FAILURE_THRESHOLD;
  if (
    value === Number.POSITIVE_INFINITY ||
    (typeof value === 'number' && Number.isInteger(value) && value >= 1)
  ) {
    return value;
  }
  throw invalid('healthFailureThreshold', optionProblem.invalidHealthFailureThreshold(value));
}

/** `maxRetries`, else `clientOptions.retryOptions.maxRetries`, else the default. */
function resolveMaxRetries(options: KeyVaultConfigOptions): number {
  const value = options.maxRetries ?? options.clientOptions?.retryOptions?.maxRetries;
  return value === undefined ? DEFAULT_MAX_RETRIES : checkInteger('maxRetries', value, MAX_RETRIES_RANGE);
}

function checkLogger(logger: unknown): asserts logger is KeyVaultConfigLogger | undefined {
  if (logger === undefined) return;
  const l = logger as Partial<KeyVaultConfigLogger> | null;
  if (!l || typeof l.log !== 'function' || typeof l.warn !== 'function' || typeof l.error !== 'function') {
    throw invalid('logger', optionProblem.invalidLogger());
  }
}

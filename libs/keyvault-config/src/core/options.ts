/**
 * Defaults and validation of {@link KeyVaultConfigOptions}. Everything the loader reads comes out of
 * {@link resolveOptions}, so an invalid option fails before any network call, with a message naming it.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions, SecretProperties } from '@azure/keyvault-secrets';
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
  KEY_VAULT_URL_ENV,
  MAX_RETRIES_RANGE,
  REFRESH_INTERVAL_RANGE_MS,
  TIMEOUT_RANGE_MS,
  VERSION_PATTERN,
} from './constants.js';
import { parseDuration } from './duration.js';
import type {
  ExpiryPolicy,
  ExplicitSecret,
  KeyVaultConfigLogger,
  KeyVaultConfigOptions,
  KeyVaultSourceOptions,
} from './interfaces.js';
import { optionProblem } from './messages/index.js';
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkKey,
  checkOneOf,
  checkSecretName,
  invalid,
} from './option-checks.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import {
  hasMountPath,
  resolveMountSources,
  type ResolvedMountSource,
  type SourceRef,
} from './mount/mount-options.js';
import { parseVaultUrl, type ParsedVaultUrl } from './vault-url.js';

/** One explicitly named secret after validation. */
export interface ResolvedExplicitSecret {
  name: string;
  /** Key path when given (`key` of a descriptor, or the record key); else the mapped name. */
  keyPath?: string[];
  version?: string;
  optional: boolean;
}

/** One vault to load, after validation. */
export interface ResolvedVaultSource extends ParsedVaultUrl {
  /** Explicit mode when set (never lists). */
  explicit?: ResolvedExplicitSecret[];
  prefix?: string;
  filter?: (properties: SecretProperties) => boolean;
  keyMapper?: (secretName: string) => string | undefined;
}

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

function resolveDescriptor(
  option: string,
  descriptor: string | ExplicitSecret | Omit<ExplicitSecret, 'key'>,
  recordKey?: string,
): ResolvedExplicitSecret {
  if (typeof descriptor === 'string') {
    return {
      name: checkSecretName(option, descriptor),
      keyPath: recordKey === undefined ? undefined : checkKey(option, recordKey),
      optional: false,
    };
  }
  if (descriptor === null || typeof descriptor !== 'object') {
    throw invalid(option, optionProblem.invalidDescriptor(descriptor));
  }
  const d = descriptor as ExplicitSecret;
  const name = checkSecretName(`${option}.name`, d.name);
  if (d.version !== undefined && (typeof d.version !== 'string' || !VERSION_PATTERN.test(d.version))) {
    throw invalid(`${option}.version`, optionProblem.invalidVersion(d.version));
  }
  const key = recordKey ?? d.key;
  return {
    name,
    keyPath:
      key === undefined ? undefined : checkKey(recordKey === undefined ? `${option}.key` : option, key),
    version: d.version,
    optional: checkBoolean(`${option}.optional`, d.optional, false),
  };
}

function resolveExplicit(option: string, secrets: unknown): ResolvedExplicitSecret[] {
  let entries: Array<[option: string, secret: string | ExplicitSecret, recordKey?: string]>;
  if (Array.isArray(secrets)) {
    entries = secrets.map((s, i) => [`${option}[${i}]`, s as string | ExplicitSecret]);
  } else if (secrets !== null && typeof secrets === 'object') {
    entries = Object.entries(secrets as Record<string, string | ExplicitSecret>).map(([key, s]) => [
      `${option}.${key}`,
      s,
      key,
    ]);
  } else {
    throw invalid(option, optionProblem.invalidSecrets(secrets));
  }
  // Key Vault names are case-insensitive: `Db-Password` and `db-password` are one secret. Named twice
  // (at the same version), it would be fetched twice and collide with itself at merge, after requests.
  const seen = new Map<string, string>();
  return entries.map(([entryOption, secret, recordKey]) => {
    const resolved = resolveDescriptor(entryOption, secret, recordKey);
    const id = `${resolved.name.toLowerCase()}/${resolved.version?.toLowerCase() ?? ''}`;
    const first = seen.get(id);
    if (first !== undefined) {
      const named = typeof secret === 'string' ? entryOption : `${entryOption}.name`;
      throw invalid(named, optionProblem.duplicateSecretName(resolved.name, first));
    }
    seen.set(id, entryOption);
    return resolved;
  });
}

function resolveSource(
  source: KeyVaultSourceOptions,
  defaults: KeyVaultSourceOptions,
  option: string,
  env: Record<string, string | undefined>,
  fallbackToEnv: boolean,
): ResolvedVaultSource {
  let rawUrl = source.vaultUrl;
  if (rawUrl === undefined && fallbackToEnv) rawUrl = env[KEY_VAULT_URL_ENV];
  if (rawUrl === undefined || rawUrl === '') {
    throw invalid(
      `${option}vaultUrl`,
      fallbackToEnv ? optionProblem.noVault(KEY_VAULT_URL_ENV) : optionProblem.vaultEntryWithoutUrl(),
    );
  }
  const parsed = parseVaultUrl(
    rawUrl,
    source.vaultUrl === undefined ? KEY_VAULT_URL_ENV : `${option}vaultUrl`,
  );
  const prefix = source.prefix ?? defaults.prefix;
  const filter = checkFunction<ResolvedVaultSource['filter']>(
    `${option}filter`,
    source.filter ?? defaults.filter,
  );
  const keyMapper = checkFunction<ResolvedVaultSource['keyMapper']>(
    `${option}keyMapper`,
    source.keyMapper ?? defaults.keyMapper,
  );
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[0-9a-zA-Z-]{1,126}$/.test(prefix))) {
    throw invalid(`${option}prefix`, optionProblem.invalidPrefix(prefix));
  }
  const explicit =
    source.secrets === undefined ? undefined : resolveExplicit(`${option}secrets`, source.secrets);
  if (explicit && (prefix !== undefined || filter !== undefined)) {
    throw invalid(`${option}secrets`, optionProblem.explicitWithSelection());
  }
  return { ...parsed, explicit, prefix, filter, keyMapper };
}

/**
 * The vaults and mounted directories, and their order: `vaults` entries in order (each a vault or a
 * `mountPath`), else the one vault of `vaultUrl` / `KEY_VAULT_URL`; a top-level `mountPath` after them.
 * With a top-level `mountPath` and no `vaultUrl`, `KEY_VAULT_URL` is not read: mounted files only.
 */
function resolveSources(
  options: KeyVaultConfigOptions,
  env: Record<string, string | undefined>,
  resolveReferences: boolean,
  hasReferences: (env: Record<string, string | undefined>) => boolean,
): { vaults: ResolvedVaultSource[]; mounts: ResolvedMountSource[]; layers: SourceRef[] } {
  const vaults: ResolvedVaultSource[] = [];
  const mounts: ResolvedMountSource[] = [];
  const layers: SourceRef[] = [];
  const addVault = (vault: ResolvedVaultSource): void => {
    layers.push({ kind: 'vault', index: vaults.push(vault) - 1 });
  };
  const addMounts = (list: ResolvedMountSource[]): void => {
    for (const mount of list) layers.push({ kind: 'mount', index: mounts.push(mount) - 1 });
  };
  const topMounts = hasMountPath(options);
  if (options.vaults !== undefined) {
    if (!Array.isArray(options.vaults)) throw invalid('vaults', optionProblem.notAnArray(options.vaults));
    if (options.vaultUrl !== undefined) throw invalid('vaults', optionProblem.vaultsWithVaultUrl());
    if (options.secrets !== undefined) throw invalid('secrets', optionProblem.secretsWithVaults());
    options.vaults.forEach((source, i) => {
      if (source === null || typeof source !== 'object') {
        throw invalid(`vaults[${i}]`, optionProblem.invalidVaultEntry(source));
      }
      if (hasMountPath(source)) addMounts(resolveMountSources(source, options, `vaults[${i}].`));
      else addVault(resolveSource(source, options, `vaults[${i}].`, env, false));
    });
  } else {
    const noVault = options.vaultUrl === undefined && (topMounts || !env[KEY_VAULT_URL_ENV]);
    const withoutVault = topMounts || (resolveReferences && hasReferences(env));
    if (!(noVault && withoutVault)) addVault(resolveSource(options, {}, '', env, true));
  }
  if (topMounts) addMounts(resolveMountSources(options, {}, ''));
  return { vaults, mounts, layers };
}

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
    validationSchema: schema,
    env,
    refreshIntervalMs: resolveRefreshInterval(options.refreshInterval),
    healthFailureThreshold: resolveHealthFailureThreshold(options.healthFailureThreshold),
  };
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

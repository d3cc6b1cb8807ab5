/**
 * The sources of a load, resolved from the options: vaults (listed or explicit `secrets`, with prefix,
 * filter and keyMapper) and mounted directories, in precedence order. Part of `resolveOptions`.
 */
import type { SecretProperties } from '@azure/keyvault-secrets';
import { KEY_VAULT_URL_ENV, VERSION_PATTERN } from './constants.js';
import type { ExplicitSecret, KeyVaultConfigOptions, KeyVaultSourceOptions } from './interfaces.js';
import { optionProblem } from './messages/index.js';
import { checkBoolean, checkFunction, checkKey, checkSecretName, invalid } from './option-checks.js';
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
export function resolveSources(
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

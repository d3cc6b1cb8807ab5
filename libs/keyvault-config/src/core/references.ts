/**
 * `@Microsoft.KeyVault(...)` references in environment variables — App Service's syntax, resolved on any
 * host:
 *   @Microsoft.KeyVault(SecretUri=https://<vault>/secrets/<name>[/<version>][/])
 *   @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>])
 * Keys are case-insensitive, whitespace around the parts and a trailing `;` or `/` are tolerated.
 * Messages name the variable and what is wrong; they never repeat the variable's value.
 */
import { DEFAULT_VAULT_DNS_SUFFIX, SECRET_NAME_PATTERN, VERSION_PATTERN } from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { malformedReference, referenceProblem as problem } from './messages/index.js';
import { isLoopbackHost, parseVaultUrl } from './vault-url.js';

/** A parsed reference. */
export interface KeyVaultReference {
  /** Vault origin, e.g. `https://my-vault.vault.azure.net`. */
  vaultUrl: string;
  /** Vault host. */
  vault: string;
  secretName: string;
  version?: string;
  /** Which syntax was used. */
  form: 'SecretUri' | 'VaultName';
}

/** A reference found in the environment. */
export interface EnvironmentReference {
  /** The environment variable (also the configuration key it produces). */
  variable: string;
  reference: KeyVaultReference;
}

const REFERENCE_START = /^\s*@Microsoft\.KeyVault\s*\(/i;
const REFERENCE = /^\s*@Microsoft\.KeyVault\s*\((.*)\)\s*$/is;
const VAULT_NAME_PATTERN = /^[0-9a-zA-Z-]{1,63}$/;
const KNOWN_KEYS = new Map([
  ['secreturi', 'SecretUri'],
  ['vaultname', 'VaultName'],
  ['secretname', 'SecretName'],
  ['secretversion', 'SecretVersion'],
]);

/** True when the value is meant to be a Key Vault reference (starts with `@Microsoft.KeyVault(`). */
export function isKeyVaultReference(value: string | undefined): boolean {
  return typeof value === 'string' && REFERENCE_START.test(value);
}

function malformed(what: string, variable?: string): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.InvalidReference,
    malformedReference(what, variable),
    {
      key: variable,
    },
  );
}

/**
 * Parses a `@Microsoft.KeyVault(...)` value. Returns `undefined` when the value is not a reference at
 * all; throws INVALID_REFERENCE when it is one but malformed.
 */
export function parseKeyVaultReference(
  value: string,
  options: { vaultDnsSuffix?: string; variable?: string } = {},
): KeyVaultReference | undefined {
  if (!isKeyVaultReference(value)) return undefined;
  const variable = options.variable;
  const inner = REFERENCE.exec(value)?.[1];
  if (inner === undefined) throw malformed(problem.unclosed, variable);

  const parts = new Map<string, string>();
  for (const rawPart of inner.split(';')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed(problem.notKeyValue, variable);
    const rawKey = part.slice(0, eq).trim();
    const key = KNOWN_KEYS.get(rawKey.toLowerCase());
    if (!key) throw malformed(problem.unknownKey(rawKey), variable);
    if (parts.has(key)) throw malformed(problem.duplicateKey(key), variable);
    const partValue = part.slice(eq + 1).trim();
    if (partValue === '') throw malformed(problem.emptyKey(key), variable);
    parts.set(key, partValue);
  }

  if (parts.has('SecretUri')) {
    if (parts.size > 1) throw malformed(problem.uriCombined, variable);
    return parseSecretUri(parts.get('SecretUri')!, variable);
  }
  const vaultName = parts.get('VaultName');
  const secretName = parts.get('SecretName');
  if (!vaultName || !secretName) {
    throw malformed(problem.incomplete, variable);
  }
  if (!VAULT_NAME_PATTERN.test(vaultName)) throw malformed(problem.invalidVaultName, variable);
  if (!SECRET_NAME_PATTERN.test(secretName)) throw malformed(problem.invalidSecretName, variable);
  const version = parts.get('SecretVersion');
  if (version !== undefined && !VERSION_PATTERN.test(version))
    throw malformed(problem.invalidVersion, variable);
  const suffix = (options.vaultDnsSuffix ?? DEFAULT_VAULT_DNS_SUFFIX).replace(/^\./, '');
  const host = `${vaultName}.${suffix}`.toLowerCase();
  return { vaultUrl: `https://${host}`, vault: host, secretName, version, form: 'VaultName' };
}

function parseSecretUri(raw: string, variable: string | undefined): KeyVaultReference {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw malformed(problem.uriNotAUrl, variable);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw malformed(problem.uriNotHttps, variable);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw malformed(problem.uriWithQuery, variable);
  }
  const segments = url.pathname
    .split('/')
    .filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  if (segments.length < 2 || segments.length > 3 || segments[0]!.toLowerCase() !== 'secrets') {
    throw malformed(problem.uriNotASecret, variable);
  }
  let secretName: string;
  try {
    secretName = decodeURIComponent(segments[1]!);
  } catch {
    throw malformed(problem.uriUndecodableName, variable);
  }
  if (!SECRET_NAME_PATTERN.test(secretName)) {
    throw malformed(problem.uriInvalidName, variable);
  }
  const version = segments[2];
  if (version !== undefined && !VERSION_PATTERN.test(version))
    throw malformed(problem.uriInvalidVersion, variable);
  const vault = parseVaultUrl(`${url.protocol}//${url.host}`, variable ?? 'SecretUri');
  return { vaultUrl: vault.url, vault: vault.host, secretName, version, form: 'SecretUri' };
}

/** Every reference in `env`, in the environment's order. Throws INVALID_REFERENCE naming a malformed one. */
export function findReferences(
  env: Record<string, string | undefined>,
  vaultDnsSuffix: string = DEFAULT_VAULT_DNS_SUFFIX,
): EnvironmentReference[] {
  const found: EnvironmentReference[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || !isKeyVaultReference(value)) continue;
    let reference: KeyVaultReference | undefined;
    try {
      reference = parseKeyVaultReference(value, { vaultDnsSuffix, variable });
    } catch (error) {
      // parseVaultUrl names the option; re-raise as a reference error naming the variable.
      if (error instanceof KeyVaultConfigError && error.code !== KeyVaultConfigErrorCode.InvalidReference) {
        throw malformed(problem.uriInvalidVault, variable);
      }
      throw error;
    }
    if (reference) found.push({ variable, reference });
  }
  return found;
}

/** True when `env` holds at least one reference (used to allow a references-only load). */
export function hasReferences(env: Record<string, string | undefined>): boolean {
  return Object.values(env).some((value) => isKeyVaultReference(value));
}

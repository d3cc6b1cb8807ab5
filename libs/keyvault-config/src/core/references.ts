/**
 * `@Microsoft.KeyVault(...)` references in environment variables — App Service's syntax, resolved on any
 * host:
 *   @Microsoft.KeyVault(SecretUri=https://<vault>/secrets/<name>[/<version>][/])
 *   @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>])
 * Keys are case-insensitive, whitespace around the parts and a trailing `;` or `/` are tolerated.
 * Messages name the variable and what is wrong; they never repeat the variable's value.
 */
import { DEFAULT_VAULT_DNS_SUFFIX, SECRET_NAME_PATTERN } from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { isLoopbackHost, parseVaultUrl } from './options.js';

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
const VERSION_PATTERN = /^[0-9a-zA-Z]{1,64}$/;
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
  const subject = variable
    ? `Environment variable ${variable} holds a malformed Key Vault reference`
    : 'Malformed Key Vault reference';
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.InvalidReference,
    `${subject}: ${what}. Expected @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>]) or @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>]).`,
    { key: variable },
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
  if (inner === undefined) throw malformed('the closing parenthesis is missing', variable);

  const parts = new Map<string, string>();
  for (const rawPart of inner.split(';')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed('every part must be Key=Value', variable);
    const rawKey = part.slice(0, eq).trim();
    const key = KNOWN_KEYS.get(rawKey.toLowerCase());
    if (!key)
      throw malformed(
        `unknown key '${rawKey.slice(0, 40)}' (known: SecretUri, VaultName, SecretName, SecretVersion)`,
        variable,
      );
    if (parts.has(key)) throw malformed(`${key} is given twice`, variable);
    const partValue = part.slice(eq + 1).trim();
    if (partValue === '') throw malformed(`${key} is empty`, variable);
    parts.set(key, partValue);
  }

  if (parts.has('SecretUri')) {
    if (parts.size > 1)
      throw malformed('SecretUri cannot be combined with VaultName, SecretName or SecretVersion', variable);
    return parseSecretUri(parts.get('SecretUri')!, variable);
  }
  const vaultName = parts.get('VaultName');
  const secretName = parts.get('SecretName');
  if (!vaultName || !secretName) {
    throw malformed('give either SecretUri, or both VaultName and SecretName', variable);
  }
  if (!VAULT_NAME_PATTERN.test(vaultName))
    throw malformed('VaultName is not a vault name (letters, digits and -)', variable);
  if (!SECRET_NAME_PATTERN.test(secretName)) {
    throw malformed(
      "SecretName is not a valid secret name (1–127 characters of 0-9, a-z, A-Z and '-')",
      variable,
    );
  }
  const version = parts.get('SecretVersion');
  if (version !== undefined && !VERSION_PATTERN.test(version))
    throw malformed('SecretVersion is not a secret version', variable);
  const suffix = (options.vaultDnsSuffix ?? DEFAULT_VAULT_DNS_SUFFIX).replace(/^\./, '');
  const host = `${vaultName}.${suffix}`.toLowerCase();
  return { vaultUrl: `https://${host}`, vault: host, secretName, version, form: 'VaultName' };
}

function parseSecretUri(raw: string, variable: string | undefined): KeyVaultReference {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw malformed('SecretUri is not a URL', variable);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw malformed('SecretUri must use https:// (http:// only for loopback hosts)', variable);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw malformed('SecretUri must not have a query, fragment or credentials', variable);
  }
  const segments = url.pathname
    .split('/')
    .filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  if (segments.length < 2 || segments.length > 3 || segments[0]!.toLowerCase() !== 'secrets') {
    throw malformed('SecretUri must look like https://<vault>/secrets/<name>[/<version>]', variable);
  }
  let secretName: string;
  try {
    secretName = decodeURIComponent(segments[1]!);
  } catch {
    throw malformed('the secret name in SecretUri is not valid', variable);
  }
  if (!SECRET_NAME_PATTERN.test(secretName)) {
    throw malformed(
      "the secret name in SecretUri is not valid (1–127 characters of 0-9, a-z, A-Z and '-')",
      variable,
    );
  }
  const version = segments[2];
  if (version !== undefined && !VERSION_PATTERN.test(version))
    throw malformed('the version in SecretUri is not valid', variable);
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
        throw malformed('the vault in SecretUri is not a valid vault URL', variable);
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

/**
 * Messages of invalid options (INVALID_OPTIONS). The option's value appears only through
 * {@link describeValue}: its type, or a short string — options are configuration, not secrets, but a
 * secret pasted into the wrong option must not be printed back whole.
 */
import { formatDuration } from '../duration.js';
import { azKeyVaultShow } from './az-commands.js';

/** Strings longer than this are shown by their length only. */
const MAX_SHOWN_LENGTH = 40;

/** Type and short form of an option's value: `'abc'`, `42`, `a 64-character string`, `an array`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > MAX_SHOWN_LENGTH ? `a ${value.length}-character string` : `'${value}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** `Invalid option \`concurrency\`: <problem>` — every problem below goes through this. */
export function invalidOption(option: string, problem: string): string {
  return `Invalid option \`${option}\`: ${problem}`;
}

/** Problems, each a phrase ending in a full stop, passed to {@link invalidOption}. */
export const optionProblem = {
  missingVaultUrl: (): string => 'expected a URL such as https://my-vault.vault.azure.net.',
  /**
   * Only the scheme and host are shown (or the length when there is no scheme): what failed to parse may
   * be a pasted connection string or a URL carrying a signature.
   */
  notAUrl: (schemeAndHost: string | undefined, length: number): string =>
    `${schemeAndHost === undefined ? `a string of ${length} characters` : `'${schemeAndHost}…'`} is not a valid URL; expected https://<vault-name>.vault.azure.net (see \`${azKeyVaultShow('<vault>', 'properties.vaultUri')}\`).`,
  urlWithCredentials: (): string => 'the URL must not contain a user name or password.',
  httpNotLoopback: (host: string): string =>
    `http:// is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost), not for ${host}; use https://${host}.`,
  notHttps: (protocol: string, host: string): string =>
    `the URL must use https:// (got ${protocol}//${host}).`,
  urlWithPath: (host: string): string =>
    `expected the vault's base URL without a path or query (https://${host}), not a secret URL.`,
  notAnIntegerIn: (range: { min: number; max: number }, value: unknown): string =>
    `expected an integer from ${range.min} to ${range.max}, got ${describeValue(value)}.`,
  notABoolean: (value: unknown): string => `expected true or false, got ${describeValue(value)}.`,
  notOneOf: (allowed: readonly string[], value: unknown): string =>
    `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}.`,
  notAFunction: (value: unknown): string => `expected a function, got ${describeValue(value)}.`,
  notAnObject: (value: unknown): string => `expected an object, got ${describeValue(value)}.`,
  notAnArray: (value: unknown): string => `expected an array, got ${describeValue(value)}.`,
  invalidSecretName: (value: unknown): string =>
    `${describeValue(value)} is not a valid secret name (1–127 characters of 0-9, a-z, A-Z and '-').`,
  invalidKey: (value: unknown): string =>
    `${describeValue(value)} is not a valid key (a dot path such as 'Database.Password').`,
  invalidDescriptor: (value: unknown): string =>
    `expected a secret name or { name, key?, version?, optional? }, got ${describeValue(value)}.`,
  invalidVersion: (value: unknown): string => `${describeValue(value)} is not a valid secret version.`,
  invalidSecrets: (value: unknown): string =>
    `expected an array of names/descriptors or a { key: name } record, got ${describeValue(value)}.`,
  noVault: (variable: string): string =>
    `no vault given: set the ${variable} environment variable or the vaultUrl option (e.g. https://my-vault.vault.azure.net).`,
  vaultEntryWithoutUrl: (): string =>
    'each entry of `vaults` needs its vaultUrl (e.g. https://my-vault.vault.azure.net).',
  invalidPrefix: (value: unknown): string =>
    `${describeValue(value)} is not a valid secret name prefix (0-9, a-z, A-Z, '-').`,
  /** Names are shown: a secret's name is not secret (and must match the pattern to get here). */
  duplicateSecretName: (name: string, firstOption: string): string =>
    `secret '${name}' is already named by \`${firstOption}\` (Key Vault secret names are case-insensitive); name each secret once (another version of it may be named with its \`version\`).`,
  explicitWithSelection: (): string =>
    '`prefix` and `filter` select secrets from the list and cannot be combined with explicit `secrets`; choose keys with the record form ({ key: name }) instead.',
  vaultsWithVaultUrl: (): string =>
    '`vaults` and `vaultUrl` cannot both be set: put the first vault into `vaults`.',
  secretsWithVaults: (): string => 'with `vaults`, give `secrets` per vault (vaults[i].secrets).',
  invalidVaultEntry: (value: unknown): string => `expected { vaultUrl, … }, got ${describeValue(value)}.`,
  invalidDnsSuffix: (value: unknown): string =>
    `${describeValue(value)} is not a DNS suffix such as 'vault.azure.net' or 'vault.azure.cn'.`,
  notACredential: (): string => 'expected a TokenCredential (an object with getToken()).',
  invalidManagedIdentityClientId: (): string =>
    'expected the client id (a GUID) of a user-assigned managed identity.',
  notAStandardSchema: (): string => 'expected a Standard Schema (Zod 3.24+, Valibot 1, ArkType, Joi 18, …).',
  invalidClientOptions: (value: unknown): string =>
    `expected SecretClientOptions, got ${describeValue(value)}.`,
  notADuration: (value: unknown): string =>
    `${describeValue(value)} is not a duration: give milliseconds (300000) or a string such as '30s', '5m', '1h' or '1h30m'.`,
  durationOutOfRange: (value: unknown, ms: number, range: { min: number; max: number }): string =>
    `${describeValue(value)} is ${ms < range.min ? `shorter than ${formatDuration(range.min)}` : `longer than ${formatDuration(range.max)}`}; allowed: ${formatDuration(range.min)} to ${formatDuration(range.max)} (omit it to refresh only on demand).`,
  invalidHealthFailureThreshold: (value: unknown): string =>
    `expected a positive integer (consecutive failed refreshes before health is down), got ${describeValue(value)}.`,
  exposeWithoutResolving: (): string =>
    'exposeReferencesInEnv needs resolveReferences: with resolveReferences: false no reference is resolved, so nothing would reach process.env.',
  invalidLogger: (): string =>
    "expected an object with log(), warn() and error() (Nest's Logger or console fit).",
} as const;

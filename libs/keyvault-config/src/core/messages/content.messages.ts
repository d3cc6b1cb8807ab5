/**
 * Messages about what the vault or the environment holds: JSON content, key collisions,
 * `@Microsoft.KeyVault(...)` references and `validationSchema` failures. They name secrets, keys,
 * variables and hosts; the content itself is never a parameter.
 */
import { azSecretSet } from './az-commands.js';

/** A secret (or, with an empty `vault`, an environment variable) bound for a key. */
export interface KeySource {
  /** Dot path. */
  key: string;
  /** Secret name, or the variable's name for an environment value. */
  secretName: string;
  /** Vault host; empty for an environment value. */
  vault: string;
}

function sourceOf(entry: KeySource): string {
  return entry.vault
    ? `secret '${entry.secretName}' (${entry.vault})`
    : `environment variable ${entry.secretName}`;
}

/** An `application/json` secret whose value does not parse. */
export function invalidJsonContent(p: { secretName: string; vault: string; vaultName: string }): string {
  return `Secret '${p.secretName}' in ${p.vault} has content type application/json but its value is not valid JSON (the value is not shown). Fix the value (\`${azSecretSet(p.vaultName, p.secretName, 'value.json', 'application/json')}\`), change its content type, or set \`parseJson: false\` to load JSON secrets as strings.`;
}

/** Two sources of one vault (or of the environment) on the same key. */
export function sameKeyCollision(a: KeySource, b: KeySource): string {
  return `Key collision: ${sourceOf(a)} and ${sourceOf(b)} both map to key '${a.key}'. Rename one of them, or map them apart with \`keyMapper\` or explicit keys (\`secrets: { 'Other.Key': '${b.secretName}' }\`).`;
}

/** A value on a key that another source needs to be an object. */
export function pathCollision(parent: KeySource, child: KeySource): string {
  return `Key collision: ${sourceOf(parent)} sets key '${parent.key}' to a value, while ${sourceOf(child)} needs '${parent.key}' to be an object (key '${child.key}'). Rename one of them, or map them apart with \`keyMapper\` or explicit keys.`;
}

/**
 * A malformed reference. `problem` is one of {@link referenceProblem}; the variable's value is never
 * repeated (it may be a secret pasted where a reference was expected).
 */
export function malformedReference(problem: string, variable?: string): string {
  const subject = variable
    ? `Environment variable ${variable} holds a malformed Key Vault reference`
    : 'Malformed Key Vault reference';
  return `${subject}: ${problem}. Expected @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>]) or @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>]).`;
}

/** What is wrong with a reference, for {@link malformedReference} (no full stop: it adds one). */
export const referenceProblem = {
  unclosed: 'the closing parenthesis is missing',
  notKeyValue: 'every part must be Key=Value',
  /** The part's key is shown cut to 40 characters: it is the text before `=`, not the value after it. */
  unknownKey: (key: string): string =>
    `unknown key '${key.slice(0, 40)}' (known: SecretUri, VaultName, SecretName, SecretVersion)`,
  duplicateKey: (key: string): string => `${key} is given twice`,
  emptyKey: (key: string): string => `${key} is empty`,
  uriCombined: 'SecretUri cannot be combined with VaultName, SecretName or SecretVersion',
  incomplete: 'give either SecretUri, or both VaultName and SecretName',
  invalidVaultName: 'VaultName is not a vault name (letters, digits and -)',
  invalidSecretName: "SecretName is not a valid secret name (1–127 characters of 0-9, a-z, A-Z and '-')",
  invalidVersion: 'SecretVersion is not a secret version',
  uriNotAUrl: 'SecretUri is not a URL',
  uriNotHttps: 'SecretUri must use https:// (http:// only for loopback hosts)',
  uriWithQuery: 'SecretUri must not have a query, fragment or credentials',
  uriNotASecret: 'SecretUri must look like https://<vault>/secrets/<name>[/<version>]',
  uriUndecodableName: 'the secret name in SecretUri is not valid',
  uriInvalidName: "the secret name in SecretUri is not valid (1–127 characters of 0-9, a-z, A-Z and '-')",
  uriInvalidVersion: 'the version in SecretUri is not valid',
  uriInvalidVault: 'the vault in SecretUri is not a valid vault URL',
} as const;

/** What replaces a schema issue's message that would show a value. */
export const WITHHELD_ISSUE = 'invalid value (the message is withheld because it would show the value)';
/** An issue whose message was empty once its "received …" clause was cut. */
export const BARE_ISSUE = 'invalid value';

/** The schema threw instead of returning issues; only the error's class name is shown. */
export function schemaThrew(errorName: string | undefined): string {
  return `The validationSchema threw ${errorName ?? 'an error'} while validating the configuration; fix the schema (its message is not shown because it may contain a value).`;
}

/** The schema's issues, as `key: issue` pairs already cleared of values by the caller. */
export function validationFailed(issues: readonly { key: string; issue: string }[]): string {
  const lines = issues.map(({ key, issue }) => `${key}: ${issue}`);
  return `The configuration failed validationSchema (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${lines.join('; ')}. Set or fix these keys in the vault or the environment (values are not shown).`;
}

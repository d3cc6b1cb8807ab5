/**
 * Per-secret messages of a load: skipped, removed, expired or disabled secrets, and the user's
 * `filter` / `keyMapper` failing. They take secret names, keys, variables, hosts and reasons (the
 * stable `SkipReason` strings) — never a value.
 */
import { azSecretEnable } from './az-commands.js';

/** Where a secret came from, as the wording needs it (see `SecretSource` in secret-policy.ts). */
export type SecretOrigin = 'list' | 'explicit' | 'explicit-optional' | 'reference';

/** A secret in a message: for a reference, `key` is its environment variable. */
export interface SecretSubject {
  secretName: string;
  /** Vault host. */
  vault: string;
  key: string;
}

/** A missing secret skipped with a warning (`reason`: 'not found', 'deleted', 'disabled', …). */
export function missingSecretWarning(origin: SecretOrigin, s: SecretSubject, reason: string): string {
  if (origin === 'list') return `Secret '${s.secretName}' in ${s.vault} was ${reason}; skipped.`;
  if (origin === 'reference') {
    return `Environment variable ${s.key} refers to secret '${s.secretName}' in ${s.vault}, which is ${reason}; its value is removed from the configuration.`;
  }
  return `Secret '${s.secretName}' (key '${s.key}') in ${s.vault} is ${reason}; removed from the configuration.`;
}

/** An expired (or not yet valid) secret loaded anyway under `expiredSecrets: 'warn'`. */
export function expiredSecretWarning(origin: SecretOrigin, s: SecretSubject, expiry: string): string {
  if (origin === 'reference') {
    return `Environment variable ${s.key} refers to secret '${s.secretName}' in ${s.vault}, which is ${expiry}; loaded anyway.`;
  }
  return `Secret '${s.secretName}' in ${s.vault} is ${expiry}; loaded anyway (expiredSecrets: 'warn').`;
}

/** A required secret, or a reference's secret, is disabled. */
export function disabledSecret(origin: SecretOrigin, s: SecretSubject & { vaultName: string }): string {
  const enable = azSecretEnable(s.vaultName, s.secretName);
  if (origin === 'reference') {
    return `Environment variable ${s.key} refers to secret '${s.secretName}' in ${s.vault}, which is disabled. Enable it (\`${enable}\`) or fix the reference.`;
  }
  return `Secret '${s.secretName}' (key '${s.key}') in ${s.vault} is disabled. Enable it with \`${enable}\`, or mark it optional.`;
}

/** Why a reserved segment is refused, in one clause every reserved-name message shares. */
const RESERVED_BECAUSE = 'a key segment that could reach Object.prototype';

/** A secret whose key (default mapping or keyMapper) has a reserved segment. `segment` is one of the reserved words. */
export function reservedKeyWarning(secretName: string, vault: string, segment: string): string {
  return `Secret '${secretName}' in ${vault} maps to a key with the reserved segment '${segment}' (${RESERVED_BECAUSE}); skipped. Rename the secret, or give it another key with keyMapper.`;
}

/** A JSON secret with a reserved key inside (the key's path inside the secret is not named: it is content). */
export function reservedJsonKeyWarning(secretName: string, vault: string, segment: string): string {
  return `Secret '${secretName}' in ${vault} is JSON with the reserved key '${segment}' inside (${RESERVED_BECAUSE}); skipped. Remove that key from the secret, or load it as text (parseJson: false).`;
}

/** A reference in a variable whose name has a reserved segment (`__proto__`, `a__constructor`). */
export function reservedReferenceWarning(s: SecretSubject, segment: string): string {
  return `Environment variable ${s.key} refers to secret '${s.secretName}' in ${s.vault}, but its name has the reserved segment '${segment}' (${RESERVED_BECAUSE}); not resolved. Rename the variable.`;
}

/** A listed secret whose name has an empty segment under the default mapping. */
export function unmappableSecretWarning(secretName: string, vault: string): string {
  return `Secret '${secretName}' in ${vault} does not map to a configuration key (empty segment); skipped.`;
}

/** A required explicit secret whose key has a reserved segment: it could never be delivered. */
export function reservedExplicitSecret(secretName: string, segment: string): string {
  return `Invalid option \`secrets\`: '${secretName}' maps to a key with the reserved segment '${segment}' (${RESERVED_BECAUSE}), so it could never be loaded; give it another key ({ name: '${secretName}', key: 'Some.Key' }) or mark it optional.`;
}

/** An explicit secret whose name has an empty segment and no explicit key. */
export function unmappableExplicitSecret(secretName: string): string {
  return `Invalid option \`secrets\`: '${secretName}' does not map to a key (empty segment); give it a key ({ name: '${secretName}', key: 'Some.Key' }).`;
}

/** The user's `filter` threw (its error is kept as `cause`, not shown). */
export function filterThrew(secretName: string): string {
  return `Invalid option \`filter\`: it threw for secret '${secretName}'. Fix the function (it receives properties only, never values).`;
}

/** The user's `keyMapper` threw (its error is kept as `cause`, not shown). */
export function keyMapperThrew(secretName: string, vault: string): string {
  return `Invalid option \`keyMapper\`: it threw for secret '${secretName}' (${vault}). Fix the function; return undefined to skip a secret.`;
}

/**
 * The user's `keyMapper` returned something that is not a key. `returned` is the string it returned,
 * or the type of what it returned otherwise (it is given the name only, so it cannot return a value).
 */
export function keyMapperReturnedNonKey(secretName: string, vault: string, returned: unknown): string {
  const shown = typeof returned === 'string' ? `'${returned}'` : typeof returned;
  return `Invalid option \`keyMapper\`: for secret '${secretName}' (${vault}) it returned ${shown}, which is not a key (a dot path such as 'Database.Password', or undefined to skip).`;
}

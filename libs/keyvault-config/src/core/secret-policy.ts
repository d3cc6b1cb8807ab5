/**
 * What the options and the source of a secret say about it, as data the one fetch path reads: what a
 * 404 or a disabled secret means for each source at startup and during a refresh, when an expired secret
 * is skipped or only warned about, and the user's `filter`. The wording of those skips, warnings and
 * errors is here too, one small function each.
 */
import type { SecretProperties } from '@azure/keyvault-secrets';
import { SkipReason } from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode, vaultNameOf } from './errors.js';
import type { ExpiryPolicy, KeyVaultConfigLogger } from './interfaces.js';
import { reservedKeyIn, reservedSegmentOf, reservedSegmentOfVariable } from './key-mapping.js';
import { skip, type Slot } from './load-context.js';
import {
  disabledSecret,
  expiredSecretWarning,
  filterThrew,
  missingSecretWarning,
  reservedExplicitSecret,
  reservedJsonKeyWarning,
  reservedKeyWarning,
  reservedReferenceWarning,
  unmappableExplicitSecret,
  unmappableSecretWarning,
} from './messages/index.js';
import type { ReportSubject } from './report.js';

/** Where a fetched secret comes from: a listing, `secrets` (required or optional), or a reference. */
export type SecretSource = 'list' | 'explicit' | 'explicit-optional' | 'reference';

/**
 * What a 404 or a disabled secret means: it is skipped with a reason (after a warning when `warn`),
 * or the load fails.
 */
export type MissingOutcome = { skip: string; warn: boolean } | 'fail';

/** The outcomes of the two ways a secret can be missing. */
export interface MissingPolicy {
  notFound: MissingOutcome;
  disabled: MissingOutcome;
}

/** Listed a moment ago: gone by the time of the get is a race with a deletion, not an error. */
const VANISHED_SINCE_LIST: MissingPolicy = {
  notFound: { skip: SkipReason.DeletedSinceList, warn: true },
  disabled: { skip: SkipReason.DisabledSinceList, warn: true },
};
/** Revocation during a refresh: the key goes away (failing the cycle would keep serving the value). */
const REVOKED: MissingPolicy = {
  notFound: { skip: SkipReason.Deleted, warn: true },
  disabled: { skip: SkipReason.Disabled, warn: true },
};
const REQUIRED: MissingPolicy = { notFound: 'fail', disabled: 'fail' };
/** The user said the secret may be absent: a skip in the report, no warning. */
const OPTIONAL: MissingPolicy = {
  notFound: { skip: SkipReason.NotFound, warn: false },
  disabled: { skip: SkipReason.Disabled, warn: false },
};

/** What a missing secret means, by source, at startup and in a refresh cycle. */
export const MISSING_POLICIES: Readonly<
  Record<SecretSource, { readonly startup: MissingPolicy; readonly refresh: MissingPolicy }>
> = {
  list: { startup: VANISHED_SINCE_LIST, refresh: VANISHED_SINCE_LIST },
  'explicit-optional': { startup: OPTIONAL, refresh: OPTIONAL },
  explicit: { startup: REQUIRED, refresh: REVOKED },
  reference: { startup: REQUIRED, refresh: REVOKED },
};

/** The outcome for one missing secret. */
export function missingOutcome(
  source: SecretSource,
  refresh: boolean,
  missing: keyof MissingPolicy,
): MissingOutcome {
  const policy = MISSING_POLICIES[source];
  return (refresh ? policy.refresh : policy.startup)[missing];
}

/**
 * What `expiredSecrets` means for a secret of this source. A reference is the environment variable
 * itself: it is never skipped for expiry, only warned about.
 */
export function expiryAction(policy: ExpiryPolicy, source: SecretSource): ExpiryPolicy {
  return source === 'reference' && policy === 'skip' ? 'warn' : policy;
}

/** 'expired' / 'not yet valid', or undefined. */
export function expiryOf(properties: { expiresOn?: Date; notBefore?: Date }, now: Date): string | undefined {
  if (properties.expiresOn && properties.expiresOn.getTime() <= now.getTime()) return SkipReason.Expired;
  if (properties.notBefore && properties.notBefore.getTime() > now.getTime()) return SkipReason.NotYetValid;
  return undefined;
}

/** The user's `filter`; a throw fails the load naming the secret. */
export function runFilter(
  filter: (properties: SecretProperties) => boolean,
  properties: SecretProperties,
): boolean {
  try {
    return Boolean(filter(properties));
  } catch (error) {
    throw new KeyVaultConfigError(KeyVaultConfigErrorCode.InvalidOptions, filterThrew(properties.name), {
      key: 'filter',
      secretName: properties.name,
      cause: error,
    });
  }
}

// ------------------------------------------------------------------------------------------ wording

/** The warning of a skipped missing secret (`warn: true`); a reference's subject key is its variable. */
export function missingWarning(source: SecretSource, subject: ReportSubject, reason: string): string {
  return missingSecretWarning(source, subject, reason);
}

/** The warning of an expired (or not yet valid) secret loaded anyway. */
export function expiredWarning(source: SecretSource, subject: ReportSubject, expiry: string): string {
  return expiredSecretWarning(source, subject, expiry);
}

/** A required secret (or a reference's secret) is disabled. */
export function disabledError(source: SecretSource, subject: ReportSubject): KeyVaultConfigError {
  const { secretName, vault, key } = subject;
  const message = disabledSecret(source, { secretName, vault, key, vaultName: vaultNameOf(vault) });
  if (source === 'reference') {
    return new KeyVaultConfigError(KeyVaultConfigErrorCode.InvalidReference, message, {
      key,
      secretName,
      vault,
    });
  }
  return new KeyVaultConfigError(KeyVaultConfigErrorCode.SecretNotFound, message, {
    secretName,
    vault,
    key,
  });
}

/** A listed secret whose name has an empty segment under the default mapping. */
export function unmappableNameWarning(secretName: string, vault: string): string {
  return unmappableSecretWarning(secretName, vault);
}

/** An explicit secret whose name has an empty segment and no explicit key. */
export function unmappableExplicitError(secretName: string, vault: string): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.InvalidOptions,
    unmappableExplicitSecret(secretName),
    { key: 'secrets', secretName, vault },
  );
}

// ---------------------------------------------------------------------------------- reserved names

/** INVALID_OPTIONS: a required explicit secret whose key has a reserved segment (never fetched). */
export function reservedExplicitError(
  secretName: string,
  vault: string,
  segment: string,
): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.InvalidOptions,
    reservedExplicitSecret(secretName, segment),
    { key: 'secrets', secretName, vault },
  );
}

/**
 * Skips a secret whose key path has a reserved segment (SkipReason.ReservedName), after a warning naming
 * the secret and the segment; true when it did. Every source asks before it fetches or stores, so no
 * reserved segment reaches buildConfig.
 */
export function skippedAsReservedKey(
  logger: KeyVaultConfigLogger,
  slot: Slot,
  path: readonly string[],
): boolean {
  const segment = reservedSegmentOf(path);
  if (segment === undefined) return false;
  logger.warn(reservedKeyWarning(slot.subject.secretName, slot.subject.vault, segment));
  skip(slot, SkipReason.ReservedName);
  return true;
}

/** The same for a parsed JSON value with a reserved key at any depth (the key's path is not named). */
export function skippedAsReservedJson(logger: KeyVaultConfigLogger, slot: Slot, value: unknown): boolean {
  const segment = reservedKeyIn(value);
  if (segment === undefined) return false;
  logger.warn(reservedJsonKeyWarning(slot.subject.secretName, slot.subject.vault, segment));
  skip(slot, SkipReason.ReservedName);
  return true;
}

/** The same for a reference, whose key is its variable (`__proto__`, `a__constructor`, `a.prototype`). */
export function skippedAsReservedVariable(logger: KeyVaultConfigLogger, slot: Slot): boolean {
  const segment = reservedSegmentOfVariable(slot.subject.key);
  if (segment === undefined) return false;
  logger.warn(reservedReferenceWarning(slot.subject, segment));
  skip(slot, SkipReason.ReservedName);
  return true;
}

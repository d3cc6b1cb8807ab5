/**
 * Refresh reuse: which listed secrets a refresh cycle need not fetch again. A cycle remembers every
 * listed secret it fetched (value and properties, by {@link fetchedKey}); the next cycle reuses one
 * whose listing says it is still that version ({@link unchangedSince}), so an unchanged vault costs
 * only its list pages.
 */
import type { KeyVaultSecret, SecretProperties } from '@azure/keyvault-secrets';
import { REFRESH_CLOCK_SKEW_ALLOWANCE_MS } from './constants.js';

/** A listed secret as fetched (value and properties), and when the get started (ms, local clock). */
export interface RememberedSecret {
  secret: KeyVaultSecret;
  fetchedAt: number;
}

/** Key of a listed secret among the remembered ones: vault host and name (Key Vault names ignore case). */
export function fetchedKey(host: string, name: string): string {
  return `${host}|${name.toLowerCase()}`;
}

/**
 * True when a remembered secret is still the latest version. A listing carries no version — only the
 * latest version's attributes, with timestamps in whole seconds — so the remembered one must have the
 * same updatedOn, createdOn and content type, AND have been fetched at least a second (plus a clock
 * skew allowance) after that updatedOn: otherwise a version created later within the same second would
 * look identical, and its rotation would go unnoticed for good. Such a recent secret is simply fetched
 * again by the next cycle.
 */
export function unchangedSince(known: RememberedSecret, listed: SecretProperties): boolean {
  const properties = known.secret.properties;
  const updated = listed.updatedOn?.getTime();
  return (
    updated !== undefined &&
    properties.updatedOn?.getTime() === updated &&
    properties.createdOn?.getTime() === listed.createdOn?.getTime() &&
    properties.contentType === listed.contentType &&
    known.fetchedAt >= updated + 1_000 + REFRESH_CLOCK_SKEW_ALLOWANCE_MS
  );
}

/** The remembered secret a listing can reuse instead of a get, or undefined (fetch it). */
export function reusable(
  previous: ReadonlyMap<string, RememberedSecret> | undefined,
  host: string,
  listed: SecretProperties,
): RememberedSecret | undefined {
  const known = previous?.get(fetchedKey(host, listed.name));
  return known && unchangedSince(known, listed) ? known : undefined;
}

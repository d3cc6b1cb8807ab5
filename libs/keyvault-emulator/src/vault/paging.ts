import { DEFAULT_MAX_RESULTS, MAX_RESULTS_LIMIT } from '../constants.js';
import { VaultErrors } from './vault.errors.js';

/** One page of a listing and the key the next one starts at. */
export interface Page<T> {
  items: T[];
  /** Key of the first item of the next page, undefined on the last page. */
  nextKey?: string;
}

/** Validates `maxresults` (1–25, default 25) like Key Vault: anything else is a 400. */
export function parseMaxResults(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_MAX_RESULTS;
  if (!/^\d+$/.test(raw.trim())) throw VaultErrors.invalidMaxResults(raw);
  const value = Number(raw.trim());
  if (value < 1 || value > MAX_RESULTS_LIMIT) throw VaultErrors.invalidMaxResults(raw);
  return value;
}

/** Key Vault's timestamp field of a marker (the recorded markers all carry this one). */
const MARKER_TIME = '9999-12-31T23:59:59.9999999Z';

const lengthPrefixed = (text: string): string => `${String(text.length).padStart(6, '0')}!${text}!`;

/**
 * Encodes a continuation as Key Vault does: base64 of `{"NextMarker":"2!<n>!<m>","TargetLocation":0}`,
 * where `<m>` is base64 (`=` written `-`) of `000017!secret/SOMESECRET!000028!9999-12-31T…Z!` — the
 * **key of the next item**, not an offset (docs/emulator.md cites a recorded nextLink). Paging from a
 * key stays correct while secrets are added or deleted between pages. The outer token is base64url so
 * nextLinks need no percent-encoding; clients copy the whole nextLink anyway.
 */
export function encodeSkipToken(nextKey: string): string {
  const marker = Buffer.from(lengthPrefixed(`secret/${nextKey}`) + lengthPrefixed(MARKER_TIME), 'utf8')
    .toString('base64')
    .replace(/=/g, '-');
  const token = { NextMarker: `2!${marker.length}!${marker}`, TargetLocation: 0 };
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

const fromBase64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/** Decodes a `$skiptoken` into the key the page starts at (undefined → start). Unreadable → 400. */
export function decodeSkipToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed = JSON.parse(fromBase64(token.replace(/ /g, '+'))) as { NextMarker?: unknown };
    const outer = typeof parsed.NextMarker === 'string' ? /^2!\d+!(.+)$/.exec(parsed.NextMarker) : null;
    const inner = outer ? /^\d{6}!secret\/(.+?)!\d{6}!/.exec(fromBase64(outer[1].replace(/-/g, '='))) : null;
    if (!inner) throw new Error('bad marker');
    return inner[1];
  } catch {
    throw VaultErrors.invalidSkipToken();
  }
}

/**
 * One page of a listing ordered by `keyOf` (upper-case keys, as Key Vault's markers spell them): the
 * items from the first whose key is at or after `startKey`.
 */
export function paginate<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  startKey: string | undefined,
  maxResults: number,
): Page<T> {
  const start = startKey === undefined ? 0 : all.findIndex((item) => keyOf(item) >= startKey);
  if (start === -1) return { items: [] };
  const items = all.slice(start, start + maxResults);
  const next = all[start + maxResults];
  return next === undefined ? { items } : { items, nextKey: keyOf(next) };
}

/**
 * Builds an absolute nextLink like Key Vault's:
 * `https://<host>/<path>?api-version=…&$skiptoken=…&maxresults=…` (the page size carries over).
 */
export function buildNextLink(
  baseUrl: string,
  path: string,
  apiVersion: string,
  nextKey: string,
  maxResults: number,
): string {
  return `${baseUrl}${path}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeSkipToken(nextKey)}&maxresults=${maxResults}`;
}

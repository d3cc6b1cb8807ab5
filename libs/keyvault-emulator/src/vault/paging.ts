import { DEFAULT_MAX_RESULTS, MAX_RESULTS_LIMIT } from '../constants.js';
import { VaultErrors } from './vault.errors.js';

/** One page of a listing and the continuation for the next one. */
export interface Page<T> {
  items: T[];
  /** Offset of the next page, undefined on the last page. */
  nextOffset?: number;
}

/** Validates `maxresults` (1–25, default 25) like Key Vault: anything else is a 400. */
export function parseMaxResults(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_MAX_RESULTS;
  if (!/^\d+$/.test(raw.trim())) throw VaultErrors.invalidMaxResults(raw);
  const value = Number(raw.trim());
  if (value < 1 || value > MAX_RESULTS_LIMIT) throw VaultErrors.invalidMaxResults(raw);
  return value;
}

/**
 * Encodes a continuation as Key Vault does: base64 of `{"NextMarker":…,"TargetLocation":0}`. The
 * marker is opaque to clients, which copy the whole nextLink; base64url keeps it free of characters
 * that would need percent-encoding.
 */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ NextMarker: `2!${offset}`, TargetLocation: 0 }), 'utf8').toString(
    'base64url',
  );
}

/** Decodes a `$skiptoken` (undefined → start). Anything unreadable is a 400. */
export function decodeSkipToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token.replace(/ /g, '+'), 'base64').toString('utf8')) as {
      NextMarker?: unknown;
    };
    const match = typeof parsed.NextMarker === 'string' ? /^2!(\d+)$/.exec(parsed.NextMarker) : null;
    if (!match) throw new Error('bad marker');
    return Number(match[1]);
  } catch {
    throw VaultErrors.invalidSkipToken();
  }
}

/** Slices a full (already ordered) listing into one page. */
export function paginate<T>(all: readonly T[], offset: number, maxResults: number): Page<T> {
  const items = all.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return next < all.length ? { items, nextOffset: next } : { items };
}

/**
 * Builds an absolute nextLink like Key Vault's:
 * `https://<host>/<path>?api-version=…&$skiptoken=…&maxresults=…` (the page size carries over).
 */
export function buildNextLink(
  baseUrl: string,
  path: string,
  apiVersion: string,
  offset: number,
  maxResults: number,
): string {
  return `${baseUrl}${path}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeSkipToken(offset)}&maxresults=${maxResults}`;
}

import { PREVIEW_API_VERSIONS, STABLE_API_VERSIONS } from '../constants.js';
import { VaultErrors } from './vault.errors.js';

/**
 * Parses a raw query string the way Key Vault's front end does: keys and values are percent-decoded
 * (the JS SDK sends `api%2Dversion`), `+` means space, keys compare case-insensitively (lower-cased
 * here) and the first occurrence of a key wins.
 */
export function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    const key = safeDecode(rawKey).toLowerCase();
    if (!query.has(key)) query.set(key, safeDecode(rawValue));
  }
  return query;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** True for an api-version the emulated secrets data plane answers. */
export function isSupportedApiVersion(version: string): boolean {
  if (STABLE_API_VERSIONS.includes(version) || PREVIEW_API_VERSIONS.includes(version)) return true;
  // Every 7.6 preview (7.6-preview.1, 7.6-preview.2, …) shipped the same secrets surface.
  return /^7\.6-preview\.\d+$/.test(version);
}

/**
 * Returns the request's api-version or throws Key Vault's 400 BadParameter: missing, empty or not
 * recognized.
 */
export function requireApiVersion(query: Map<string, string>): string {
  const version = query.get('api-version');
  if (version === undefined || version.trim() === '') throw VaultErrors.apiVersionMissing();
  if (!isSupportedApiVersion(version)) throw VaultErrors.apiVersionUnknown(version);
  return version;
}

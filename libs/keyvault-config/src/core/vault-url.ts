/**
 * Vault URLs: validation, normalization to an origin, and the loopback test that decides where http
 * and a foreign challenge resource are allowed.
 */
import { invalid } from './option-checks.js';
import { optionProblem } from './messages/index.js';

/** A vault URL after validation. */
export interface ParsedVaultUrl {
  /** Normalized origin, e.g. `https://my-vault.vault.azure.net` (no trailing slash). */
  url: string;
  /** Host with port, e.g. `127.0.0.1:8443` — what reports and messages show. */
  host: string;
  /** 127.0.0.0/8, ::1 or localhost: http allowed, challenge-resource verification off. */
  loopback: boolean;
}

/** True for 127.0.0.0/8, ::1 and `localhost` (the only hosts where http and a foreign challenge are allowed). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4[1] === '127' && v4.slice(1).every((part) => Number(part) <= 255);
}

/**
 * Validates a vault URL: https (http only for loopback hosts), no path beyond `/`, no query, no
 * credentials. Returns the normalized origin.
 */
export function parseVaultUrl(raw: unknown, option = 'vaultUrl'): ParsedVaultUrl {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw invalid(option, optionProblem.missingVaultUrl());
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(option, optionProblem.notAUrl(schemeAndHostOf(raw.trim()), raw.trim().length));
  }
  if (url.username || url.password) {
    throw invalid(option, optionProblem.urlWithCredentials());
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!loopback) {
      throw invalid(option, optionProblem.httpNotLoopback(url.host));
    }
  } else if (url.protocol !== 'https:') {
    throw invalid(option, optionProblem.notHttps(url.protocol, url.host));
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw invalid(option, optionProblem.urlWithPath(url.host));
  }
  return { url: `${url.protocol}//${url.host}`, host: url.host, loopback };
}

/** `scheme://host` of a string that did not parse as a URL (user info dropped), if it has a scheme. */
function schemeAndHostOf(raw: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/?#]*@)?([^/?#;@]*)/i.exec(raw);
  return match ? `${match[1]}${match[2]}` : undefined;
}

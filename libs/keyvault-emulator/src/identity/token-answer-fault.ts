import type { TokenFaultBody } from '../emulator.interfaces.js';

/** The expiry fields a token answer may carry (App Service, IMDS, legacy MSI, Entra ID v1 and v2). */
const EXPIRY_FIELDS = ['expires_in', 'expires_on', 'ext_expires_in', 'refresh_in'] as const;

/** What a `badExpiry` fault writes in each expiry field: neither a number nor a date. */
export const GARBAGE_EXPIRY = 'soon';

/**
 * A `200` token answer as a token fault mangles it (docs/emulator.md, "Fault injection"): without
 * `access_token` (`noAccessToken`), without its expiry fields (`noExpiry`), or with each expiry field it
 * has set to {@link GARBAGE_EXPIRY} (`badExpiry`). Any other answer (an error) is returned as it is, so a
 * client sees the failure it would have seen anyway.
 */
export function mangleTokenAnswer(
  status: number,
  body: Record<string, unknown>,
  fault: TokenFaultBody,
): Record<string, unknown> {
  if (status !== 200 || typeof body.access_token !== 'string') return body;
  const mangled = { ...body };
  if (fault === 'noAccessToken') {
    delete mangled.access_token;
    return mangled;
  }
  for (const field of EXPIRY_FIELDS) {
    if (!(field in mangled)) continue;
    if (fault === 'noExpiry') delete mangled[field];
    else mangled[field] = GARBAGE_EXPIRY;
  }
  return mangled;
}

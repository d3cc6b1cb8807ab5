/**
 * Who a token is for, read from its claims — so logs, the report and error messages can name the identity
 * without ever keeping or printing the token itself.
 */

/** The identity claims the library reports. Every field is an identifier, never a credential. */
export interface TokenIdentityClaims {
  /** `oid`: object (principal) id of the identity. */
  objectId?: string;
  /** `appid` (v1 tokens) or `azp` (v2 tokens): application (client) id. */
  clientId?: string;
  /** `tid`: tenant id. */
  tenantId?: string;
}

/**
 * Claim values we accept for logging: GUIDs and similar identifiers. Anything else (whitespace, control
 * characters, very long strings) is dropped, so a crafted token cannot inject text into a log line.
 */
const IDENTIFIER_PATTERN = /^[\w.@:-]{1,128}$/;

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && IDENTIFIER_PATTERN.test(value) ? value : undefined;
}

/**
 * Decodes the payload of a JWT access token (base64url JSON, the middle of three dot-separated parts) and
 * returns `oid`, `appid`/`azp` and `tid`. The signature is not verified: the token came from the
 * credential and is only read to say who we are, never to make a security decision.
 *
 * Returns `undefined` for anything that is not a readable JWT (opaque tokens, garbage, missing parts) — it
 * never throws. Only the three identifiers leave this function; the token and its other claims do not.
 */
export function decodeTokenClaims(token: string | undefined | null): TokenIdentityClaims | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  // A JWS has exactly three parts; an encrypted JWE (five) has no readable payload.
  if (parts.length !== 3 || parts[1] === '' || !/^[\w-]+={0,2}$/.test(parts[1])) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const claims = payload as Record<string, unknown>;
  const result: TokenIdentityClaims = {
    objectId: identifier(claims.oid),
    clientId: identifier(claims.appid) ?? identifier(claims.azp),
    tenantId: identifier(claims.tid),
  };
  if (result.objectId === undefined && result.clientId === undefined && result.tenantId === undefined) {
    return undefined;
  }
  return result;
}

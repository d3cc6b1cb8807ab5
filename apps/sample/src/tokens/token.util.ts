import { createHmac } from 'node:crypto';
import { constantTimeEquals } from '../common/constant-time.util.js';
import type { TokenClaims } from './token.interfaces.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function sign(payloadPart: string, key: string): string {
  return createHmac('sha256', key).update(payloadPart, 'ascii').digest('base64url');
}

/**
 * Signs claims into a compact token: `base64url(JSON claims).base64url(HMAC-SHA256(key, first part))`.
 * A deliberately small format (JWT without a header, since the algorithm is fixed) so the sample shows
 * a vault secret doing real work without pulling in a JWT library.
 */
export function signToken(claims: TokenClaims, key: string): string {
  const payloadPart = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payloadPart}.${sign(payloadPart, key)}`;
}

/**
 * Returns the claims of a token signed with `key` that has not expired at `nowSeconds`, or `undefined`
 * for anything else (malformed, wrong signature, expired). The signature is checked, in constant time,
 * before the payload is parsed.
 */
export function verifyToken(token: string, key: string, nowSeconds: number): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) return undefined;
  const [payloadPart, signature] = parts;
  if (!constantTimeEquals(signature, sign(payloadPart, key))) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isClaims(claims) || claims.exp <= nowSeconds || claims.iat > claims.exp) return undefined;
  return claims;
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const { sub, iat, exp } = value as Record<string, unknown>;
  return typeof sub === 'string' && Number.isInteger(iat) && Number.isInteger(exp);
}

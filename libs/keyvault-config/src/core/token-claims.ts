/**
 * Who a token is for, read from its claims — so logs, the report and error messages can name the identity
 * without ever keeping or printing the token itself — and what kind of principal it is, which is what
 * lets credential-attribution.ts tell a managed identity from a user or a service principal using public
 * data only (the token the SDK handed us), instead of looking inside DefaultAzureCredential.
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
 * What kind of principal a token was issued to:
 * - `managedIdentity`: Entra ID adds `xms_mirid` (the identity's ARM resource id) to managed identity tokens;
 * - `user`: delegated tokens carry `idtyp: user`, or a `scp`/`upn` claim (app-only tokens never do);
 * - `servicePrincipal`: `idtyp: app` without `xms_mirid` (a client secret, certificate or federated app).
 */
export type TokenIdentityKind = 'managedIdentity' | 'user' | 'servicePrincipal';

/**
 * Claim values we accept for logging: GUIDs and similar identifiers. Anything else (whitespace, control
 * characters, very long strings) is dropped, so a crafted token cannot inject text into a log line.
 */
const IDENTIFIER_PATTERN = /^[\w.@:-]{1,128}$/;

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && IDENTIFIER_PATTERN.test(value) ? value : undefined;
}

const present = (value: unknown): boolean => typeof value === 'string' && value !== '';

/**
 * The payload of a JWT access token (base64url JSON, the middle of three dot-separated parts), or
 * `undefined` for anything that is not a readable JWT. The signature is not verified: the token came from
 * the credential and is only read to say who we are, never to make a security decision.
 */
function payloadOf(token: string | undefined | null): Record<string, unknown> | undefined {
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
  return payload as Record<string, unknown>;
}

/**
 * `oid`, `appid`/`azp` and `tid` of a JWT access token. Returns `undefined` for anything that is not a
 * readable JWT (opaque tokens, garbage, missing parts) — it never throws. Only the three identifiers leave
 * this function; the token and its other claims do not.
 */
export function decodeTokenClaims(token: string | undefined | null): TokenIdentityClaims | undefined {
  const claims = payloadOf(token);
  if (claims === undefined) return undefined;
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

/** The kind of principal a token was issued to (see {@link TokenIdentityKind}); `undefined` when it does not say. */
export function tokenIdentityKind(token: string | undefined | null): TokenIdentityKind | undefined {
  const claims = payloadOf(token);
  if (claims === undefined) return undefined;
  if (present(claims.xms_mirid)) return 'managedIdentity';
  if (claims.idtyp === 'user' || present(claims.scp) || present(claims.upn)) return 'user';
  if (claims.idtyp === 'app') return 'servicePrincipal';
  return undefined;
}

/**
 * `aud` of a JWT access token — the resource it is for (`https://vault.azure.net`, or Key Vault's
 * application id) — when it is a short identifier; `undefined` otherwise. Never throws.
 */
export function tokenAudience(token: string | undefined | null): string | undefined {
  const aud = payloadOf(token)?.aud;
  return typeof aud === 'string' && /^[\w.:/@-]{1,256}$/.test(aud) ? aud : undefined;
}

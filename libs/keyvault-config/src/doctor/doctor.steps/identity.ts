/**
 * Who a token is for and what it is for — from its claims, never keeping the token: oid, appid, tid
 * (the library's own claim reading), plus the audience and the kind of identity (managed identity,
 * user, service principal) the doctor reports.
 */
import { decodeTokenClaims } from '../../core/token-claims.js';
import type { DoctorIdentityKind } from '../doctor.interfaces.js';

/** The identity fields of a token. */
export interface TokenIdentity {
  oid?: string;
  appid?: string;
  tid?: string;
  kind: DoctorIdentityKind;
  audience?: string;
}

const IDENTIFIER = /^[\w.:/@-]{1,256}$/;

/** `aud`, `idtyp` and whether `xms_mirid` is present — short identifiers only, or nothing. */
function extraClaims(token: string): { aud?: string; idtyp?: string; managed: boolean } {
  const payload = token.split('.')[1];
  if (!payload) return { managed: false };
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const text = (value: unknown): string | undefined =>
      typeof value === 'string' && IDENTIFIER.test(value) ? value : undefined;
    return {
      aud: text(claims.aud),
      idtyp: text(claims.idtyp),
      managed: typeof claims.xms_mirid === 'string',
    };
  } catch {
    return { managed: false };
  }
}

/** The kind from the claims; the credential that got the token decides when the claims do not say. */
function kindOf(extra: ReturnType<typeof extraClaims>, credentialName: string): DoctorIdentityKind {
  if (extra.managed) return 'managed identity';
  if (extra.idtyp === 'user') return 'user';
  if (extra.idtyp === 'app') return 'service principal';
  if (/^(ManagedIdentity|WorkloadIdentity)Credential$/.test(credentialName)) return 'managed identity';
  if (credentialName === 'EnvironmentCredential') return 'service principal';
  if (/Cli|PowerShell|VisualStudioCode|Broker/.test(credentialName)) return 'user';
  return 'unknown';
}

/** The identity of `token`, which `credentialName` returned. */
export function identityOf(token: string, credentialName: string): TokenIdentity {
  const claims = decodeTokenClaims(token);
  const extra = extraClaims(token);
  const identity: TokenIdentity = { kind: kindOf(extra, credentialName) };
  if (claims?.objectId) identity.oid = claims.objectId;
  if (claims?.clientId) identity.appid = claims.clientId;
  if (claims?.tenantId) identity.tid = claims.tenantId;
  if (extra.aud) identity.audience = extra.aud;
  return identity;
}

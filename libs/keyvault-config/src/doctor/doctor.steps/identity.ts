/**
 * Who a token is for and what it is for — from its claims, never keeping the token: oid, appid, tid and
 * the kind of principal (the library's own claim reading), plus the audience the doctor compares with
 * the vault's challenge.
 */
import {
  decodeTokenClaims,
  tokenAudience,
  tokenIdentityKind,
  type TokenIdentityKind,
} from '../../core/token-claims.js';
import type { DoctorIdentityKind } from '../doctor.interfaces.js';

/** The identity fields of a token. */
export interface TokenIdentity {
  oid?: string;
  appid?: string;
  tid?: string;
  kind: DoctorIdentityKind;
  audience?: string;
}

const KINDS: Record<TokenIdentityKind, DoctorIdentityKind> = {
  managedIdentity: 'managed identity',
  user: 'user',
  servicePrincipal: 'service principal',
};

/** The kind from the claims; the credential that got the token decides when the claims do not say. */
function kindOf(token: string, credentialName: string): DoctorIdentityKind {
  const fromClaims = tokenIdentityKind(token);
  if (fromClaims) return KINDS[fromClaims];
  if (/^(ManagedIdentity|WorkloadIdentity)Credential$/.test(credentialName)) return 'managed identity';
  if (credentialName === 'EnvironmentCredential') return 'service principal';
  if (/Cli|PowerShell|VisualStudioCode|Broker/.test(credentialName)) return 'user';
  return 'unknown';
}

/** The identity of `token`, which `credentialName` returned. */
export function identityOf(token: string, credentialName: string): TokenIdentity {
  const claims = decodeTokenClaims(token);
  const identity: TokenIdentity = { kind: kindOf(token, credentialName) };
  if (claims?.objectId) identity.oid = claims.objectId;
  if (claims?.clientId) identity.appid = claims.clientId;
  if (claims?.tenantId) identity.tid = claims.tenantId;
  const audience = tokenAudience(token);
  if (audience) identity.audience = audience;
  return identity;
}

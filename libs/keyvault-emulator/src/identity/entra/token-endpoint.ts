import { createHash, timingSafeEqual } from 'node:crypto';
import type { IdentityRegistry, RegisteredIdentity } from '../identities.js';
import type { TokenAuthority } from '../tokens.js';
import type { EmulatedCluster } from './cluster.js';
import type { DirectoryApplication, EntraDirectory } from './directory.js';
import {
  ASSERTION_CLOCK_SKEW_SECONDS,
  JWT_BEARER_ASSERTION_TYPE,
  isKeyVaultResource,
} from './entra.constants.js';
import { entraErrors, type EntraResponse } from './entra-errors.js';
import { parseJws, verifyJws, type ParsedJws } from './jws.js';

/** What the token endpoint needs. */
export interface TokenEndpointContext {
  tenantId: string;
  authority: TokenAuthority;
  registry: IdentityRegistry;
  directory: EntraDirectory;
  cluster: EmulatedCluster;
  /** The token endpoint's own URLs for a tenant (what a certificate assertion's `aud` must name). */
  tokenEndpoints(tenant: string): string[];
}

/** Who a request authenticated as. */
type Principal =
  | { kind: 'servicePrincipal'; app: DirectoryApplication }
  | { kind: 'managedIdentity'; identity: RegisteredIdentity };

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const sameId = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The resource a request is for: v2 `scope=<resource>/.default`, or v1 `resource=<resource>`. */
function resourceOf(params: URLSearchParams, v1: boolean): { resource?: string; error?: EntraResponse } {
  if (v1) return { resource: params.get('resource') ?? '' };
  const scopes = (params.get('scope') ?? '').split(' ').filter((s) => s !== '' && !OIDC_SCOPES.has(s));
  if (scopes.length !== 1 || !/\/\.default$/i.test(scopes[0])) {
    return { error: entraErrors.invalidScope(scopes.join(' ') || "''") };
  }
  return { resource: scopes[0].replace(/\/\.default$/i, '') };
}

function timeRangeError(payload: Record<string, unknown>): EntraResponse | undefined {
  const now = Date.now() / 1000;
  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  const nbf =
    typeof payload.nbf === 'number' ? payload.nbf : typeof payload.iat === 'number' ? payload.iat : 0;
  if (now > exp + ASSERTION_CLOCK_SKEW_SECONDS || now + ASSERTION_CLOCK_SKEW_SECONDS < nbf) {
    return entraErrors.assertionTimeRange(new Date(), new Date(nbf * 1000), new Date(exp * 1000));
  }
  return undefined;
}

function secretMatches(app: DirectoryApplication, secret: string): boolean {
  const presented = digest(secret);
  return app.secretHashes.some((h) => timingSafeEqual(h, presented));
}

/** A certificate assertion (`iss` = `sub` = client id, signed by an uploaded certificate's key). */
function certificatePrincipal(
  jws: ParsedJws,
  app: DirectoryApplication | undefined,
  tenant: string,
  context: TokenEndpointContext,
): Principal | EntraResponse {
  const thumbprint = String(jws.header['x5t#S256'] ?? jws.header.x5t ?? '');
  const key = app?.certificates.get(thumbprint);
  if (!app || !key || !verifyJws(jws, key)) return entraErrors.assertionSignature(thumbprint);
  const audience = String(jws.payload.aud ?? '');
  const endpoints = context.tokenEndpoints(tenant).map((u) => u.toLowerCase());
  if (!endpoints.includes(audience.replace(/\/$/, '').toLowerCase())) {
    return entraErrors.certificateAudience(audience);
  }
  return timeRangeError(jws.payload) ?? { kind: 'servicePrincipal', app };
}

/** A federated assertion (an AKS service account token) checked against the identity's federated credentials. */
function federatedPrincipal(
  jws: ParsedJws,
  clientId: string,
  context: TokenEndpointContext,
): Principal | EntraResponse {
  const issuer = String(jws.payload.iss ?? '');
  const subject = String(jws.payload.sub ?? '');
  const audiences = ([] as unknown[]).concat(jws.payload.aud ?? []).map(String);
  // A credential whose issuer is left out trusts the emulated cluster.
  const credentials = context.directory
    .federatedCredentials(clientId)
    .filter((c) => (c.issuer ?? context.cluster.issuer) === issuer);
  if (credentials.length === 0) return entraErrors.assertionIssuer(issuer);
  // Entra ID fetches the issuer's JWKS; the emulator knows one issuer's keys, its own cluster's.
  if (issuer !== context.cluster.issuer || !verifyJws(jws, context.cluster.publicKey)) {
    return entraErrors.federatedSignature(issuer);
  }
  const timeError = timeRangeError(jws.payload);
  if (timeError) return timeError;
  const bySubject = credentials.filter((c) => c.subject === subject);
  if (bySubject.length === 0) return entraErrors.assertionSubject(subject);
  const matched = bySubject.find((c) => c.audiences!.some((a) => audiences.includes(a)));
  if (!matched)
    return entraErrors.assertionAudience(audiences.join(', '), bySubject[0].audiences!.join(', '));
  const app = context.directory.application(clientId);
  if (app) return { kind: 'servicePrincipal', app };
  const identity = context.registry.find({ clientId });
  return identity ? { kind: 'managedIdentity', identity } : entraErrors.assertionIssuer(issuer);
}

function authenticate(
  params: URLSearchParams,
  clientId: string,
  tenant: string,
  context: TokenEndpointContext,
): Principal | EntraResponse {
  const app = context.directory.application(clientId);
  const identity = app ? undefined : context.registry.find({ clientId });
  const federated = context.directory.federatedCredentials(clientId).length > 0;
  if (!app && !(identity && !identity.systemAssigned && federated)) {
    return entraErrors.applicationNotFound(clientId, tenant);
  }
  const secret = params.get('client_secret');
  if (secret !== null && secret !== '') {
    return app && secretMatches(app, secret)
      ? { kind: 'servicePrincipal', app }
      : entraErrors.invalidSecret(clientId);
  }
  const assertion = params.get('client_assertion');
  if (assertion === null || assertion === '') return entraErrors.missingCredential();
  if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) return entraErrors.assertionType();
  const jws = parseJws(assertion);
  if (!jws) return entraErrors.malformedAssertion();
  const selfIssued = sameId(String(jws.payload.iss ?? ''), clientId) && jws.payload.sub === jws.payload.iss;
  return selfIssued
    ? certificatePrincipal(jws, app, tenant, context)
    : federatedPrincipal(jws, clientId, context);
}

/**
 * `POST /{tenant}/oauth2/v2.0/token` (and v1 `/{tenant}/oauth2/token`): the client-credentials grant with
 * a client secret, a certificate's client assertion or a federated token — answered as Entra ID answers:
 * `{ token_type, expires_in, ext_expires_in, access_token }`, or its AADSTS error bodies.
 */
export function handleTokenRequest(
  tenant: string,
  params: URLSearchParams,
  context: TokenEndpointContext,
  v1 = false,
): EntraResponse {
  if (!sameId(tenant, context.tenantId)) return entraErrors.tenantNotFound(tenant);
  const grant = params.get('grant_type') ?? '';
  if (grant !== 'client_credentials') return entraErrors.unsupportedGrant(grant);
  const clientId = params.get('client_id')?.trim();
  if (!clientId) return entraErrors.missingClientId();
  const { resource, error } = resourceOf(params, v1);
  if (error) return error;
  if (!isKeyVaultResource(resource!)) return entraErrors.resourceNotFound(resource!, tenant);
  const principal = authenticate(params, clientId, tenant, context);
  if ('status' in principal) return principal;
  const issued =
    principal.kind === 'servicePrincipal'
      ? context.authority.issue({
          clientId: principal.app.clientId,
          objectId: principal.app.objectId,
          audience: resource!,
          kind: 'servicePrincipal',
        })
      : context.authority.issue({
          clientId: principal.identity.clientId,
          objectId: principal.identity.objectId,
          audience: resource!,
          resourceId: principal.identity.resourceId,
        });
  const expiresIn = Math.max(0, issued.expiresOn - Math.floor(Date.now() / 1000));
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: issued.token,
  };
  if (v1) Object.assign(body, { expires_on: String(issued.expiresOn), resource });
  return {
    status: 200,
    body,
    clientId: principal.kind === 'servicePrincipal' ? principal.app.clientId : principal.identity.clientId,
  };
}

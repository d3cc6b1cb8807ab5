import { entraErrors, type EntraResponse } from './entra/entra-errors.js';
import { isKeyVaultResource } from './entra/entra.constants.js';
import type { IdentityRegistry, IdentitySelector, RegisteredIdentity } from './identities.js';
import type { TokenAuthority } from './tokens.js';

/** What an identity endpoint answers; the server writes it as JSON. */
export interface IdentityResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Client id of the identity a token was issued for (request log; never the token). */
  clientId?: string;
}

/** What the endpoint handlers need to issue tokens. */
export interface IdentityContext {
  authority: TokenAuthority;
  registry: IdentityRegistry;
}

/** A parsed GET request to an identity endpoint. */
export interface IdentityRequest {
  method: string;
  query: URLSearchParams;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
}

/** First value of a header. */
export function header(request: IdentityRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The audience for a `resource` parameter: callers send the resource (`https://vault.azure.net`), some
 * a scope (`https://vault.azure.net/.default`); the token's `aud` is the resource without `/.default`.
 */
export function audienceOf(resource: string): string {
  return resource.replace(/\/\.default$/i, '');
}

/**
 * Entra ID's refusal of a resource the directory does not know (anything but Key Vault here), as the
 * managed-identity endpoints pass it on — undefined for a known resource.
 */
export function unknownResource(context: IdentityContext, resource: string): EntraResponse | undefined {
  if (isKeyVaultResource(audienceOf(resource))) return undefined;
  return entraErrors.resourceNotFound(resource, context.authority.tenantId);
}

/** Picks the identity selector out of the query; undefined when several are given. */
export function selectorOf(
  query: URLSearchParams,
  names: { clientId: string[]; objectId: string[]; resourceId: string[] },
): { selector: IdentitySelector; count: number } {
  const selector: IdentitySelector = {};
  let count = 0;
  for (const [key, params] of Object.entries(names) as Array<[keyof IdentitySelector, string[]]>) {
    for (const param of params) {
      const value = query.get(param);
      if (value !== null && value !== '') {
        selector[key] = value;
        count += 1;
      }
    }
  }
  return { selector, count };
}

/** Issues a token for an identity; returns the token, its expiry and issue times (epoch s). */
export function issueFor(
  context: IdentityContext,
  identity: RegisteredIdentity,
  resource: string,
): { token: string; expiresOn: number; notBefore: number; expiresIn: number } {
  const { token, expiresOn } = context.authority.issue({
    clientId: identity.clientId,
    objectId: identity.objectId,
    audience: audienceOf(resource),
    resourceId: identity.resourceId,
  });
  const notBefore = Math.floor(Date.now() / 1000);
  return { token, expiresOn, notBefore, expiresIn: Math.max(0, expiresOn - notBefore) };
}

/** How one managed-identity protocol words the two refusals every token request can meet. */
export interface IssueRefusals {
  /** No registered identity matches the request's selector. */
  noIdentity: () => IdentityResponse;
  /** Entra ID's refusal of the resource, passed on in the protocol's own shape. */
  unknownResource: (refusal: EntraResponse) => IdentityResponse;
}

/** A token issued for an identity (epoch seconds). */
export interface IssuedToken {
  identity: RegisteredIdentity;
  token: string;
  expiresOn: number;
  notBefore: number;
  expiresIn: number;
}

/**
 * What every managed-identity endpoint does once it has checked its own request: find the identity,
 * refuse a resource Entra ID does not know, issue the token. A refusal comes back as the answer to send.
 */
export function issueToken(
  context: IdentityContext,
  selector: IdentitySelector,
  resource: string,
  refusals: IssueRefusals,
): IssuedToken | IdentityResponse {
  const identity = context.registry.find(selector);
  if (identity === undefined) return refusals.noIdentity();
  const refused = unknownResource(context, resource);
  if (refused) return refusals.unknownResource(refused);
  return { identity, ...issueFor(context, identity, resource) };
}

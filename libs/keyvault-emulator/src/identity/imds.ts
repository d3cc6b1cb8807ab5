import {
  header,
  issueToken,
  selectorOf,
  type IdentityContext,
  type IdentityRequest,
  type IdentityResponse,
} from './identity-response.js';

/** An IMDS token error: OAuth-style `{ error, error_description }`. */
export function imdsError(status: number, error: string, description: string): IdentityResponse {
  return { status, body: { error, error_description: description } };
}

/**
 * IMDS's answer to a request without `Metadata: true` — which is exactly what the SDKs' availability
 * probe sends (no Metadata header, no query): any quick answer tells them IMDS is there.
 */
export const imdsMissingMetadata = (): IdentityResponse =>
  imdsError(400, 'invalid_request', 'Required metadata header not specified');

/** What an injected identity failure (`failIdentity`) answers on the IMDS endpoint. */
export const imdsFailure = (status = 500): IdentityResponse =>
  imdsError(
    status,
    'unknown_error',
    'Failed to retrieve a token from Microsoft Entra ID (emulated failure).',
  );

/**
 * `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…[&client_id|object_id|msi_res_id=…]`
 * with `Metadata: true`, as the Azure Instance Metadata Service serves it. Success carries every field
 * as a string: `{ access_token, client_id, expires_in, expires_on, ext_expires_in, not_before, resource,
 * token_type }`.
 */
export function handleImdsToken(request: IdentityRequest, context: IdentityContext): IdentityResponse {
  if (request.method !== 'GET') {
    return imdsError(405, 'invalid_request', `Method ${request.method} is not allowed: use GET.`);
  }
  if (header(request, 'metadata')?.toLowerCase() !== 'true') return imdsMissingMetadata();
  if (!request.query.get('api-version')) {
    return imdsError(400, 'invalid_request', "Required query variable 'api-version' is missing");
  }
  const resource = request.query.get('resource');
  if (!resource) return imdsError(400, 'invalid_request', "Required query variable 'resource' is missing");
  const { selector, count } = selectorOf(request.query, {
    clientId: ['client_id'],
    objectId: ['object_id'],
    resourceId: ['msi_res_id'],
  });
  if (count > 1) {
    return imdsError(400, 'invalid_request', 'Only one of client_id, object_id and msi_res_id may be given');
  }
  const issued = issueToken(context, selector, resource, {
    noIdentity: () => imdsError(400, 'invalid_request', 'Identity not found'),
    // IMDS passes Entra ID's answer on: 400 invalid_resource AADSTS500011 (docs/emulator.md cites it).
    unknownResource: (refused) => ({ status: refused.status, body: refused.body }),
  });
  if ('status' in issued) return issued;
  const { identity, token, expiresOn, notBefore, expiresIn } = issued;
  return {
    status: 200,
    body: {
      access_token: token,
      client_id: identity.clientId,
      expires_in: String(expiresIn),
      expires_on: String(expiresOn),
      ext_expires_in: String(expiresIn),
      not_before: String(notBefore),
      resource,
      token_type: 'Bearer',
    },
    clientId: identity.clientId,
  };
}

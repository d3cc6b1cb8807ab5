import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADER_NAME } from '../constants.js';
import { headerMatches } from '../http/header-check.js';
import { APP_SERVICE_API_VERSION } from './identity.constants.js';
import {
  header,
  issueToken,
  selectorOf,
  type IdentityContext,
  type IdentityRequest,
  type IdentityResponse,
} from './identity-response.js';

/**
 * An App Service error: `{ statusCode, message, correlationId }` plus the X-CORRELATION-ID header —
 * the shape App Service's identity endpoint answers (MSAL reads `message` and `correlationId`).
 */
export function appServiceError(status: number, message: string): IdentityResponse {
  const correlationId = randomUUID();
  return {
    status,
    body: { statusCode: status, message, correlationId },
    headers: { 'X-CORRELATION-ID': correlationId },
  };
}

/** What an injected identity failure (`failIdentity`) answers on the App Service endpoint. */
export const appServiceFailure = (status = 500): IdentityResponse =>
  appServiceError(status, 'An unexpected error occured while fetching the AAD Token.');

/**
 * `GET /msi/token?api-version=2019-08-01&resource=…[&client_id|principal_id|object_id|mi_res_id=…]`
 * with `X-IDENTITY-HEADER`, as App Service / Functions serve it (IDENTITY_ENDPOINT + IDENTITY_HEADER).
 * Success: `{ access_token, expires_on: "<epoch s>", resource, token_type: "Bearer", client_id }`.
 */
export function handleAppServiceToken(
  request: IdentityRequest,
  context: IdentityContext,
  identityHeader: string,
): IdentityResponse {
  if (request.method !== 'GET') {
    return appServiceError(405, `The requested resource does not support http method '${request.method}'.`);
  }
  const secret = header(request, IDENTITY_HEADER_NAME);
  if (secret === undefined || secret === '') {
    return appServiceError(400, 'Missing X-IDENTITY-HEADER header.');
  }
  if (!headerMatches(secret, identityHeader)) {
    return appServiceError(401, 'Unauthorized. The X-IDENTITY-HEADER header is invalid.');
  }
  const apiVersion = request.query.get('api-version');
  if (apiVersion !== APP_SERVICE_API_VERSION) {
    return appServiceError(
      400,
      apiVersion
        ? `Unsupported api-version '${apiVersion}': this endpoint serves ${APP_SERVICE_API_VERSION}.`
        : `The api-version query parameter is required (${APP_SERVICE_API_VERSION}).`,
    );
  }
  const resource = request.query.get('resource');
  if (!resource) return appServiceError(400, 'The resource query parameter is required.');
  const { selector, count } = selectorOf(request.query, {
    clientId: ['client_id'],
    objectId: ['principal_id', 'object_id'],
    resourceId: ['mi_res_id'],
  });
  if (count > 1) {
    return appServiceError(400, 'Only one of client_id, principal_id, object_id and mi_res_id may be given.');
  }
  const issued = issueToken(context, selector, resource, {
    noIdentity: () => appServiceError(400, 'Unable to load the proper Managed Identity.'),
    unknownResource: (refused) => appServiceError(refused.status, String(refused.body.error_description)),
  });
  if ('status' in issued) return issued;
  const { identity, token, expiresOn } = issued;
  return {
    status: 200,
    body: {
      access_token: token,
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: identity.clientId,
    },
    clientId: identity.clientId,
  };
}

import { headerMatches } from '../http/header-check.js';
import {
  header,
  issueToken,
  type IdentityContext,
  type IdentityRequest,
  type IdentityResponse,
} from './identity-response.js';

/** The App Service identity protocol of 2017 (MSI_ENDPOINT + MSI_SECRET, header `secret`). */
export const LEGACY_MSI_API_VERSION = '2017-09-01';

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * `expires_on` as the 2017-09-01 protocol writes it: a date string in the invariant culture's
 * `MM/dd/yyyy hh:mm:ss tt +00:00` — not epoch seconds as in 2019-08-01 (App Service's documentation of
 * the 2017 protocol shows `"expires_on":"09/14/2017 00:00:00 PM +00:00"`; @azure/identity 1.x parsed it
 * with Date.parse for that reason).
 */
export function legacyExpiresOn(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  return (
    `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ` +
    `${pad(twelve)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'} +00:00`
  );
}

/**
 * The 2017 protocol's errors: ASP.NET Web API's `{ Message, ExceptionMessage }` shape — which is why
 * ms-rest-azure looks for `ExceptionMessage` in the body.
 */
function legacyError(status: number, message: string): IdentityResponse {
  return {
    status,
    body: {
      Message: 'An error has occurred.',
      ExceptionMessage: message,
      ExceptionType: 'System.ArgumentException',
    },
  };
}

/** True for a request of the 2017 protocol (served on the same path as 2019-08-01, as App Service does). */
export const isLegacyMsiRequest = (query: URLSearchParams): boolean =>
  query.get('api-version') === LEGACY_MSI_API_VERSION;

/**
 * `GET /MSI/token/?resource=…&api-version=2017-09-01[&clientid=…]` with header `secret: $MSI_SECRET`.
 * Success: `{ access_token, expires_on: "<MM/dd/yyyy hh:mm:ss tt +00:00>", resource, token_type }`.
 */
export function handleLegacyMsiToken(
  request: IdentityRequest,
  context: IdentityContext,
  secret: string,
): IdentityResponse {
  if (request.method !== 'GET')
    return legacyError(405, `The requested resource does not support http method '${request.method}'.`);
  const presented = header(request, 'secret');
  if (presented === undefined || presented === '')
    return legacyError(400, "The 'secret' header is required.");
  if (!headerMatches(presented, secret)) return legacyError(401, "The 'secret' header is invalid.");
  const resource = request.query.get('resource');
  if (!resource) return legacyError(400, "The 'resource' query parameter is required.");
  const clientId = request.query.get('clientid') || undefined;
  const issued = issueToken(context, clientId === undefined ? {} : { clientId }, resource, {
    noIdentity: () => legacyError(400, 'Unable to load the proper Managed Identity.'),
    unknownResource: (refused) => legacyError(refused.status, String(refused.body.error_description)),
  });
  if ('status' in issued) return issued;
  const { identity, token, expiresOn } = issued;
  return {
    status: 200,
    body: { access_token: token, expires_on: legacyExpiresOn(expiresOn), resource, token_type: 'Bearer' },
    clientId: identity.clientId,
  };
}

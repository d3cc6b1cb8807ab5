import { randomUUID } from 'node:crypto';
import { errorUri } from './entra.constants.js';

/** What the token endpoint answers; the server writes it as JSON. */
export interface EntraResponse {
  status: number;
  body: Record<string, unknown>;
  /** Client id a token was issued to (request log; never the token or a secret). */
  clientId?: string;
}

/** Entra ID's timestamp format in error bodies: `2023-05-06 06:03:00Z`. */
const timestamp = (date = new Date()): string => `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;

/**
 * An Entra ID error body, as login.microsoftonline.com writes it: `error`, `error_description`
 * (`AADSTS<code>: <text>` then trace id, correlation id and timestamp on their own lines), `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`, `error_uri`. MSAL and @azure/identity read `error`,
 * `error_description` and `error_codes`.
 */
export function aadstsError(status: number, error: string, code: number, text: string): EntraResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const time = timestamp();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${time}`,
      error_codes: [code],
      timestamp: time,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: errorUri(code),
    },
  };
}

/** The errors the emulator answers, with Entra ID's codes, statuses and wording. */
export const entraErrors = {
  tenantNotFound: (tenant: string): EntraResponse =>
    aadstsError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  unsupportedGrant: (grant: string): EntraResponse =>
    aadstsError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant}'. This emulator serves client_credentials only.`,
    ),
  missingClientId: (): EntraResponse =>
    aadstsError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    ),
  applicationNotFound: (clientId: string, tenant: string): EntraResponse =>
    aadstsError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  missingCredential: (): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidSecret: (clientId: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  invalidScope: (scope: string): EntraResponse =>
    aadstsError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  resourceNotFound: (resource: string, tenant: string): EntraResponse =>
    aadstsError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  assertionType: (): EntraResponse =>
    aadstsError(
      400,
      'invalid_request',
      700025,
      `Client assertion type must be '${'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'}'.`,
    ),
  malformedAssertion: (): EntraResponse =>
    aadstsError(401, 'invalid_client', 50027, 'JWT token is invalid or is malformed.'),
  assertionTimeRange: (now: Date, notBefore: Date, expires: Date): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${notBefore.toISOString()}, expiry time of assertion ${expires.toISOString()}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    ),
  assertionSignature: (thumbprint: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700027,
      `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}']`,
    ),
  assertionAudience: (audience: string, expected: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${audience}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. (Expected ${expected}.)`,
    ),
  certificateAudience: (audience: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${audience}'. A certificate's client assertion must name the token endpoint as its audience.`,
    ),
  assertionIssuer: (issuer: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    ),
  assertionSubject: (subject: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700213,
      `No matching federated identity record found for presented assertion subject '${subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    ),
  federatedSignature: (issuer: string): EntraResponse =>
    aadstsError(
      401,
      'invalid_client',
      700027,
      `Client assertion failed signature validation against the keys published by issuer '${issuer}'.`,
    ),
};

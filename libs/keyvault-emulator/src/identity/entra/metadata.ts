import { createPublicKey } from 'node:crypto';

/**
 * The discovery documents MSAL fetches for an authority `https://<host>/<tenant>`: the OpenID
 * configuration (`/<tenant>/v2.0/.well-known/openid-configuration`, whose `token_endpoint` and `issuer`
 * it uses; the issuer must be on the authority's own origin) — in the shape login.microsoftonline.com
 * serves, with every URL on the emulator.
 */
export function openIdConfiguration(base: string, tenant: string, v1 = false): Record<string, unknown> {
  const root = `${base}/${tenant}`;
  const version = v1 ? '' : '/v2.0';
  return {
    token_endpoint: `${root}/oauth2${version}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${root}/discovery${version}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: v1 ? `https://sts.windows.net/${tenant}/` : `${root}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${root}/oauth2${version}/authorize`,
    device_authorization_endpoint: `${root}/oauth2${version}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${root}/oauth2${version}/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** `/common/discovery/instance`: the emulator is its own cloud, with one alias (itself). */
export function instanceDiscovery(
  base: string,
  authorizationEndpoint: string | null,
): Record<string, unknown> {
  const host = new URL(base).host;
  const tenant = authorizationEndpoint ? new URL(authorizationEndpoint).pathname.split('/')[1] : 'common';
  return {
    tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

/** The tenant's signing keys (`jwks_uri`): the key the emulator signs access tokens with. */
export function tenantKeys(publicKeyPem: string, keyId: string): { keys: object[] } {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' });
  return { keys: [{ kty: 'RSA', use: 'sig', kid: keyId, x5t: keyId, n: jwk.n, e: jwk.e }] };
}

/** The cluster's OIDC discovery document (what Entra ID reads to find the service account keys). */
export function clusterOpenIdConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

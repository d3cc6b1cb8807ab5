import { KEY_VAULT_AUDIENCE } from '../../constants.js';

/**
 * Constants of the emulated Entra ID token endpoint (the `AZURE_AUTHORITY_HOST` of workload identity and
 * service principals). Values copied from what Entra ID and AKS send, so MSAL and @azure/identity see the
 * answers they expect.
 */

/** Audience of every federated token an AKS workload presents (`az identity federated-credential create --audiences`). */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** `client_assertion_type` of a JWT client assertion (RFC 7523). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Key Vault's resource URI and its first-party application id — the two audiences Key Vault accepts. */
export const KEY_VAULT_APP_ID = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';

/**
 * Whether the emulated directory knows a requested resource: Key Vault's URI or its application id,
 * matched as Entra ID matches a resource to a service principal — ignoring case and a trailing slash.
 * The token's `aud` is then the resource *as requested* (Entra ID does not normalize it), so
 * `https://vault.azure.net/` or `https://VAULT.azure.net` gets a token Key Vault refuses (AKV10022). A
 * token for anything else is refused (AADSTS500011) by every token endpoint: Entra ID's, IMDS's and App
 * Service's. Sources in docs/emulator.md ("Token audience").
 */
export function isKeyVaultResource(resource: string): boolean {
  const normalized = resource.replace(/\/+$/, '').toLowerCase();
  return normalized === KEY_VAULT_AUDIENCE || normalized === KEY_VAULT_APP_ID;
}

/** Namespace and service account the emulated cluster's projected token is for. */
export const DEFAULT_WORKLOAD_NAMESPACE = 'default';
export const DEFAULT_WORKLOAD_SERVICE_ACCOUNT = 'workload-identity-sa';

/** Lifetime of a projected service account token (AKS's webhook asks for 3600 s). */
export const PROJECTED_TOKEN_LIFETIME_SECONDS = 3600;

/** The kubelet renews a projected token once 80% of its lifetime has passed. */
export const PROJECTED_TOKEN_RENEW_FRACTION = 0.8;

/** Clock skew Entra ID tolerates on an assertion's `nbf`/`exp` (five minutes). */
export const ASSERTION_CLOCK_SKEW_SECONDS = 300;

/** Largest form body the token endpoint reads. */
export const MAX_TOKEN_REQUEST_BYTES = 64 * 1024;

/** Entra ID's help link for an error code. */
export const errorUri = (code: number): string => `https://login.microsoftonline.com/error?code=${code}`;

/**
 * Constants of the managed-identity half of the emulator (token signing, identity endpoints). Values
 * shared with the vault (audience, default lifetime, subscription, resource group) live in ../constants.ts.
 */
import { TOKEN_ISSUER_PREFIX } from '../constants.js';

/**
 * Clock skew tolerated when checking `exp`/`nbf`. Deliberately small: the emulator signs and checks
 * with the same clock, and tests rely on a short-lived token being rejected soon after it expires.
 */
export const CLOCK_SKEW_SECONDS = 1;

/** Issuer of v1.0 tokens, as Entra ID writes it for managed identities. */
export const issuerFor = (tenantId: string): string => `${TOKEN_ISSUER_PREFIX}/${tenantId}/`;

/** App Service / Functions identity endpoint path (IDENTITY_ENDPOINT). */
export const APP_SERVICE_TOKEN_PATH = '/msi/token';
/** The only App Service API version the emulator serves (what MSAL and the SDKs send). */
export const APP_SERVICE_API_VERSION = '2019-08-01';

/** IMDS token path; the SDK appends it to AZURE_POD_IDENTITY_AUTHORITY_HOST. */
export const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';

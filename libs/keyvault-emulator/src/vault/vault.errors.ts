import {
  ACCESS_DENIED_HELP,
  EMULATOR_REGION,
  EMULATOR_RESOURCE_GROUP,
  EMULATOR_SUBSCRIPTION_ID,
  KEY_VAULT_AUDIENCE,
  LATEST_API_VERSION,
  MAX_RESULTS_LIMIT,
  SECRET_NOT_FOUND_HELP,
  TOKEN_ISSUER_PREFIX,
} from '../constants.js';
import { KEY_VAULT_APP_ID } from '../identity/entra/entra.constants.js';

/** Key Vault's error body: `{ "error": { "code", "message", "innererror"? } }`. */
export interface KeyVaultErrorBody {
  error: { code: string; message: string; innererror?: { code: string } };
}

/**
 * An error answered with Key Vault's status, code and wording. Messages never contain secret
 * values (only names, versions and caller ids).
 */
export class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
    /** Extra response headers (WWW-Authenticate, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'KeyVaultError';
  }

  toBody(): KeyVaultErrorBody {
    const error: KeyVaultErrorBody['error'] = { code: this.code, message: this.message };
    if (this.innerCode) error.innererror = { code: this.innerCode };
    return { error };
  }
}

const badParameter = (message: string): KeyVaultError => new KeyVaultError(400, 'BadParameter', message);
const conflict = (message: string, innerCode: string): KeyVaultError =>
  new KeyVaultError(409, 'Conflict', message, innerCode);

/** Factories for every error the vault answers. */
export const VaultErrors = {
  apiVersionMissing: (): KeyVaultError => badParameter("The 'api-version' query parameter is missing."),
  apiVersionUnknown: (version: string): KeyVaultError =>
    badParameter(
      `The specified version (${version}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
    ),
  invalidName: (name: string): KeyVaultError =>
    badParameter(`The request URI contains an invalid name: ${name}`),
  invalidMaxResults: (value: string): KeyVaultError =>
    badParameter(
      `The maxresults parameter (${value}) is invalid: it must be an integer between 1 and ${MAX_RESULTS_LIMIT}.`,
    ),
  invalidSkipToken: (): KeyVaultError => badParameter('The $skiptoken parameter is invalid.'),
  invalidBody: (detail: string): KeyVaultError => badParameter(detail),
  // Key Vault's wording (Azure/azure-cli#5639) and inner code, as docs/emulator.md cites them.
  valueTooLarge: (limit: number): KeyVaultError =>
    new KeyVaultError(
      400,
      'BadParameter',
      `Secret is beyond the maximum permitted length of ${limit} characters.`,
      'SecretTooLarge',
    ),
  // What Key Vault answers for more than 15 tags (hashicorp/terraform-provider-azurerm#16780, #16947),
  // a line break included; the emulator answers it for every metadata limit (tags, contentType).
  invalidProperty: (): KeyVaultError => badParameter('Property has invalid value\r\n'),
  secretNotFound: (nameOrId: string): KeyVaultError =>
    new KeyVaultError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${nameOrId} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see ${SECRET_NOT_FOUND_HELP}`,
    ),
  deletedSecretNotFound: (): KeyVaultError =>
    new KeyVaultError(404, 'SecretNotFound', 'Deleted Secret not found'),
  disabled: (operation: string): KeyVaultError =>
    new KeyVaultError(
      403,
      'Forbidden',
      `Operation ${operation} is not allowed on a disabled secret.`,
      'SecretDisabled',
    ),
  deletedButRecoverable: (name: string): KeyVaultError =>
    conflict(
      `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
      'ObjectIsDeletedButRecoverable',
    ),
  // Key Vault's wording of the 409s of asynchronous soft delete (docs/emulator.md cites each): a set during
  // a recovery (hashicorp/terraform-provider-azurerm#12285), a set during a delete or purge
  // (Azure/azure-sdk-for-python#19263), a purge during a delete (terraform-provider-azurerm#10454).
  beingRecovered: (name: string): KeyVaultError =>
    conflict(
      `Secret ${name} is currently being recovered and cannot be re-created; retry later.`,
      'ObjectIsBeingRecovered',
    ),
  beingDeletedNoRecreate: (name: string): KeyVaultError =>
    conflict(
      `Secret ${name} is currently being deleted and cannot be re-created; retry later.`,
      'ObjectIsBeingDeleted',
    ),
  beingDeleted: (): KeyVaultError => conflict('Secret is currently being deleted.', 'ObjectIsBeingDeleted'),
  notFoundRoute: (method: string, path: string): KeyVaultError =>
    new KeyVaultError(
      404,
      'NotFound',
      `The requested operation ${method} ${path} is not supported by this key vault.`,
    ),
  methodNotAllowed: (method: string): KeyVaultError =>
    new KeyVaultError(
      405,
      'MethodNotAllowed',
      `The requested method ${method} is not allowed for this resource.`,
    ),
};

/** The 401 challenge header Key Vault sends with every Unauthorized answer. */
export function challengeHeader(tenantId: string, authorityHost: string, resource: string): string {
  return `Bearer authorization="${authorityHost}/${tenantId}", resource="${resource}"`;
}

/** 401 with the challenge header; `message` is Key Vault's (AKV…) reason. */
export function unauthorized(message: string, challenge: string): KeyVaultError {
  return new KeyVaultError(401, 'Unauthorized', message, undefined, { 'www-authenticate': challenge });
}

/**
 * Maps the identity side's verification failure (TokenAuthority.verify's reason) to Key Vault's
 * wording. Reasons that already carry an AKV code pass through; others are classified by keyword.
 */
export function unauthorizedMessage(reason: string, audience: string): string {
  if (/^AKV\d+/.test(reason)) return reason;
  const lower = reason.toLowerCase();
  if (lower.includes('audience')) {
    const found = /audience:?\s+(\S+)/i.exec(reason)?.[1];
    // Key Vault's wording names both audiences it accepts (argoproj-labs/argocd-vault-plugin#621).
    const expected = audience === KEY_VAULT_AUDIENCE ? `${audience} or ${KEY_VAULT_APP_ID}` : audience;
    return `AKV10022: Invalid audience. Expected ${expected}, found: ${found ?? 'an unexpected audience'}.`;
  }
  // Key Vault (a .NET service) surfaces Microsoft.IdentityModel's lifetime codes for these two.
  if (lower.includes('expired')) {
    return `Token validation failed: IDX10223: Lifetime validation failed. The token is expired. (${reason})`;
  }
  if (lower.includes('not valid before') || lower.includes('not yet valid')) {
    return `Token validation failed: IDX10222: Lifetime validation failed. The token is not yet valid. (${reason})`;
  }
  if (lower.includes('issuer')) return `AKV10032: Invalid issuer. (${reason})`;
  if (lower.includes('signature')) {
    return `AKV10046: Unable to resolve the key used for signature validation. (${reason})`;
  }
  // What Key Vault answers for a bearer value that is not a readable JWT.
  return `[BearerReadAccessTokenFailed] Error validating token: 'S2S12005'. (${reason})`;
}

/** Key Vault's answer to a request without a bearer token. */
export const MISSING_TOKEN_MESSAGE = 'AKV10000: Request is missing a Bearer or PoP token.';

/** Everything Key Vault names in a 403 message. */
export interface ForbiddenDetails {
  clientId: string;
  objectId: string;
  tenantId: string;
  vaultName: string;
  /** Permission in access-policy terms: get, list, set, delete, recover, purge, update. */
  permission: string;
  /** RBAC data action, e.g. Microsoft.KeyVault/vaults/secrets/getSecret/action. */
  action: string;
  /** Secret name the operation targets (omitted for vault-wide list operations). */
  secretName?: string;
}

/**
 * 403 for a caller without the permission. Key Vault answers RBAC vaults with a multi-line message and
 * access-policy vaults with a one-line "does not have secrets <perm> permission" message. One message
 * containing both lets callers parse either form (the caller and permission name appear in both).
 */
export function forbidden(details: ForbiddenDetails): KeyVaultError {
  const caller = `appid=${details.clientId};oid=${details.objectId};iss=${TOKEN_ISSUER_PREFIX}/${details.tenantId}/`;
  const vault = `${details.vaultName};location=${EMULATOR_REGION}`;
  const scope =
    `/subscriptions/${EMULATOR_SUBSCRIPTION_ID}/resourcegroups/${EMULATOR_RESOURCE_GROUP}` +
    `/providers/microsoft.keyvault/vaults/${details.vaultName.toLowerCase()}` +
    (details.secretName ? `/secrets/${details.secretName.toLowerCase()}` : '');
  const message = [
    'Caller is not authorized to perform action on resource.',
    'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
    `Caller: ${caller}`,
    `Action: '${details.action}'`,
    `Resource: '${scope}'`,
    'Assignment: (not found)',
    "DecisionReason: 'DeniedWithNoValidRBAC' ",
    `Vault: ${vault}`,
    `The user, group or application '${caller}' does not have secrets ${details.permission} permission on key vault '${vault}'. For help resolving this issue, please see ${ACCESS_DENIED_HELP}`,
  ].join('\r\n');
  return new KeyVaultError(403, 'Forbidden', message, 'ForbiddenByRbac');
}

/**
 * Key Vault's 429 body, as the service answers a vault over its request limit (docs/emulator.md cites
 * a captured answer): code `Throttled`, no Retry-After header unless the emulator is asked for one.
 */
export const THROTTLED_MESSAGE =
  'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached';

/** 429 as Key Vault throttles: code Throttled, Retry-After only when given. */
export function throttled(retryAfterSeconds?: number): KeyVaultError {
  return new KeyVaultError(
    429,
    'Throttled',
    THROTTLED_MESSAGE,
    undefined,
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
  );
}

/** Key Vault-shaped error for a scripted fault status (500, 503, 429, anything). */
export function faultError(status: number, retryAfterSeconds?: number): KeyVaultError {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  if (status === 429) return throttled(retryAfterSeconds);
  if (status === 503) {
    return new KeyVaultError(
      503,
      'ServiceUnavailable',
      'The service is temporarily unavailable. Please retry later.',
      undefined,
      headers,
    );
  }
  if (status >= 500) {
    return new KeyVaultError(
      status,
      'InternalServerError',
      'The server encountered an internal error. Please retry the request.',
      undefined,
      headers,
    );
  }
  const codes: Record<number, string> = {
    400: 'BadParameter',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    408: 'RequestTimeout',
    409: 'Conflict',
  };
  return new KeyVaultError(
    status,
    codes[status] ?? 'Error',
    `Injected fault: HTTP ${status}.`,
    undefined,
    headers,
  );
}

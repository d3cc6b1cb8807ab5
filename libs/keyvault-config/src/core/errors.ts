/**
 * The one error type the library throws, with stable codes. Messages say what failed, for which key or
 * credential, and what to do. They never contain a secret value, and neither does their `cause` chain.
 */

/** Stable error codes (part of the public API). */
export const KeyVaultConfigErrorCode = {
  /** No credential in the chain could get a token. */
  CredentialUnavailable: 'CREDENTIAL_UNAVAILABLE',
  /** The identity lacks a permission (list or get) on the vault. */
  AccessDenied: 'ACCESS_DENIED',
  /** DNS failure, connection refused/reset, TLS failure, or 5xx after retries. */
  VaultUnreachable: 'VAULT_UNREACHABLE',
  /** An explicitly named (non-optional) secret, or a referenced one, does not exist. */
  SecretNotFound: 'SECRET_NOT_FOUND',
  /** The load did not finish within `timeoutMs`. */
  Timeout: 'TIMEOUT',
  /** The options are invalid (bad URL, http for a non-loopback host, bad names, …). */
  InvalidOptions: 'INVALID_OPTIONS',
  /** A secret's content could not be used (e.g. invalid JSON with contentType application/json). */
  InvalidSecretContent: 'INVALID_SECRET_CONTENT',
  /** Two secrets map to one key, or a value and an object share a path. */
  KeyCollision: 'KEY_COLLISION',
  /** A `@Microsoft.KeyVault(...)` reference is malformed or cannot be resolved. */
  InvalidReference: 'INVALID_REFERENCE',
  /** The merged configuration failed `validationSchema`. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** Throttled (429) beyond the retry budget. */
  Throttled: 'THROTTLED',
} as const;

export type KeyVaultConfigErrorCode = (typeof KeyVaultConfigErrorCode)[keyof typeof KeyVaultConfigErrorCode];

/** Fields that say what an error is about. None of them is ever a secret value. */
export interface KeyVaultConfigErrorDetails {
  /** Secret name in the vault. */
  secretName?: string;
  /** Vault host (e.g. `my-vault.vault.azure.net`). */
  vault?: string;
  /** Configuration key (dot path), or the environment variable of a reference / an option name. */
  key?: string;
  /** Credential that was used (class name, e.g. `ManagedIdentityCredential`). */
  credential?: string;
  /** The missing permission (`list` or `get`) for ACCESS_DENIED. */
  permission?: string;
  /** Who was denied: `appid=…;oid=…` as Key Vault reported it (identities are not secret). */
  identity?: string;
  /** The underlying error; never one whose text can contain a secret value. */
  cause?: unknown;
}

/**
 * The one error type of the library. `code` is stable (see {@link KeyVaultConfigErrorCode}); `message`
 * is a single readable paragraph: what failed, for which key / secret / vault / credential, and what to
 * do. Neither the message, the fields nor the `cause` chain contain a secret value.
 */
export class KeyVaultConfigError extends Error {
  override readonly name = 'KeyVaultConfigError';
  readonly code: KeyVaultConfigErrorCode;
  readonly secretName?: string;
  readonly vault?: string;
  readonly key?: string;
  readonly credential?: string;
  readonly permission?: string;
  readonly identity?: string;

  constructor(code: KeyVaultConfigErrorCode, message: string, details: KeyVaultConfigErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.secretName = details.secretName;
    this.vault = details.vault;
    this.key = details.key;
    this.credential = details.credential;
    this.permission = details.permission;
    this.identity = details.identity;
  }
}

/** True for a {@link KeyVaultConfigError} (also across duplicated copies of the package). */
export function isKeyVaultConfigError(error: unknown): error is KeyVaultConfigError {
  return (
    error instanceof KeyVaultConfigError ||
    (error instanceof Error &&
      error.name === 'KeyVaultConfigError' &&
      typeof (error as { code?: unknown }).code === 'string')
  );
}

// ---------------------------------------------------------------------------------------------------
// Mapping of Azure SDK failures (RestError, AbortError, Node system errors) to KeyVaultConfigError.
// Key Vault's error bodies never contain secret values; requests and responses attached to a RestError
// can (the bearer token, a response body), so a RestError is never kept as `cause` — a copy without
// request and response is.
// ---------------------------------------------------------------------------------------------------

/** What was being done when an SDK call failed. */
export interface SdkErrorContext {
  operation: 'list' | 'get';
  /** Vault host. */
  vault: string;
  secretName?: string;
  /** Configuration key the secret maps to. */
  key?: string;
  /** Environment variable holding a `@Microsoft.KeyVault(...)` reference. */
  variable?: string;
  /** Credential class name and the identity from the token's claims, when known. */
  credential?: { name: string; detail?: string; objectId?: string; clientId?: string };
  maxRetries?: number;
}

/** The parts of an SDK error the mapping reads. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  details?: { error?: { code?: string; message?: string; innerError?: { code?: string } } };
}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);
const TLS_CODE_PATTERN =
  /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|HOSTNAME_MISMATCH)/;

/** Key Vault error bodies, by the request that got them (see {@link recordErrorBody}). */
const errorBodies = new WeakMap<
  object,
  { code?: string; message?: string; innerError?: { code?: string } }
>();

/**
 * Keeps Key Vault's error body of a failed request. The SDK's pager throws "Pagination failed with
 * unexpected statusCode 403" without the body, which holds what the message needs (permission, caller).
 * Error bodies never contain secret values.
 */
export function recordErrorBody(request: object, bodyAsText: string | undefined): void {
  if (!bodyAsText) return;
  try {
    const parsed = JSON.parse(bodyAsText) as {
      error?: { code?: unknown; message?: unknown; innererror?: { code?: unknown } };
    };
    const error = parsed?.error;
    if (!error || typeof error !== 'object') return;
    errorBodies.set(request, {
      code: typeof error.code === 'string' ? error.code : undefined,
      message: typeof error.message === 'string' ? error.message : undefined,
      innerError: typeof error.innererror?.code === 'string' ? { code: error.innererror.code } : undefined,
    });
  } catch {
    // not Key Vault's JSON error: nothing to keep
  }
}

function shape(error: unknown): SdkErrorShape {
  if (error === null || typeof error !== 'object') return {};
  const e = error as SdkErrorShape & { request?: object };
  const body = e.request && !e.details?.error ? errorBodies.get(e.request) : undefined;
  if (!body) return e;
  return {
    name: e.name,
    code: e.code ?? body.code,
    statusCode: e.statusCode,
    message: body.message ?? e.message,
    details: { error: body },
  };
}

/** A RestError (from any copy of core-rest-pipeline / ts-http-runtime). */
export function isRestError(error: unknown): boolean {
  return shape(error).name === 'RestError';
}

/** An abort (timeout or a sibling failure cancelled the load). */
export function isAbortError(error: unknown): boolean {
  return shape(error).name === 'AbortError';
}

/** 404 from Key Vault (secret absent or deleted). */
export function isNotFoundError(error: unknown): boolean {
  return isRestError(error) && shape(error).statusCode === 404;
}

/** 403 because the secret (version) is disabled — not an access problem. */
export function isSecretDisabledError(error: unknown): boolean {
  const e = shape(error);
  return (
    isRestError(error) &&
    e.statusCode === 403 &&
    (e.details?.error?.innerError?.code === 'SecretDisabled' || /disabled secret/i.test(e.message ?? ''))
  );
}

/** The Node/system error code of a transport failure (ECONNREFUSED, ENOTFOUND, CERT_…), if any. */
function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = shape(e).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || TLS_CODE_PATTERN.test(code))) return code;
  }
  return undefined;
}

/** A copy of an SDK error safe to keep as `cause`: name, code, status and message only. */
export function safeCause(error: unknown): unknown {
  if (!isRestError(error)) return error;
  const e = shape(error);
  const copy = new Error(e.message ?? 'RestError') as Error & { code?: string; statusCode?: number };
  copy.name = 'RestError';
  copy.code = e.code;
  copy.statusCode = e.statusCode;
  return copy;
}

/** `my-vault.vault.azure.net` → `my-vault`; an IP or loopback host → `<vault-name>`. */
export function vaultNameOf(host: string, keyVaultMessage = ''): string {
  const fromMessage = /Vault:\s*([0-9a-zA-Z-]+);/.exec(keyVaultMessage)?.[1];
  if (fromMessage) return fromMessage;
  const hostname = host.replace(/:\d+$/, '');
  if (/^[\d.]+$/.test(hostname) || hostname.startsWith('[') || hostname === 'localhost')
    return '<vault-name>';
  return hostname.split('.')[0] ?? '<vault-name>';
}

/** `appid=…;oid=…` of the caller, as Key Vault's 403 message reports it. */
function callerOf(message: string): { clientId?: string; objectId?: string } {
  return {
    clientId: /appid=([0-9a-zA-Z-]+)/i.exec(message)?.[1],
    objectId: /oid=([0-9a-zA-Z-]+)/i.exec(message)?.[1],
  };
}

function subjectOf(ctx: SdkErrorContext): string {
  if (ctx.variable) {
    return `environment variable ${ctx.variable} (a reference to secret '${ctx.secretName}' in ${ctx.vault})`;
  }
  if (ctx.secretName) {
    return `secret '${ctx.secretName}'${ctx.key ? ` (key '${ctx.key}')` : ''} in ${ctx.vault}`;
  }
  return `the secrets of ${ctx.vault}`;
}

function credentialPhrase(ctx: SdkErrorContext): string {
  const c = ctx.credential;
  if (!c) return '';
  return ` using ${c.name}${c.detail ? ` (${c.detail})` : ''}`;
}

function accessDenied(error: unknown, ctx: SdkErrorContext): KeyVaultConfigError {
  const e = shape(error);
  const kvMessage = e.message ?? '';
  const caller = callerOf(kvMessage);
  const objectId = caller.objectId ?? ctx.credential?.objectId;
  const clientId = caller.clientId ?? ctx.credential?.clientId;
  const identity = [clientId && `appid=${clientId}`, objectId && `oid=${objectId}`].filter(Boolean).join(';');
  const vaultName = vaultNameOf(ctx.vault, kvMessage);
  const assignee = objectId ?? clientId ?? '<objectId or clientId>';
  const action = /Action:\s*'([^']+)'/.exec(kvMessage)?.[1];
  const policyPermission = /does not have secrets? (\w+) permission/i.exec(kvMessage)?.[1]?.toLowerCase();
  const permission = policyPermission ?? ctx.operation;
  const who = identity
    ? `the identity ${identity}${credentialPhrase(ctx)}`
    : `the identity${credentialPhrase(ctx)}`;
  const innerCode = e.details?.error?.innerError?.code;

  if (innerCode === 'ForbiddenByFirewall' || /Client address is not authorized/i.test(kvMessage)) {
    return new KeyVaultConfigError(
      KeyVaultConfigErrorCode.AccessDenied,
      `Access denied by the firewall of vault '${vaultName}' (${ctx.vault}) while trying to ${permission} ${subjectOf(ctx)}: this client's address is not allowed. Allow it with \`az keyvault network-rule add --name ${vaultName} --ip-address <your public IP>\`, or use a private endpoint / virtual network rule for the app.`,
      { ...fields(ctx), permission, identity: identity || undefined, cause: safeCause(error) },
    );
  }

  const accessPolicyFix = `az keyvault set-policy --name ${vaultName} --object-id ${objectId ?? '<objectId>'} --secret-permissions get list`;
  const rbacFix = `az role assignment create --role "Key Vault Secrets User" --assignee ${assignee} --scope $(az keyvault show --name ${vaultName} --query id -o tsv)`;
  const rbac = innerCode === 'ForbiddenByRbac' || /Caller is not authorized|Assignment:/i.test(kvMessage);
  const fix =
    policyPermission && !rbac
      ? `The vault uses access policies: grant it with \`${accessPolicyFix}\` (or move the vault to Azure RBAC and run \`${rbacFix}\`).`
      : `Grant it with \`${rbacFix}\` (role assignments take a few minutes to apply; a vault still on access policies needs \`${accessPolicyFix}\` instead).`;
  const explicitHint =
    permission === 'list'
      ? ' If the identity may get but not list secrets, name them explicitly with the `secrets` option: explicit mode only gets and never lists.'
      : '';
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.AccessDenied,
    `Access denied: ${who} lacks the secrets ${permission} permission on vault '${vaultName}' (${ctx.vault}) needed to read ${subjectOf(ctx)} — Key Vault answered ${e.statusCode ?? 403}${action ? ` for action ${action}` : ''}. ${fix}${explicitHint}`,
    { ...fields(ctx), permission, identity: identity || undefined, cause: safeCause(error) },
  );
}

function fields(ctx: SdkErrorContext): KeyVaultConfigErrorDetails {
  return {
    vault: ctx.vault,
    secretName: ctx.secretName,
    key: ctx.variable ?? ctx.key,
    credential: ctx.credential?.name,
  };
}

/**
 * Maps a failure of a Key Vault call to a {@link KeyVaultConfigError} with a fix. Credential failures
 * (CredentialUnavailableError, AuthenticationError) are handled by the caller before this.
 */
export function mapSdkError(error: unknown, ctx: SdkErrorContext): KeyVaultConfigError {
  if (isKeyVaultConfigError(error)) return error;
  const e = shape(error);
  const vaultName = vaultNameOf(ctx.vault, e.message);
  const retries = ctx.maxRetries === undefined ? '' : ` after ${ctx.maxRetries} retries`;

  if (isRestError(error) && e.statusCode !== undefined) {
    switch (e.statusCode) {
      case 401:
        return new KeyVaultConfigError(
          KeyVaultConfigErrorCode.AccessDenied,
          `Key Vault ${ctx.vault} rejected the token${credentialPhrase(ctx)} while reading ${subjectOf(ctx)} (401 ${e.code ?? 'Unauthorized'}): the token is for another tenant or audience. Check that the identity belongs to the vault's tenant (\`az keyvault show --name ${vaultName} --query properties.tenantId\`) and set AZURE_TENANT_ID if you use a multi-tenant developer login.`,
          { ...fields(ctx), permission: ctx.operation, cause: safeCause(error) },
        );
      case 403:
        return accessDenied(error, ctx);
      case 404:
        if (ctx.operation === 'get') {
          return new KeyVaultConfigError(
            KeyVaultConfigErrorCode.SecretNotFound,
            `${capitalize(subjectOf(ctx))} does not exist (or is deleted). Create it with \`az keyvault secret set --vault-name ${vaultName} --name ${ctx.secretName ?? '<name>'} --file <file>\`${ctx.variable ? ', or fix the reference' : ', or mark it optional'}${ctx.variable ? '' : ' (`{ name, optional: true }`)'}; a soft-deleted secret can be recovered with \`az keyvault secret recover --vault-name ${vaultName} --name ${ctx.secretName ?? '<name>'}\`.`,
            { ...fields(ctx), cause: safeCause(error) },
          );
        }
        return new KeyVaultConfigError(
          KeyVaultConfigErrorCode.VaultUnreachable,
          `${ctx.vault} answered 404 to the secret list: it does not look like a Key Vault. Check the URL with \`az keyvault show --name ${vaultName} --query properties.vaultUri\`.`,
          { ...fields(ctx), cause: safeCause(error) },
        );
      case 429:
        return new KeyVaultConfigError(
          KeyVaultConfigErrorCode.Throttled,
          `Key Vault ${ctx.vault} kept throttling (429)${retries} while reading ${subjectOf(ctx)}. Lower \`concurrency\`, raise \`maxRetries\`, use explicit mode to read fewer secrets, or spread the startups of many instances (Key Vault allows about 4000 secret reads per 10 s per vault).`,
          { ...fields(ctx), cause: safeCause(error) },
        );
      default:
        if (e.statusCode >= 500) {
          return new KeyVaultConfigError(
            KeyVaultConfigErrorCode.VaultUnreachable,
            `Key Vault ${ctx.vault} failed with ${e.statusCode}${e.code ? ` ${e.code}` : ''}${retries} while reading ${subjectOf(ctx)}. The service is unavailable: retry later, check https://status.azure.com, or raise \`maxRetries\` / \`timeoutMs\`.`,
            { ...fields(ctx), cause: safeCause(error) },
          );
        }
        return new KeyVaultConfigError(
          KeyVaultConfigErrorCode.VaultUnreachable,
          `Key Vault ${ctx.vault} answered ${e.statusCode}${e.code ? ` ${e.code}` : ''} while reading ${subjectOf(ctx)}: ${e.message ?? 'unexpected response'}.`,
          { ...fields(ctx), cause: safeCause(error) },
        );
    }
  }

  const code = systemCode(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new KeyVaultConfigError(
      KeyVaultConfigErrorCode.VaultUnreachable,
      `The vault host ${ctx.vault} could not be resolved (${code}) while reading ${subjectOf(ctx)}. Check the vault URL (\`az keyvault show --name ${vaultName} --query properties.vaultUri\`), the DNS suffix of your cloud (\`vaultDnsSuffix\`), and private DNS zones if the vault has a private endpoint.`,
      { ...fields(ctx), cause: safeCause(error) },
    );
  }
  if (code && TLS_CODE_PATTERN.test(code)) {
    return new KeyVaultConfigError(
      KeyVaultConfigErrorCode.VaultUnreachable,
      `The TLS connection to ${ctx.vault} failed (${code}) while reading ${subjectOf(ctx)}. A proxy or a private CA is intercepting HTTPS: trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem> or \`clientOptions.tlsOptions.ca\`; for the local emulator use its CA certificate.`,
      { ...fields(ctx), cause: safeCause(error) },
    );
  }
  if (code) {
    return new KeyVaultConfigError(
      KeyVaultConfigErrorCode.VaultUnreachable,
      `The vault ${ctx.vault} is unreachable (${code})${retries} while reading ${subjectOf(ctx)}. Check the URL (\`az keyvault show --name ${vaultName}\`), the network path (firewall, proxy, private endpoint) and that the vault exists.`,
      { ...fields(ctx), cause: safeCause(error) },
    );
  }
  const message = e.message ?? String(error);
  if (/challenge resource/i.test(message)) {
    return new KeyVaultConfigError(
      KeyVaultConfigErrorCode.VaultUnreachable,
      `The vault at ${ctx.vault} asked for a token for another resource than its host, so the SDK refused to authenticate (challenge resource verification). Use the vault's real URL (\`az keyvault show --name ${vaultName} --query properties.vaultUri\`); only loopback hosts skip this check.`,
      { ...fields(ctx), cause: safeCause(error) },
    );
  }
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.VaultUnreachable,
    `Reading ${subjectOf(ctx)} failed: ${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}. Check the vault URL and the network path (\`az keyvault show --name ${vaultName}\`).`,
    { ...fields(ctx), cause: safeCause(error) },
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

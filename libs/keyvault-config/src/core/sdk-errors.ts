/**
 * Azure SDK failures (RestError, AbortError, Node system errors) classified and mapped to one
 * KeyVaultConfigError with its fix: by HTTP status, Key Vault's error code and the system error code —
 * never by copying a message that could carry a response body.
 */
import {
  isKeyVaultConfigError,
  KeyVaultConfigError,
  KeyVaultConfigErrorCode,
  type KeyVaultConfigErrorDetails,
} from './errors.js';
import * as messages from './messages/index.js';
import type { VaultSubject } from './messages/index.js';
import { NO_ERROR_BODY, UNREADABLE_RESPONSE } from './response-guard.js';

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
  // The guard's "no Key Vault error body" is no service code: the status alone says what happened.
  if (e.code === NO_ERROR_BODY) return { name: e.name, statusCode: e.statusCode, message: e.message };
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

/**
 * Key Vault's own error text (`error.message` of its error JSON), or undefined. Any other message of
 * an SDK error — a parse failure, a pager's, a proxy's — can carry the body and is never read.
 */
function serviceMessageOf(error: unknown): string | undefined {
  const e = shape(error);
  return e.details?.error ? e.details.error.message : undefined;
}

/**
 * A copy of an SDK error safe to keep as `cause`: name, code and status only. Its message is made of
 * them too: an SDK message can quote the response body (a parse error quotes a truncated secret).
 */
export function safeCause(error: unknown): unknown {
  if (!isRestError(error)) return error;
  const e = shape(error);
  const text = [e.statusCode === undefined ? undefined : `status ${e.statusCode}`, e.code].filter(Boolean);
  const copy = new Error(
    `Key Vault request failed${text.length > 0 ? ` (${text.join(', ')})` : ''}.`,
  ) as Error & {
    code?: string;
    statusCode?: number;
  };
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

function subject(ctx: SdkErrorContext): VaultSubject {
  return { vault: ctx.vault, secretName: ctx.secretName, key: ctx.key, variable: ctx.variable };
}

function accessDenied(error: unknown, ctx: SdkErrorContext): KeyVaultConfigError {
  const e = shape(error);
  const kvMessage = serviceMessageOf(error) ?? '';
  const caller = callerOf(kvMessage);
  const objectId = caller.objectId ?? ctx.credential?.objectId;
  const clientId = caller.clientId ?? ctx.credential?.clientId;
  const identity = [clientId && `appid=${clientId}`, objectId && `oid=${objectId}`].filter(Boolean).join(';');
  const vaultName = vaultNameOf(ctx.vault, kvMessage);
  const policyPermission = /does not have secrets? (\w+) permission/i.exec(kvMessage)?.[1]?.toLowerCase();
  const permission = policyPermission ?? ctx.operation;
  const innerCode = e.details?.error?.innerError?.code;
  const details = { ...fields(ctx), permission, identity: identity || undefined, cause: safeCause(error) };

  if (innerCode === 'ForbiddenByFirewall' || /Client address is not authorized/i.test(kvMessage)) {
    const message = messages.firewallDenied({ subject: subject(ctx), vaultName, permission });
    return new KeyVaultConfigError(KeyVaultConfigErrorCode.AccessDenied, message, details);
  }
  const rbac = innerCode === 'ForbiddenByRbac' || /Caller is not authorized|Assignment:/i.test(kvMessage);
  const message = messages.accessDenied({
    subject: subject(ctx),
    vaultName,
    permission,
    identity,
    credential: ctx.credential,
    objectId,
    assignee: objectId ?? clientId ?? '<objectId or clientId>',
    status: e.statusCode ?? 403,
    action: /Action:\s*'([\w./-]+)'/.exec(kvMessage)?.[1],
    accessPolicies: policyPermission !== undefined && !rbac,
  });
  return new KeyVaultConfigError(KeyVaultConfigErrorCode.AccessDenied, message, details);
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
  const vaultName = vaultNameOf(ctx.vault, serviceMessageOf(error));
  const about = subject(ctx);
  const unreachable = (message: string): KeyVaultConfigError =>
    new KeyVaultConfigError(KeyVaultConfigErrorCode.VaultUnreachable, message, {
      ...fields(ctx),
      cause: safeCause(error),
    });

  if (isRestError(error) && e.statusCode !== undefined) {
    return mapStatus(error, e.statusCode, ctx, vaultName);
  }
  const code = systemCode(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return unreachable(messages.hostNotResolved({ subject: about, vaultName, code }));
  }
  if (code && TLS_CODE_PATTERN.test(code)) return unreachable(messages.tlsFailed({ subject: about, code }));
  if (code) {
    return unreachable(
      messages.vaultUnreachable({ subject: about, vaultName, code, maxRetries: ctx.maxRetries }),
    );
  }
  if (e.name !== 'RestError' && /challenge resource/i.test(e.message ?? '')) {
    return unreachable(messages.challengeResourceMismatch({ vault: ctx.vault, vaultName }));
  }
  return unreachable(messages.requestFailed({ subject: about, vaultName, errorName: e.name, code: e.code }));
}

/** The error for an HTTP status from Key Vault. */
function mapStatus(
  error: unknown,
  status: number,
  ctx: SdkErrorContext,
  vaultName: string,
): KeyVaultConfigError {
  const e = shape(error);
  const about = subject(ctx);
  const details = { ...fields(ctx), cause: safeCause(error) };
  const fail = (code: KeyVaultConfigErrorCode, message: string): KeyVaultConfigError =>
    new KeyVaultConfigError(code, message, details);
  if (e.code === UNREADABLE_RESPONSE || (status >= 200 && status < 300)) {
    return fail(
      KeyVaultConfigErrorCode.VaultUnreachable,
      messages.unreadableResponse({ subject: about, vaultName, status }),
    );
  }
  switch (status) {
    case 401:
      return new KeyVaultConfigError(
        KeyVaultConfigErrorCode.AccessDenied,
        messages.tokenRejected({ subject: about, vaultName, credential: ctx.credential, code: e.code }),
        { ...details, permission: ctx.operation },
      );
    case 403:
      return accessDenied(error, ctx);
    case 404:
      return ctx.operation === 'get'
        ? fail(KeyVaultConfigErrorCode.SecretNotFound, messages.secretNotFound({ subject: about, vaultName }))
        : fail(
            KeyVaultConfigErrorCode.VaultUnreachable,
            messages.notAKeyVault({ vault: ctx.vault, vaultName }),
          );
    case 429:
      return fail(
        KeyVaultConfigErrorCode.Throttled,
        messages.throttled({ subject: about, maxRetries: ctx.maxRetries }),
      );
    default:
      return fail(
        KeyVaultConfigErrorCode.VaultUnreachable,
        status >= 500
          ? messages.serviceFailed({ subject: about, status, code: e.code, maxRetries: ctx.maxRetries })
          : messages.unexpectedStatus({ subject: about, status, code: e.code }),
      );
  }
}

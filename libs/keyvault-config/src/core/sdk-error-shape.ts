/**
 * Reading an Azure SDK failure (RestError, AbortError, Node system errors): the fields the mapping may
 * look at — name, HTTP status, Key Vault's error code and its own error text, the system error code of
 * the transport — and the classifiers built on them. Never the message of an SDK error that could carry
 * a response body: Key Vault's error bodies hold no secret value, other bodies can.
 */
import { NO_ERROR_BODY } from './response-guard.js';

/** The parts of an SDK error the mapping reads. */
export interface SdkErrorShape {
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
/** System error codes of a TLS failure (certificate, handshake, host name). */
export const TLS_CODE_PATTERN =
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

/** The fields of `error` the mapping reads, completed by the error body recorded for its request. */
export function sdkErrorShape(error: unknown): SdkErrorShape {
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
  return sdkErrorShape(error).name === 'RestError';
}

/** An abort (timeout or a sibling failure cancelled the load). */
export function isAbortError(error: unknown): boolean {
  return sdkErrorShape(error).name === 'AbortError';
}

/** 404 from Key Vault (secret absent or deleted). */
export function isNotFoundError(error: unknown): boolean {
  return isRestError(error) && sdkErrorShape(error).statusCode === 404;
}

/** 403 because the secret (version) is disabled — not an access problem. */
export function isSecretDisabledError(error: unknown): boolean {
  const e = sdkErrorShape(error);
  return (
    isRestError(error) &&
    e.statusCode === 403 &&
    (e.details?.error?.innerError?.code === 'SecretDisabled' || /disabled secret/i.test(e.message ?? ''))
  );
}

/** The Node/system error code of a transport failure (ECONNREFUSED, ENOTFOUND, CERT_…), if any. */
export function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = sdkErrorShape(e).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || TLS_CODE_PATTERN.test(code))) return code;
  }
  return undefined;
}

/**
 * Key Vault's own error text (`error.message` of its error JSON), or undefined. Any other message of
 * an SDK error — a parse failure, a pager's, a proxy's — can carry the body and is never read.
 */
export function serviceMessageOf(error: unknown): string | undefined {
  const e = sdkErrorShape(error);
  return e.details?.error ? e.details.error.message : undefined;
}

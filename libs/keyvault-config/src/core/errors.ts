/**
 * The one error type the library throws, with stable codes. Messages say what failed, for which key or
 * credential, and what to do. They never contain a secret value, and neither does their `cause` chain.
 * The texts live in messages/; this file decides which one applies.
 */
import { redact, redactCause } from './redaction.js';

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
  /** A mounted secrets directory or file (`mountPath`) cannot be read, is not a file, or is over 25 KB. */
  MountUnreadable: 'MOUNT_UNREADABLE',
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
    // Last line of defence: no value the library holds survives in the message or the cause chain.
    super(redact(message), details.cause === undefined ? undefined : { cause: redactCause(details.cause) });
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

// SDK failures are read in sdk-error-shape.ts, mapped in sdk-errors.ts and kept as cause through
// safe-cause.ts; re-exported so every caller keeps one import.
export {
  isAbortError,
  isNotFoundError,
  isRestError,
  isSecretDisabledError,
  recordErrorBody,
} from './sdk-error-shape.js';
export { mapSdkError, vaultNameOf, type SdkErrorContext } from './sdk-errors.js';
export { safeCause } from './safe-cause.js';

/**
 * Azure SDK failures mapped to one KeyVaultConfigError with its fix: by HTTP status, Key Vault's error
 * code and the system error code (read by `sdk-error-shape.ts`) — never by copying a message that could
 * carry a response body. The cause kept is `safeCause`'s copy.
 */
import {
  isKeyVaultConfigError,
  KeyVaultConfigError,
  KeyVaultConfigErrorCode,
  type KeyVaultConfigErrorDetails,
} from './errors.js';
import * as messages from './messages/index.js';
import type { VaultSubject } from './messages/index.js';
import { UNREADABLE_RESPONSE } from './response-guard.js';
import { safeCause } from './safe-cause.js';
import {
  isRestError,
  sdkErrorShape as shape,
  serviceMessageOf,
  systemCode,
  TLS_CODE_PATTERN,
} from './sdk-error-shape.js';

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

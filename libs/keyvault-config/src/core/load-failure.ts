/**
 * How anything that goes wrong in a load becomes the one KeyVaultConfigError it fails with: credential
 * errors first (the credential's own mapping), then the load's deadline, then SDK and network errors.
 */
import { toCredentialError } from './credential.js';
import {
  isAbortError,
  isKeyVaultConfigError,
  KeyVaultConfigError,
  KeyVaultConfigErrorCode,
  mapSdkError,
  vaultNameOf,
  type SdkErrorContext,
} from './errors.js';
import type { LoadContext } from './load-context.js';
import { loadTimedOut } from './messages/index.js';

/**
 * The KeyVaultConfigError for `error`. Inside a load (`load` given) an abort is the load's deadline and
 * SDK errors name the credential and `maxRetries`; outside one (resolving options or the credential,
 * merging, validating) errors are mapped as they are.
 */
export function toLoadFailure(error: unknown, sdk: SdkErrorContext, load?: LoadContext): KeyVaultConfigError {
  if (isKeyVaultConfigError(error)) return error;
  const credentialError = toCredentialError(error);
  if (credentialError) return credentialError;
  if (!load) return mapSdkError(error, sdk);
  if (isAbortError(error)) return timeoutError(load.options.timeoutMs, sdk.vault ? [sdk.vault] : []);
  return mapSdkError(error, {
    ...sdk,
    credential: load.credential.describe(),
    maxRetries: load.options.maxRetries,
  });
}

/** The load did not finish within `timeoutMs`. */
export function timeoutError(
  timeoutMs: number,
  hosts: string[],
  pending?: { tokenPending: boolean; requests: string[] },
): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.Timeout,
    loadTimedOut({ timeoutMs, hosts, vaultName: vaultNameOf(hosts[0] ?? ''), ...pending }),
    { vault: hosts.join(', ') || undefined },
  );
}

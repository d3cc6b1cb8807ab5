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
import type { KeyVaultThrottlingFigures } from './interfaces.js';
import type { LoadContext } from './load-context.js';
import { loadTimedOut, throttledUntilDeadline, type PendingTokenAnswers } from './messages/index.js';
import { ThrottleDeadlineError, type LoadThrottle } from './throttle-scope.js';

/**
 * The KeyVaultConfigError for `error`. Inside a load (`load` given) an abort is the load's deadline and
 * SDK errors name the credential and `maxRetries`; outside one (resolving options or the credential,
 * merging, validating) errors are mapped as they are.
 */
export function toLoadFailure(error: unknown, sdk: SdkErrorContext, load?: LoadContext): KeyVaultConfigError {
  if (isKeyVaultConfigError(error)) return error;
  const credentialError = toCredentialError(error);
  if (credentialError) return credentialError;
  if (error instanceof ThrottleDeadlineError) {
    return throttledError(sdk, load?.options.timeoutMs ?? 0, error.figures);
  }
  if (!load) return mapSdkError(error, sdk);
  if (isAbortError(error)) {
    return timeoutError(load.options.timeoutMs, sdk.vault ? [sdk.vault] : [], undefined, load.throttle);
  }
  return mapSdkError(error, {
    ...sdk,
    credential: load.credential.describe(),
    maxRetries: load.options.maxRetries,
  });
}

/** THROTTLED with the load's figures: the vault's throttle held the load past its deadline. */
function throttledError(
  sdk: SdkErrorContext,
  timeoutMs: number,
  figures: KeyVaultThrottlingFigures,
): KeyVaultConfigError {
  const subject = { vault: sdk.vault, secretName: sdk.secretName, key: sdk.key, variable: sdk.variable };
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.Throttled,
    throttledUntilDeadline({ subject, timeoutMs, ...figures }),
    { vault: sdk.vault, secretName: sdk.secretName, key: sdk.variable ?? sdk.key },
  );
}

/**
 * The load did not finish within `timeoutMs`: THROTTLED (with its figures) when a vault throttled the
 * load, TIMEOUT otherwise.
 */
export function timeoutError(
  timeoutMs: number,
  hosts: string[],
  pending?: { token?: PendingTokenAnswers; requests: string[] },
  throttle?: LoadThrottle,
): KeyVaultConfigError {
  if (throttle && throttle.responses429 > 0) {
    return throttledError({ operation: 'get', vault: hosts.join(', ') }, timeoutMs, throttle.figures());
  }
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.Timeout,
    loadTimedOut({ timeoutMs, hosts, vaultName: vaultNameOf(hosts[0] ?? ''), ...pending }),
    { vault: hosts.join(', ') || undefined },
  );
}

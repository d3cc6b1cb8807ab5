/**
 * The startup load itself, exactly as the application runs it (the load `forRoot` and
 * `loadKeyVaultSecrets` share, with the same options), recorded on the wire: its verdict is the
 * doctor's verdict, its report names the keys, the credential and the identity, and its timeline is the picture of the bootstrap. Run first, so the
 * timeline shows a cold start (challenge and token included), as the application's own start does.
 */
import { isKeyVaultConfigError, KeyVaultConfigError, KeyVaultConfigErrorCode } from '../../core/errors.js';
import type { KeyVaultConfigOptions, KeyVaultLoadResult } from '../../core/interfaces.js';
import { loadForRefresh } from '../../core/loader.js';
import { KeyVaultTimelineRecorder, timelinePolicy } from '../../core/timeline.js';

/** What the load did. */
export interface LoadStep {
  result?: KeyVaultLoadResult;
  error?: KeyVaultConfigError;
  /** Warning lines the library logged (never values). */
  warnings: string[];
  recorder: KeyVaultTimelineRecorder;
  ms: number;
}

/** Runs the load with a capturing logger and a timeline recorder added to the caller's client options. */
export async function runStartupLoad(options: KeyVaultConfigOptions): Promise<LoadStep> {
  const recorder = new KeyVaultTimelineRecorder();
  const warnings: string[] = [];
  const logger = {
    log: () => undefined,
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
  };
  const clientOptions = {
    ...options.clientOptions,
    additionalPolicies: [
      ...(options.clientOptions?.additionalPolicies ?? []),
      { policy: timelinePolicy(recorder), position: 'perRetry' as const },
    ],
  };
  const start = performance.now();
  try {
    // The application's first load, refresh options included (forRoot's options may rotate), so not
    // the load-once entry point, which refuses them.
    const { result } = await loadForRefresh({ ...options, logger, clientOptions });
    return { result, warnings, recorder, ms: Math.round(performance.now() - start) };
  } catch (error) {
    // The loader throws KeyVaultConfigError only; anything else is reported, not rethrown.
    const failure = isKeyVaultConfigError(error)
      ? error
      : new KeyVaultConfigError(
          KeyVaultConfigErrorCode.InvalidOptions,
          `The load failed unexpectedly: ${String(error)}`,
        );
    return { error: failure, warnings, recorder, ms: Math.round(performance.now() - start) };
  }
}

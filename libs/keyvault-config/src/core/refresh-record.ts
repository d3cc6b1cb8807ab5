/**
 * What refresh cycles leave behind, apart from when they run (refresh-scheduler.ts): the last attempt
 * and success, the consecutive-failure count and when the streak began, the last error, the keys
 * loaded; one warning per failure streak and one recovery line; the summaries a cycle resolves to.
 */
import { REFRESH_STOPPED_CODE, REFRESH_UNEXPECTED_CODE } from './constants.js';
import { isKeyVaultConfigError } from './errors.js';
import type { KeyVaultConfigLogger, KeyVaultRefreshState, KeyVaultRefreshSummary } from './interfaces.js';
import {
  refreshFailed,
  refreshRecovered,
  refreshStillFailing,
  refreshUnexpectedError,
} from './messages/index.js';
import { noChanges } from './snapshot-diff.js';

/** A failure as it is logged and reported: a code and a message without any value. */
export interface RefreshError {
  code: string;
  message: string;
}

/**
 * The `{ code, message }` of a failure. Only a {@link KeyVaultConfigError}'s message is trusted to be
 * free of values; anything else is named by its type alone, because messages of errors the library did
 * not write (a JSON `SyntaxError`, say) may quote the content that caused them.
 */
export function describeRefreshError(error: unknown): RefreshError {
  if (isKeyVaultConfigError(error)) return { code: error.code, message: error.message };
  const name = error instanceof Error ? error.name : typeof error;
  return {
    code: REFRESH_UNEXPECTED_CODE,
    message: refreshUnexpectedError(name),
  };
}

/** The summary of a cycle that changed nothing: failed, or cut short by `stop()`. */
export function unchangedSummary(at: Date, elapsedMs: number, error: RefreshError): KeyVaultRefreshSummary {
  return { at, ok: false, elapsedMs, changes: noChanges(at), error };
}

/** The summary of `refresh()` after `stop()` (nothing ran). */
export function stoppedSummary(at: Date): KeyVaultRefreshSummary {
  return unchangedSummary(at, 0, {
    code: REFRESH_STOPPED_CODE,
    message: 'The Key Vault refresher is stopped.',
  });
}

/** The summary of a cycle that `stop()` aborted: not a failure worth a warning or a health change. */
export function stoppedDuringCycleSummary(at: Date, elapsedMs: number): KeyVaultRefreshSummary {
  return unchangedSummary(at, elapsedMs, {
    code: REFRESH_STOPPED_CODE,
    message: 'The Key Vault refresher was stopped during a cycle.',
  });
}

/** The bookkeeping of refresh cycles: the fields of {@link KeyVaultRefreshState} cycles change. */
export class RefreshRecord {
  private lastAttemptAt?: Date;
  private lastSuccessAt?: Date;
  private failingSince?: Date;
  private lastError?: RefreshError;
  private failures = 0;

  /** `loaded` and `loadedAt` of the startup load: the state until the first successful cycle. */
  constructor(
    private readonly logger: KeyVaultConfigLogger,
    private loaded: number,
    loadedAt: Date | undefined,
  ) {
    this.lastSuccessAt = loadedAt;
  }

  /** Failures since the last success (0 when the last cycle succeeded). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The recorded fields, for the scheduler's `state`. */
  get fields(): Pick<
    KeyVaultRefreshState,
    'lastAttemptAt' | 'lastSuccessAt' | 'consecutiveFailures' | 'failingSince' | 'lastError' | 'loaded'
  > {
    return {
      lastAttemptAt: this.lastAttemptAt,
      lastSuccessAt: this.lastSuccessAt,
      consecutiveFailures: this.failures,
      failingSince: this.failingSince,
      lastError: this.lastError,
      loaded: this.loaded,
    };
  }

  attempted(at: Date): void {
    this.lastAttemptAt = at;
  }

  /** A successful cycle ends a failure streak, with one recovery line. */
  succeeded(loaded: number, at: Date): void {
    if (this.failures > 0) {
      const since = this.failingSince?.toISOString() ?? 'unknown';
      this.logger.log(refreshRecovered(this.failures, since));
    }
    this.failures = 0;
    this.failingSince = undefined;
    this.lastError = undefined;
    this.lastSuccessAt = at;
    this.loaded = loaded;
  }

  /**
   * A failed cycle: the first of a streak warns, later ones go to debug (a vault down for an hour must
   * not fill the log). `nextRetryMs` is the delay the scheduler will wait, for the message.
   */
  failed(error: RefreshError, at: Date, nextRetryMs: () => number | undefined): void {
    this.failures += 1;
    this.lastError = error;
    if (this.failures === 1) {
      this.failingSince = at;
      this.logger.warn(refreshFailed({ ...error, loaded: this.loaded, nextRetryMs: nextRetryMs() }));
    } else {
      this.logger.debug?.(
        refreshStillFailing({ ...error, failures: this.failures, nextRetryMs: nextRetryMs() }),
      );
    }
  }
}

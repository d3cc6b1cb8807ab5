/**
 * Messages of the refresher and the watcher: failed, recovered and impossible refreshes, listener
 * failures, and the line naming what a cycle changed. They take codes, counts, keys and error class
 * names; a failure's `message` is only ever a KeyVaultConfigError's (see `describeRefreshError`).
 */
import { formatDuration } from '../duration.js';

/** A failure that is not a KeyVaultConfigError: named by its type, its message withheld. */
export function refreshUnexpectedError(errorName: string): string {
  return `Refresh failed with an unexpected ${errorName} (its message is withheld because it may quote secret content).`;
}

/** The one line when refreshes work again after a failure streak. */
export function refreshRecovered(failures: number, failingSince: string): string {
  return `Key Vault refresh recovered after ${failures} failed attempt(s) (failing since ${failingSince}).`;
}

/** What a failed refresh cycle says about the next attempt; empty when no timer retries. */
function retryPhrase(nextRetryMs: number | undefined): string {
  return nextRetryMs === undefined
    ? ''
    : ` Retrying with backoff (next in about ${formatDuration(nextRetryMs)}).`;
}

/** The warning of the first failure of a streak. */
export function refreshFailed(p: {
  code: string;
  /** A KeyVaultConfigError's message, or {@link refreshUnexpectedError}'s. */
  message: string;
  /** Keys that stay as they were. */
  loaded: number;
  nextRetryMs?: number | undefined;
}): string {
  return `Key Vault refresh failed [${p.code}]: ${p.message} Keeping the last-known-good values (${p.loaded} keys).${retryPhrase(p.nextRetryMs)}`;
}

/** The debug line of every later failure of a streak. */
export function refreshStillFailing(p: {
  failures: number;
  code: string;
  message: string;
  nextRetryMs?: number | undefined;
}): string {
  return `Key Vault refresh still failing (${p.failures} in a row) [${p.code}]: ${p.message}${retryPhrase(p.nextRetryMs)}`;
}

/** A refresh asked of a watcher whose startup load never reached a vault (`optional: true`). */
export function refreshImpossible(startupCode: string | undefined): string {
  return `Refresh is not possible: the startup load failed before it could reach a vault (${startupCode ?? 'unknown'}). Fix the options and restart.`;
}

/** A `change` / `refresh` listener threw; its message is not shown (listeners handle values). */
export function listenerThrew(event: string, errorName: string): string {
  return `A Key Vault '${event}' listener threw ${errorName}; the other listeners still ran.`;
}

/** One line naming what a cycle changed: keys and removal reasons, never values. */
export function changesApplied(p: {
  added: readonly { key: string }[];
  updated: readonly { key: string }[];
  removed: readonly { key: string; reason: string }[];
}): string {
  const parts = [
    ...p.added.map((c) => `${c.key} added`),
    ...p.updated.map((c) => `${c.key} updated`),
    ...p.removed.map((c) => `${c.key} removed (${c.reason})`),
  ];
  return `Key Vault refresh applied ${parts.length} change${parts.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

/** Debug line of the Nest layer: the app wrote this key itself, so a refresh does not overwrite it. */
export function keyLeftToApp(key: string): string {
  return `Key '${key}' was set by someone else in ConfigService; the refresh leaves it.`;
}

/**
 * Load-level messages: the info line, the timeout, `optional: true`'s warning, aborts. They name hosts,
 * counts and the credential — never a value or a token.
 */
import { azKeyVaultShow } from './az-commands.js';

/** Stands in for the credential before any token was issued (nothing to attribute yet). */
export const CREDENTIAL_NOT_YET_KNOWN = 'a credential that has not issued a token yet';

/** "Loaded N secrets from <host>[, <host>] in X ms using <credential>". */
export function loadedLine(p: {
  loaded: number;
  hosts: readonly string[];
  elapsedMs: number;
  /** The credential as `describeCredential` words it. */
  credential: string;
  /** Mentioned when the load met throttling. */
  throttling?: { responses429: number; waitedMs: number; lowestConcurrency: number };
}): string {
  const from = p.hosts.length > 0 ? p.hosts.join(', ') : 'no vault';
  const t = p.throttling;
  const throttled =
    t && t.responses429 > 0
      ? ` (throttled: ${t.responses429} responses 429, waited ${(t.waitedMs / 1000).toFixed(1)} s, concurrency down to ${t.lowestConcurrency})`
      : '';
  return `Loaded ${p.loaded} secret${p.loaded === 1 ? '' : 's'} from ${from} in ${Math.round(p.elapsedMs)} ms${throttled} using ${p.credential}`;
}

/** The load's deadline passed. */
export function loadTimedOut(p: {
  timeoutMs: number;
  hosts: readonly string[];
  vaultName: string;
  /** A token request was still unanswered, with what the identity endpoint answered to it so far. */
  token?: PendingTokenAnswers;
  /** Requests still unanswered: `the secret list of <host>`, `secret 'X' in <host>` (names only). */
  requests?: readonly string[];
}): string {
  const where = p.hosts.length > 0 ? p.hosts.join(', ') : 'Key Vault';
  const failing = (p.token?.statuses.length ?? 0) > 0;
  const fix = failing
    ? "The identity endpoint answers but gives no token: it is the platform's (App Service, Functions, IMDS, AKS) — check that the app's managed identity is enabled and assigned, and the platform's status; raise `timeoutMs` to let the SDK retry longer."
    : `The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`${azKeyVaultShow(p.vaultName)}\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.`;
  return `Loading secrets from ${where} did not finish within timeoutMs (${p.timeoutMs} ms)${pendingPhrase(p)}. ${fix}`;
}

/** Most requests a TIMEOUT names one by one. */
const NAMED_PENDING = 5;

/**
 * What the identity endpoint answered to a token request still pending: statuses and counts, never a
 * body (a token answer carries the token). Recorded by token-flight.ts.
 */
export interface PendingTokenAnswers {
  /** Requests sent through the library's HTTP client (0: a credential the library did not build). */
  sent: number;
  /** The HTTP status of each answer, in order. */
  statuses: readonly number[];
  /** Requests that got no answer at all (refused, reset, unresolvable), the flight's own abort excepted. */
  failed: number;
}

function pendingPhrase(p: { token?: PendingTokenAnswers; requests?: readonly string[] }): string {
  const requests = p.requests ?? [];
  const parts: string[] = [];
  if (p.token) parts.push(`the token request (${tokenAnswersPhrase(p.token)})`);
  if (requests.length > 0) {
    const named = requests.slice(0, NAMED_PENDING).join(', ');
    const more = requests.length > NAMED_PENDING ? ` and ${requests.length - NAMED_PENDING} more` : '';
    parts.push(`${named}${more}`);
  }
  return parts.length > 0 ? `; still waiting for ${parts.join('; ')}` : '';
}

/**
 * `the identity endpoint answered HTTP 500 to 3 requests, retried by the SDK`, that it could not be
 * reached or did not answer, or that the credential (not one the library built) gave nothing.
 */
function tokenAnswersPhrase(token: PendingTokenAnswers): string {
  if (token.sent === 0) return 'the credential has not returned a token';
  const retried = token.sent > 1 ? ', retried by the SDK' : '';
  const failed = `${token.failed} connection${token.failed === 1 ? '' : 's'} failed`;
  if (token.statuses.length === 0) {
    return token.failed > 0
      ? `the identity endpoint could not be reached: ${failed}${retried}`
      : 'the identity endpoint did not answer';
  }
  const counts = new Map<number, number>();
  for (const status of token.statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  const answered = [...counts].map(([status, n]) => `HTTP ${status} to ${n} request${n === 1 ? '' : 's'}`);
  const also = token.failed > 0 ? `, and ${failed}` : '';
  return `the identity endpoint answered ${answered.join(', ')}${also}${retried}`;
}

/** `optional: true` swallowed a failure; `failure` is the KeyVaultConfigError's message. */
export function continuingWithoutVault(failure: string): string {
  return `Continuing without Key Vault values (optional: true). ${failure}`;
}

/** Message of the AbortError a stopped refresher fails its running cycle with. */
export const REFRESH_STOPPED = 'The refresh was stopped.';

/** Message of the core's AbortError when no caller said why. */
export const OPERATION_ABORTED = 'The operation was aborted.';

/** `exposeReferencesInEnv`: variables that now hold the value of their reference (names only). */
export function referencesExposed(variables: readonly string[]): string {
  return `exposeReferencesInEnv: process.env now holds the resolved Key Vault reference of ${variables.join(', ')}`;
}

/** `exposeReferencesInEnv`: variables whose reference no longer resolves hold their reference text again. */
export function referencesRestored(variables: readonly string[]): string {
  return `exposeReferencesInEnv: process.env holds the reference text of ${variables.join(', ')} again (the secret no longer resolves)`;
}

/** `exposeReferencesInEnv`: variables the application changed, not written. */
export function exposedVariablesLeftAlone(variables: readonly string[]): string {
  return `exposeReferencesInEnv: left ${variables.join(', ')} in process.env alone: the application changed it (neither the reference text nor the value the library wrote)`;
}

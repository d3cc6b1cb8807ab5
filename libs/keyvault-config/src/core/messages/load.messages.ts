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
  /** A token request was still unanswered. */
  tokenPending?: boolean;
  /** Requests still unanswered: `the secret list of <host>`, `secret 'X' in <host>` (names only). */
  requests?: readonly string[];
}): string {
  const where = p.hosts.length > 0 ? p.hosts.join(', ') : 'Key Vault';
  return `Loading secrets from ${where} did not finish within timeoutMs (${p.timeoutMs} ms)${pendingPhrase(p)}. The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`${azKeyVaultShow(p.vaultName)}\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.`;
}

/** Most requests a TIMEOUT names one by one. */
const NAMED_PENDING = 5;

function pendingPhrase(p: { tokenPending?: boolean; requests?: readonly string[] }): string {
  const requests = p.requests ?? [];
  const parts: string[] = [];
  if (p.tokenPending) parts.push('the token request (the identity endpoint did not answer)');
  if (requests.length > 0) {
    const named = requests.slice(0, NAMED_PENDING).join(', ');
    const more = requests.length > NAMED_PENDING ? ` and ${requests.length - NAMED_PENDING} more` : '';
    parts.push(`${named}${more}`);
  }
  return parts.length > 0 ? `; still waiting for ${parts.join('; ')}` : '';
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

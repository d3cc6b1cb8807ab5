/**
 * The info line a load writes. It names hosts, counts and the credential — never a value or a token.
 */

/** Stands in for the credential before any token was issued (nothing to attribute yet). */
export const CREDENTIAL_NOT_YET_KNOWN = 'a credential that has not issued a token yet';

/** "Loaded N secrets from <host>[, <host>] in X ms using <credential>". */
export function loadedLine(p: {
  loaded: number;
  hosts: readonly string[];
  elapsedMs: number;
  /** The credential as `describeCredential` words it. */
  credential: string;
}): string {
  const from = p.hosts.length > 0 ? p.hosts.join(', ') : 'no vault';
  return `Loaded ${p.loaded} secret${p.loaded === 1 ? '' : 's'} from ${from} in ${Math.round(p.elapsedMs)} ms using ${p.credential}`;
}

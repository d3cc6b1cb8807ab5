/**
 * Credentials: each credential of the chain the library would use, tried on its own, in order — a token
 * (and whose: oid, appid, tid, kind) or why not; and which one the library's chain would pick: the first
 * that gets a token, unless an earlier one fails hard (ChainedTokenCredential stops there).
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { credentialDetail } from '../../core/credential-attribution.js';
import { DEFAULT_CHAIN_CREDENTIAL_NAMES, defaultChainCredentials } from '../../core/credential-chain.js';
import { shortReason } from '../../core/credential-reason.js';
import { sourceName } from '../../core/credential.js';
import type { ResolvedOptions } from '../../core/options.js';
import type { DoctorCredentialAttempt } from '../doctor.interfaces.js';
import { bounded, StepTimeoutError, timed } from '../doctor.timing.js';
import { identityOf, type TokenIdentity } from './identity.js';

/** Error names after which ChainedTokenCredential moves on to the next credential. */
const MOVE_ON = new Set(['CredentialUnavailableError', 'AuthenticationRequiredError']);

/** What the step found. The tokens themselves are dropped as soon as their claims are read. */
export interface CredentialsStep {
  chain: string;
  tokenCredentials?: string;
  attempts: DoctorCredentialAttempt[];
  /** Identity of the selected credential's token. */
  selected?: TokenIdentity & { name: string; source?: string };
  /** Set when the chain could not even be built (invalid AZURE_TOKEN_CREDENTIALS). */
  chainError?: string;
}

/** Where a credential gets its token from, for the report (`App Service`, `Azure CLI`, …). */
export function sourceOf(name: string, managedIdentityClientId?: string): string | undefined {
  const detail = credentialDetail(name, process.env, managedIdentityClientId);
  if (detail) return detail;
  const tools: Record<string, string> = {
    AzureCliCredential: 'Azure CLI',
    AzureDeveloperCliCredential: 'Azure Developer CLI',
    AzurePowerShellCredential: 'Azure PowerShell',
    VisualStudioCodeCredential: 'Visual Studio Code',
    BrokerCredential: 'Windows broker (WAM)',
  };
  return tools[name];
}

function errorName(error: unknown): string {
  return typeof (error as { name?: unknown })?.name === 'string' ? (error as { name: string }).name : 'Error';
}

/** A credential to try: how to build it alone, or why it cannot be. */
interface Candidate {
  name: string;
  build?: () => TokenCredential;
  skipped?: string;
}

/** The default chain for AZURE_TOKEN_CREDENTIALS, each entry in its standalone form (core/credential-chain.ts). */
function chainCandidates(
  tokenCredentials: string | undefined,
  clientId: string | undefined,
): Candidate[] | string {
  const chain = defaultChainCredentials(tokenCredentials);
  if (!chain) {
    return `Invalid value for AZURE_TOKEN_CREDENTIALS = ${tokenCredentials}: DefaultAzureCredential accepts 'prod', 'dev' or one of ${DEFAULT_CHAIN_CREDENTIAL_NAMES.filter((n) => n !== 'BrokerCredential').join(', ')}.`;
  }
  return chain.map((c) => {
    const build = c.build;
    return build
      ? { name: c.name, build: () => build({ managedIdentityClientId: clientId }) }
      : {
          name: c.name,
          skipped: `not tried on its own: the SDK has no public class for it (${c.needs ?? 'built by DefaultAzureCredential only'})`,
        };
  });
}

async function tryOne(
  entry: Candidate,
  scope: string,
  tenantId: string | undefined,
  timeoutMs: number,
  managedIdentityClientId: string | undefined,
): Promise<{ attempt: DoctorCredentialAttempt; token?: AccessToken; movesOn: boolean }> {
  const source = sourceOf(entry.name, managedIdentityClientId);
  const base = { name: entry.name, ...(source ? { source } : {}) };
  if (!entry.build) {
    return {
      attempt: { ...base, outcome: 'skipped', reason: entry.skipped, selected: false, ms: 0 },
      movesOn: true,
    };
  }
  // The chain's IMDS probe gives up fast on a machine without IMDS; alone, the credential would retry.
  const bound = source === 'IMDS' ? Math.min(timeoutMs, 5_000) : timeoutMs;
  const result = await timed(async () => {
    const credential: TokenCredential = entry.build!();
    return bounded(bound, (abortSignal) => credential.getToken(scope, { abortSignal, tenantId }));
  });
  if (result.ok && result.value) {
    const identity = identityOf(result.value.token, entry.name);
    const { audience: _audience, ...who } = identity;
    return {
      attempt: { ...base, outcome: 'token', ...who, selected: false, ms: result.ms },
      token: result.value,
      movesOn: false,
    };
  }
  // A credential that returns null (no error) is passed over by the chain, like an unavailable one.
  const error = result.ok ? new Error('returned no token') : result.error;
  const timedOut = error instanceof StepTimeoutError;
  const unavailable = timedOut || result.ok || MOVE_ON.has(errorName(error));
  const reason = timedOut
    ? `no answer within ${bound} ms${source === 'IMDS' ? ' (no managed identity endpoint here)' : ''}`
    : shortReason(error instanceof Error ? error.message : String(error), entry.name);
  return {
    attempt: {
      ...base,
      outcome: unavailable ? 'unavailable' : 'failed',
      reason,
      selected: false,
      ms: result.ms,
    },
    movesOn: unavailable,
  };
}

/**
 * Walks the chain (or the custom credential) asking for `scope` in `tenantId` (both from the vault's
 * challenge, as the SDK's challenge policy asks); marks the one the library would pick.
 */
export async function walkCredentials(
  resolved: Pick<ResolvedOptions, 'credential' | 'managedIdentityClientId' | 'env'>,
  scope: string,
  tenantId: string | undefined,
  timeoutMs: number,
): Promise<CredentialsStep> {
  const clientId =
    resolved.managedIdentityClientId?.trim() ||
    resolved.env.AZURE_CLIENT_ID?.trim() ||
    process.env.AZURE_CLIENT_ID?.trim() ||
    undefined;
  const tokenCredentials = process.env.AZURE_TOKEN_CREDENTIALS?.trim() || undefined;
  let chain: Candidate[] | string;
  let chainName = 'DefaultAzureCredential';
  if (resolved.credential) {
    chainName = sourceName(resolved.credential);
    const custom = resolved.credential;
    chain = [{ name: chainName, build: () => custom }];
  } else {
    chain = chainCandidates(tokenCredentials, clientId);
    if (typeof chain === 'string')
      return { chain: chainName, tokenCredentials, attempts: [], chainError: chain };
  }
  const attempts: DoctorCredentialAttempt[] = [];
  let picked: { attempt: DoctorCredentialAttempt; token: AccessToken } | undefined;
  let chainStopped = false;
  for (const entry of chain) {
    const { attempt, token, movesOn } = await tryOne(entry, scope, tenantId, timeoutMs, clientId);
    attempts.push(attempt);
    if (token && !picked && !chainStopped) picked = { attempt, token };
    if (!token && !movesOn) chainStopped = true;
  }
  if (!picked) return { chain: chainName, tokenCredentials, attempts };
  picked.attempt.selected = true;
  const identity = identityOf(picked.token.token, picked.attempt.name);
  return {
    chain: chainName,
    tokenCredentials,
    attempts,
    selected: {
      ...identity,
      name: picked.attempt.name,
      ...(picked.attempt.source ? { source: picked.attempt.source } : {}),
    },
  };
}

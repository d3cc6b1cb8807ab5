/**
 * "No credential worked" as one readable KeyVaultConfigError CREDENTIAL_UNAVAILABLE: every credential
 * tried, one line each in the chain's order, and what to do.
 *
 * Everything here comes from public data: AggregateAuthenticationError.errors (the SDK's errors of the
 * credentials that were unavailable, in order), each message's wording (which credential wrote it), and
 * for DefaultAzureCredential the list of credentials its chain holds (credential-chain.ts) — which is how
 * the credentials the SDK skipped *without* an error (it replaces one it could not build by a placeholder
 * that returns no token, e.g. WorkloadIdentityCredential without AZURE_CLIENT_ID) still get their line.
 */
import { credentialDetail } from './credential-attribution.js';
import { entraFixes } from './messages/index.js';
import {
  errorMessage,
  errorName,
  redactTokens,
  shortReason,
  credentialNameFromMessage,
} from './credential-reason.js';
import { isKeyVaultConfigError, KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { credentialAttemptLine, credentialNeeds, credentialUnavailable } from './messages/index.js';

/** One credential of a chain and what happened when it was asked for a token. */
export interface CredentialAttempt {
  /** Class name, e.g. `AzureCliCredential`. */
  name: string;
  /** e.g. `App Service` for a managed identity. */
  detail?: string;
  /** `unavailable`: not usable here (the chain moved on); `failed`: tried and rejected; `skipped`: not built. */
  outcome: 'success' | 'unavailable' | 'failed' | 'skipped';
  /** Why, trimmed to one line. */
  reason?: string;
}

/** What the failure message needs to know besides the attempts. */
export interface CredentialFailureContext {
  /** `DefaultAzureCredential`, or the class name of the custom credential. */
  chain: string;
  /** The user-assigned identity's client id, when one is configured. */
  managedIdentityClientId?: string;
  /** Where that client id came from. */
  clientIdFrom?: 'managedIdentityClientId' | 'AZURE_CLIENT_ID';
  /** AZURE_TOKEN_CREDENTIALS, when set. */
  tokenCredentials?: string;
  /** The chain's credentials in order, with what each needs (DefaultAzureCredential only). */
  credentials?: ReadonlyArray<{ name: string; needs?: string }>;
}

/** Error names (not classes: several copies of @azure/identity may be loaded) that mean "no token". */
const CREDENTIAL_ERROR_NAMES = new Set([
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationError',
  'AuthenticationRequiredError',
]);

function attemptOf(error: unknown, name: string, detail?: string): CredentialAttempt {
  const attempt: CredentialAttempt = {
    name,
    outcome: errorName(error) === 'CredentialUnavailableError' ? 'unavailable' : 'failed',
    reason: shortReason(errorMessage(error), name),
  };
  return detail ? { ...attempt, detail } : attempt;
}

/** The errors an SDK error stands for: AggregateAuthenticationError's list, else the error itself. */
function errorsOf(error: unknown): unknown[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  return errorName(error) === 'AggregateAuthenticationError' && Array.isArray(errors) ? errors : [error];
}

/** Attempts reconstructed from an SDK error alone (custom credentials, or an error of unknown origin). */
export function attemptsFromError(error: unknown, fallbackName = 'Credential'): CredentialAttempt[] {
  return errorsOf(error).map((e) => attemptOf(e, credentialNameFromMessage(errorMessage(e)) ?? fallbackName));
}

/**
 * AggregateAuthenticationError.errors lined up with the chain's credentials: each error goes to the
 * credential its message names (the next one in order when it names none); a credential passed over has
 * no error because the SDK skipped it, and is listed as skipped with what it needs. An error naming a
 * credential the list does not hold (a newer SDK) keeps its own line — never dropped.
 */
export function attemptsAlongChain(
  errors: readonly unknown[],
  credentials: ReadonlyArray<{ name: string; needs?: string }>,
  env: Readonly<Record<string, string | undefined>>,
  managedIdentityClientId?: string,
): CredentialAttempt[] {
  const attempts: CredentialAttempt[] = [];
  let next = 0;
  const skipTo = (index: number): void => {
    for (; next < index; next++) {
      const { name, needs } = credentials[next];
      attempts.push({
        name,
        outcome: 'skipped',
        reason: needs ?? credentialNeeds.unknown,
      });
    }
  };
  for (const error of errors) {
    const named = credentialNameFromMessage(errorMessage(error));
    const index = named
      ? credentials.findIndex((c, i) => i >= next && c.name === named)
      : next < credentials.length
        ? next
        : -1;
    if (index === -1) {
      attempts.push(attemptOf(error, named ?? 'Credential'));
      continue;
    }
    skipTo(index);
    const name = credentials[index].name;
    attempts.push(attemptOf(error, name, credentialDetail(name, env, managedIdentityClientId)));
    next = index + 1;
  }
  skipTo(credentials.length);
  return attempts;
}

/**
 * The CREDENTIAL_UNAVAILABLE message: every credential tried (one line each, in order) and what to do.
 * Contains identifiers and SDK reasons only — never a token (JWT-shaped text is redacted).
 */
export function buildCredentialFailureMessage(
  attempts: readonly CredentialAttempt[],
  context: CredentialFailureContext,
): string {
  const tried = attempts.filter((a) => a.outcome !== 'success');
  const shown = tried.length > 0 ? tried : [{ name: context.chain, outcome: 'failed' as const }];
  return credentialUnavailable({
    chain: context.chain,
    attempts: shown.map((a) => redactTokens(credentialAttemptLine(a))),
    tokenCredentials: context.tokenCredentials,
    managedIdentityClientId: context.managedIdentityClientId,
    clientIdFrom: context.clientIdFrom,
    specificFixes: entraFixes(tried, process.env),
  });
}

/** A copy of a credential error safe to keep as `cause`: name and redacted message, no nested objects. */
export function safeCredentialCause(error: unknown): Error {
  const copy = new Error(redactTokens(errorMessage(error)));
  copy.name = errorName(error) ?? 'Error';
  return copy;
}

/**
 * Per thrown error: the context of the credential that threw it. Keyed by the error object itself, so
 * it holds nothing between loads: the SDK error travels through SecretClient's pipeline to the loader,
 * which asks {@link toCredentialError} with nothing but the error; a WeakMap lets it go with the error.
 */
const failureContexts = new WeakMap<object, CredentialFailureContext>();

/** Notes which credential (chain, client id, credential list) an error came from, for {@link toCredentialError}. */
export function rememberFailureContext(error: unknown, context: CredentialFailureContext): void {
  if (error !== null && typeof error === 'object' && !failureContexts.has(error)) {
    failureContexts.set(error, context);
  }
}

function attemptsFor(error: unknown, context: CredentialFailureContext): CredentialAttempt[] {
  if (context.credentials && errorName(error) === 'AggregateAuthenticationError') {
    return attemptsAlongChain(
      errorsOf(error),
      context.credentials,
      process.env,
      context.managedIdentityClientId,
    );
  }
  return attemptsFromError(error, context.chain === 'DefaultAzureCredential' ? 'Credential' : context.chain);
}

/**
 * Maps a credential failure — CredentialUnavailableError, AggregateAuthenticationError, AuthenticationError
 * (also found in an error's `cause` chain) — to one KeyVaultConfigError CREDENTIAL_UNAVAILABLE listing every
 * credential tried and what to do. Returns `undefined` when the error is not a credential error.
 */
export function toCredentialError(error: unknown): KeyVaultConfigError | undefined {
  let current: unknown = error;
  for (let depth = 0; current !== null && typeof current === 'object' && depth < 6; depth++) {
    if (isKeyVaultConfigError(current)) {
      return current.code === KeyVaultConfigErrorCode.CredentialUnavailable ? current : undefined;
    }
    const name = errorName(current);
    if (name !== undefined && CREDENTIAL_ERROR_NAMES.has(name)) {
      const context = failureContexts.get(current) ?? { chain: 'DefaultAzureCredential' };
      return new KeyVaultConfigError(
        KeyVaultConfigErrorCode.CredentialUnavailable,
        buildCredentialFailureMessage(attemptsFor(current, context), context),
        { credential: context.chain, cause: safeCredentialCause(current) },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

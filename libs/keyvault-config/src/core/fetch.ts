/**
 * The one fetch path of a load: every secret that is fetched — listed, explicit or referenced — is got
 * here through the load's pool and its vault client's gate, and its outcome written to its slot: a
 * missing secret is skipped or fails the load as secret-policy.ts says for its source, a fetched one
 * is checked for expiry and stored (JSON expanded for vault keys; a reference's value stays a string).
 */
import type { KeyVaultSecret } from '@azure/keyvault-secrets';
import type { VaultClient } from './client.js';
import { isNotFoundError, isSecretDisabledError, type SdkErrorContext } from './errors.js';
import { secretValueOf } from './key-mapping.js';
import { skip, type LoadContext, type Slot } from './load-context.js';
import { toLoadFailure } from './load-failure.js';
import { holdValues } from './redaction.js';
import {
  disabledError,
  expiredWarning,
  expiryAction,
  expiryOf,
  missingOutcome,
  missingWarning,
  skippedAsReservedJson,
  type MissingPolicy,
  type SecretSource,
} from './secret-policy.js';

/** A secret bound for the configuration: where it comes from and where its outcome goes. */
export interface Accepting {
  source: SecretSource;
  /** Its subject names the secret and its vault. */
  slot: Slot;
  /** Key path of its value. */
  path: string[];
  /** The listing's expiry verdict (list mode); the fetched properties are judged again. */
  listedExpiry?: string;
}

/** A secret to get. */
export interface FetchTarget extends Accepting {
  client: VaultClient;
  /** A version; the latest when absent. */
  version?: string;
  /** Remember the fetched secret under this key for the next refresh cycle (listed secrets). */
  rememberAs?: string;
}

/** Runs a request on a client, letting the client's very first request go alone (one challenge). */
export async function onClient<T>(client: VaultClient, request: () => Promise<T>): Promise<T> {
  const release = await client.enter();
  try {
    return await request();
  } finally {
    release?.();
  }
}

/** Queues the get of one secret on the load's pool; its failure fails the load's task group. */
export function scheduleFetch(ctx: LoadContext, target: FetchTarget): void {
  ctx.group.add(ctx.pool.run(() => fetchInto(ctx, target)));
}

async function fetchInto(ctx: LoadContext, target: FetchTarget): Promise<void> {
  if (ctx.signal.aborted) return;
  const { client, version } = target;
  const fetchedAt = Date.now();
  let secret: KeyVaultSecret;
  const { secretName, vault } = target.slot.subject;
  const waitingFor = `secret '${secretName}' in ${vault}`;
  ctx.pending.add(waitingFor);
  try {
    secret = await onClient(client, () =>
      client.client.getSecret(secretName, { abortSignal: ctx.signal, version }),
    );
  } catch (error) {
    return onGetFailed(ctx, target, error);
  } finally {
    ctx.pending.delete(waitingFor);
  }
  if (target.rememberAs !== undefined) ctx.fetched?.set(target.rememberAs, { secret, fetchedAt });
  accept(ctx, target, secret);
}

/** A 404 or a disabled secret is skipped or fails as its source's policy says; anything else fails. */
function onGetFailed(ctx: LoadContext, target: FetchTarget, error: unknown): void {
  const missing: keyof MissingPolicy | undefined = isNotFoundError(error)
    ? 'notFound'
    : isSecretDisabledError(error)
      ? 'disabled'
      : undefined;
  const { subject } = target.slot;
  const outcome = missing && missingOutcome(target.source, ctx.refresh === true, missing);
  if (outcome && outcome !== 'fail') {
    if (outcome.warn) ctx.logger.warn(missingWarning(target.source, subject, outcome.skip));
    return skip(target.slot, outcome.skip);
  }
  if (missing === 'disabled') throw disabledError(target.source, subject);
  throw toLoadFailure(error, errorContextOf(target), ctx);
}

/** What an SDK error names: the secret and its key, or the variable holding the reference. */
function errorContextOf(target: FetchTarget): SdkErrorContext {
  const { secretName, vault, key } = target.slot.subject;
  return target.source === 'reference'
    ? { operation: 'get', vault, secretName, variable: key }
    : { operation: 'get', vault, secretName, key };
}

/** Stores a fetched (or reused) secret in its slot, applying the expiry policy and JSON expansion. */
export function accept(ctx: LoadContext, target: Accepting, secret: KeyVaultSecret): void {
  const { slot, source, path } = target;
  const subject = slot.subject;
  // From now on no message, log line or report of this process can carry it (redaction.ts).
  if (typeof secret.value === 'string') holdValues([secret.value]);
  subject.version = secret.properties.version ?? subject.version;
  subject.updatedOn = secret.properties.updatedOn ?? subject.updatedOn;
  const expiry = expiryOf(secret.properties, ctx.now) ?? target.listedExpiry;
  if (expiry) {
    const action = expiryAction(ctx.options.expiredSecrets, source);
    if (action === 'skip') return skip(slot, expiry);
    if (action === 'warn') {
      ctx.logger.warn(expiredWarning(source, subject, expiry));
      slot.reason = expiry;
    }
  }
  const value =
    source === 'reference'
      ? (secret.value ?? '')
      : secretValueOf(secret.value, secret.properties.contentType, ctx.options.parseJson, {
          name: subject.secretName,
          vault: subject.vault,
          key: subject.key,
        });
  if (skippedAsReservedJson(ctx.logger, slot, value)) return;
  slot.entry = { key: path.join('.'), path, value, secretName: subject.secretName, vault: subject.vault };
}

import type { StoredSecret } from './store.interfaces.js';
import { VaultErrors, type KeyVaultError } from './vault.errors.js';

/**
 * Asynchronous soft delete, as Key Vault runs it: a delete, a recover or a purge is accepted at once and
 * finishes in the background. While it runs the secret is in none of its states — a get answers 404, a
 * get of the deleted secret 404 (what the SDKs' pollers wait through) — and what would touch it answers
 * Key Vault's 409 (docs/emulator.md cites the answers). The emulator settles a transition lazily, when
 * the secret is next looked at after its delay (or once the delay is turned off): no timer keeps a
 * process alive.
 */
export type PendingTransition = 'deleting' | 'recovering' | 'purging';

/** The transition a secret is in and when it finishes (epoch ms). */
export interface PendingState {
  state: PendingTransition;
  untilMs: number;
}

/**
 * True once the transition's delay has passed — or once the delay was turned off (0), which finishes
 * every transition still running: a test can hold a secret mid-delete as long as it likes, then let go.
 */
export const isSettled = (pending: PendingState, nowMs: number, delayMs: number): boolean =>
  nowMs >= pending.untilMs || !(delayMs > 0);

/**
 * Finishes a transition whose delay has passed. Returns false when the secret is gone (a finished
 * purge): the caller drops it.
 */
export function settle(secret: StoredSecret): boolean {
  const pending = secret.pending;
  if (!pending) return true;
  delete secret.pending;
  return pending.state !== 'purging';
}

/** Key Vault's 409 for re-creating (set) a secret during a transition. */
export function setConflict(secret: StoredSecret & { pending: PendingState }): KeyVaultError {
  return secret.pending.state === 'recovering'
    ? VaultErrors.beingRecovered(secret.name)
    : VaultErrors.beingDeletedNoRecreate(secret.name);
}

/** Key Vault's 409 for deleting, recovering or purging a secret during a transition (purging: 404). */
export function operationConflict(secret: StoredSecret & { pending: PendingState }): KeyVaultError {
  switch (secret.pending.state) {
    case 'recovering':
      return VaultErrors.beingRecovered(secret.name);
    case 'deleting':
      return VaultErrors.beingDeleted();
    default:
      return VaultErrors.deletedSecretNotFound();
  }
}

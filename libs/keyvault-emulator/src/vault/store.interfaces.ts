import type { PendingState } from './soft-delete.js';

/** One version of a secret as stored. `value` never leaves the store except through a get. */
export interface StoredSecretVersion {
  /** 32 lowercase hex characters. */
  version: string;
  value: string;
  contentType?: string;
  enabled: boolean;
  /** Not-before, epoch seconds. */
  nbf?: number;
  /** Expiry, epoch seconds. */
  exp?: number;
  /** Epoch seconds. */
  created: number;
  /** Epoch seconds. */
  updated: number;
  tags?: Record<string, string>;
  managed?: boolean;
}

/** A secret: its versions (creation order, last = latest) and its soft-deleted state, if any. */
export interface StoredSecret {
  /** Name with the case of its first creation. */
  name: string;
  versions: StoredSecretVersion[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
  /** A delete, recover or purge still running (asynchronous soft delete, see soft-delete.ts). */
  pending?: PendingState;
}

/** Serializable state of one vault. */
export interface VaultSnapshot {
  name: string;
  secrets: StoredSecret[];
}

/** Contents of the data file. */
export interface PersistedState {
  format: 'keyvault-emulator/v1';
  /** Keyed by lower-case vault name. */
  vaults: Record<string, VaultSnapshot>;
}

/** Input of a set: a new version. Dates are epoch seconds. */
export interface SetSecretInput {
  name: string;
  value: string;
  contentType?: string;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  tags?: Record<string, string>;
}

/**
 * Attribute changes of a version. A key that is present replaces the stored value; `null` clears it
 * (how clients reset nbf/exp/contentType); an absent key leaves it unchanged.
 */
export interface UpdateSecretInput {
  contentType?: string | null;
  enabled?: boolean | null;
  nbf?: number | null;
  exp?: number | null;
  tags?: Record<string, string> | null;
}

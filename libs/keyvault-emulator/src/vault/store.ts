import { randomBytes } from 'node:crypto';
import { RECOVERABLE_DAYS, SECRET_NAME_PATTERN } from '../constants.js';
import { assertSecretMetadata, assertSecretValue } from './secret-limits.js';
import {
  isSettled,
  operationConflict,
  settle,
  setConflict,
  type PendingState,
  type PendingTransition,
} from './soft-delete.js';
import type {
  SetSecretInput,
  StoredSecret,
  StoredSecretVersion,
  UpdateSecretInput,
  VaultSnapshot,
} from './store.interfaces.js';
import { VaultErrors } from './vault.errors.js';

const DAY_SECONDS = 86_400;

/** Options of a {@link SecretStore}. */
export interface SecretStoreOptions {
  /** Called after every mutation (persistence hooks in here). */
  onChange?: () => void;
  /** Clock in epoch seconds (tests). */
  now?: () => number;
  /** Clock in epoch milliseconds, for asynchronous soft delete (tests). */
  nowMs?: () => number;
  /**
   * How long a delete, recover or purge runs before it finishes, in ms (asynchronous soft delete); read
   * at each operation. 0 or omitted: they finish at once.
   * @default () => 0
   */
  softDeleteDelayMs?: () => number;
}

type Pending = StoredSecret & { pending: PendingState };
const isPending = (secret: StoredSecret | undefined): secret is Pending => secret?.pending !== undefined;

/** A secret together with one of its versions. */
export interface SecretWithVersion {
  secret: StoredSecret;
  version: StoredSecretVersion;
}

/** Throws Key Vault's 400 for a name outside 1–127 characters of [0-9a-zA-Z-]. */
export function assertSecretName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) throw VaultErrors.invalidName(name);
}

export { assertSecretValue } from './secret-limits.js';

/** A new version id: 32 lowercase hex characters, like Key Vault's. */
export function newVersionId(): string {
  return randomBytes(16).toString('hex');
}

const byName = (a: StoredSecret, b: StoredSecret): number => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The secrets of one vault: versions, soft delete, recover and purge. Lookups are case-insensitive;
 * a secret keeps the case of its first creation (until purged). Values are only returned by
 * {@link get}/{@link latestValue}; nothing here logs.
 */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly now: () => number;
  private readonly nowMs: () => number;

  constructor(
    readonly vaultName: string,
    private readonly options: SecretStoreOptions = {},
  ) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** True when the store holds nothing (no secret, not even a deleted one). */
  get isEmpty(): boolean {
    return this.secrets.size === 0;
  }

  /** Adds a version (creating the secret). 409 when the name is soft-deleted. */
  set(input: SetSecretInput): SecretWithVersion {
    assertSecretName(input.name);
    assertSecretValue(input.value);
    assertSecretMetadata(input);
    const key = input.name.toLowerCase();
    let secret = this.lookup(key);
    if (isPending(secret)) throw setConflict(secret);
    if (secret?.deleted) throw VaultErrors.deletedButRecoverable(secret.name);
    if (!secret) {
      secret = { name: input.name, versions: [] };
      this.secrets.set(key, secret);
    }
    const now = this.now();
    const version: StoredSecretVersion = {
      version: newVersionId(),
      value: input.value,
      enabled: input.enabled ?? true,
      created: now,
      updated: now,
    };
    if (input.contentType !== undefined) version.contentType = input.contentType;
    if (input.nbf !== undefined) version.nbf = input.nbf;
    if (input.exp !== undefined) version.exp = input.exp;
    if (input.tags !== undefined) version.tags = { ...input.tags };
    secret.versions.push(version);
    this.changed();
    return { secret, version };
  }

  /** A live (not deleted, not in a transition) secret, or undefined. */
  find(name: string): StoredSecret | undefined {
    const secret = this.lookup(name.toLowerCase());
    return secret && !secret.deleted && !secret.pending ? secret : undefined;
  }

  /** The latest (or given) version of a live secret; 404 SecretNotFound otherwise. */
  get(name: string, version?: string): SecretWithVersion {
    const secret = this.find(name);
    if (!secret || secret.versions.length === 0) {
      throw VaultErrors.secretNotFound(version ? `${name}/${version}` : name);
    }
    if (!version) return { secret, version: secret.versions[secret.versions.length - 1] };
    const found = secret.versions.find((v) => v.version === version.toLowerCase());
    if (!found) throw VaultErrors.secretNotFound(`${name}/${version}`);
    return { secret, version: found };
  }

  /** Latest value of a live secret (tests, admin), ignoring enabled/nbf/exp. */
  latestValue(name: string): string | undefined {
    const secret = this.find(name);
    return secret?.versions[secret.versions.length - 1]?.value;
  }

  /** Live secrets with their latest version, ordered by name (case-insensitive). */
  listLatest(): SecretWithVersion[] {
    return this.all()
      .filter((s) => !s.deleted && !s.pending && s.versions.length > 0)
      .sort(byName)
      .map((secret) => ({ secret, version: secret.versions[secret.versions.length - 1] }));
  }

  /**
   * Versions of a live secret in Key Vault's order — by version id, not by creation, so the latest is
   * anywhere in the list (docs/emulator.md cites the service's answers) — empty for an unknown name, as
   * Key Vault answers.
   */
  listVersions(name: string): SecretWithVersion[] {
    const secret = this.find(name);
    if (!secret) return [];
    return [...secret.versions]
      .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0))
      .map((version) => ({ secret, version }));
  }

  /** Changes attributes of a version (latest when omitted). */
  update(name: string, version: string | undefined, patch: UpdateSecretInput): SecretWithVersion {
    assertSecretMetadata(patch);
    const found = this.get(name, version);
    const target = found.version;
    applyOptional(target, 'contentType', patch.contentType);
    applyOptional(target, 'nbf', patch.nbf);
    applyOptional(target, 'exp', patch.exp);
    if (patch.enabled !== undefined && patch.enabled !== null) target.enabled = patch.enabled;
    if (patch.tags !== undefined) {
      if (patch.tags === null) delete target.tags;
      else target.tags = { ...patch.tags };
    }
    target.updated = this.now();
    this.changed();
    return found;
  }

  /** Soft-deletes a live secret (all versions); with a soft-delete delay it is deleted only after it. */
  delete(name: string): StoredSecret {
    const pending = this.lookup(name.toLowerCase());
    if (isPending(pending) && pending.pending.state === 'recovering') throw operationConflict(pending);
    const secret = this.find(name);
    if (!secret) throw VaultErrors.secretNotFound(name);
    const now = this.now();
    secret.deleted = { deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * DAY_SECONDS };
    this.begin(secret, 'deleting');
    this.changed();
    return secret;
  }

  /** A soft-deleted secret (its deletion finished); 404 "Deleted Secret not found" otherwise. */
  getDeleted(name: string): StoredSecret {
    const secret = this.lookup(name.toLowerCase());
    if (!secret?.deleted || secret.pending) throw VaultErrors.deletedSecretNotFound();
    return secret;
  }

  /** Soft-deleted secrets (deletion finished) ordered by name. */
  listDeleted(): StoredSecret[] {
    return this.all()
      .filter((s) => s.deleted && !s.pending)
      .sort(byName);
  }

  /** Recovers a soft-deleted secret with all its versions (live only after the soft-delete delay). */
  recover(name: string): SecretWithVersion {
    const secret = this.deletedForOperation(name);
    delete secret.deleted;
    this.begin(secret, 'recovering');
    this.changed();
    return { secret, version: secret.versions[secret.versions.length - 1] };
  }

  /** Permanently removes a soft-deleted secret (its name stays taken for the soft-delete delay). */
  purge(name: string): void {
    const secret = this.deletedForOperation(name);
    if (!this.begin(secret, 'purging')) this.secrets.delete(secret.name.toLowerCase());
    this.changed();
  }

  /** Removes a secret whatever its state (in-process/admin purge). False when absent. */
  forget(name: string): boolean {
    const removed = this.secrets.delete(name.toLowerCase());
    if (removed) this.changed();
    return removed;
  }

  /** Deep copy of the state for persistence. */
  snapshot(): VaultSnapshot {
    return { name: this.vaultName, secrets: structuredClone([...this.secrets.values()]) };
  }

  /** Replaces the state with a snapshot (no change notification: it came from disk). */
  load(snapshot: VaultSnapshot): void {
    this.secrets.clear();
    for (const secret of snapshot.secrets ?? []) {
      if (typeof secret?.name !== 'string' || !Array.isArray(secret.versions)) continue;
      this.secrets.set(secret.name.toLowerCase(), structuredClone(secret));
    }
  }

  private changed(): void {
    this.options.onChange?.();
  }

  /** A secret by lower-case key, its finished transition (if any) applied first. */
  private lookup(key: string): StoredSecret | undefined {
    const secret = this.secrets.get(key);
    if (!secret?.pending || !isSettled(secret.pending, this.nowMs(), this.delayMs())) return secret;
    if (!settle(secret)) this.secrets.delete(key);
    this.changed();
    return this.secrets.get(key);
  }

  /** Every secret, finished transitions applied. */
  private all(): StoredSecret[] {
    return [...this.secrets.keys()]
      .map((key) => this.lookup(key))
      .filter((s): s is StoredSecret => s !== undefined);
  }

  /** A deleted secret a recover or purge may act on; Key Vault's 409 while a transition runs. */
  private deletedForOperation(name: string): StoredSecret {
    const secret = this.lookup(name.toLowerCase());
    if (isPending(secret)) throw operationConflict(secret);
    return this.getDeleted(name);
  }

  private delayMs(): number {
    return this.options.softDeleteDelayMs?.() ?? 0;
  }

  /** Starts a transition when there is a soft-delete delay; false when the operation finishes now. */
  private begin(secret: StoredSecret, state: PendingTransition): boolean {
    const delay = this.delayMs();
    if (!(delay > 0)) return false;
    secret.pending = { state, untilMs: this.nowMs() + delay };
    return true;
  }
}

function applyOptional<K extends 'contentType' | 'nbf' | 'exp'>(
  target: StoredSecretVersion,
  key: K,
  value: StoredSecretVersion[K] | null | undefined,
): void {
  if (value === undefined) return;
  if (value === null) delete target[key];
  else target[key] = value;
}

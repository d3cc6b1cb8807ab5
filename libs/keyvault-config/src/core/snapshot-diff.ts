/**
 * What a refresh cycle changed: the diff of two snapshots (keys added, updated, removed — with secret
 * names, versions and reasons, never values), and the helpers that read a change event (which changes
 * concern a key, the log line naming them). Pure functions: no I/O, no state.
 */
import { isDeepStrictEqual } from 'node:util';
import { SkipReason } from './constants.js';
import type { KeyVaultChangeEvent, KeyVaultKeyChange, KeyVaultLoadReport } from './interfaces.js';
import type { LoadedKey } from './loader.js';
import { changesApplied } from './messages/index.js';

export type { LoadedKey } from './loader.js';

/** The result of a load or a refresh cycle, as the watcher compares them. */
export interface RefreshSnapshot {
  config: Record<string, unknown>;
  report: KeyVaultLoadReport;
  /** One per configuration key that came from Key Vault (overridden secrets excluded). */
  keys: ReadonlyMap<string, LoadedKey>;
}

/** An empty change set. */
export function noChanges(at: Date): KeyVaultChangeEvent {
  return { at, added: [], updated: [], removed: [] };
}

/** Why a key disappeared when no skipped report entry says so: the secret is gone from the vault. */
export const REMOVED_DELETED_REASON = SkipReason.Deleted;

/**
 * The changes from `previous` to `next`: keys added, keys whose secret, version or value changed, and
 * keys removed (with the reason the new report gives for their secret, else "deleted"). Values are
 * compared but never copied into the result.
 */
export function diffSnapshots(
  previous: RefreshSnapshot,
  next: RefreshSnapshot,
  at: Date,
): KeyVaultChangeEvent {
  const event = noChanges(at);
  for (const [key, now] of next.keys) {
    const before = previous.keys.get(key);
    if (!before) {
      event.added.push(keyChange(now, 'added'));
    } else if (
      before.vault !== now.vault ||
      before.secretName !== now.secretName ||
      before.version !== now.version ||
      !isDeepStrictEqual(before.value, now.value)
    ) {
      event.updated.push({
        ...keyChange(now, 'updated'),
        ...(before.version ? { previousVersion: before.version } : {}),
      });
    }
  }
  for (const [key, before] of previous.keys) {
    if (next.keys.has(key)) continue;
    const skipped =
      next.report.entries.find(
        (e) =>
          e.status === 'skipped' &&
          e.key === key &&
          e.secretName === before.secretName &&
          e.vault === before.vault,
      ) ??
      next.report.entries.find(
        (e) => e.status === 'skipped' && e.secretName === before.secretName && e.vault === before.vault,
      );
    event.removed.push({
      ...keyChange(before, 'removed'),
      reason: skipped?.reason ?? REMOVED_DELETED_REASON,
    });
  }
  return event;
}

function keyChange(entry: LoadedKey, kind: KeyVaultKeyChange['kind']): KeyVaultKeyChange {
  const result: KeyVaultKeyChange = {
    key: entry.key,
    secretName: entry.secretName,
    vault: entry.vault,
    kind,
  };
  if (entry.version !== undefined) result.version = entry.version;
  return result;
}

/** True when the event holds at least one change. */
export function hasChanges(event: KeyVaultChangeEvent): boolean {
  return event.added.length + event.updated.length + event.removed.length > 0;
}

/**
 * True when a change concerns `key`: the same key, a key below it (`Database` covers
 * `Database.Password`), or a key above it (a JSON secret under `Database` covers `Database.host`).
 */
export function changeConcerns(change: KeyVaultKeyChange, key: string): boolean {
  return change.key === key || change.key.startsWith(`${key}.`) || key.startsWith(`${change.key}.`);
}

/** The changes of an event that concern `key` (see {@link changeConcerns}), in added/updated/removed order. */
export function changesFor(event: KeyVaultChangeEvent, key: string): KeyVaultKeyChange[] {
  return [...event.added, ...event.updated, ...event.removed].filter((c) => changeConcerns(c, key));
}

/** `'Database.Password'` in a nested object; undefined when absent. */
export function valueAtKey(config: Record<string, unknown>, key: string): unknown {
  let node: unknown = config;
  for (const segment of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** One line naming what changed (keys and secret names, never values). */
export function describeChanges(event: KeyVaultChangeEvent): string {
  return changesApplied({
    added: event.added,
    updated: event.updated,
    removed: event.removed.map((c) => ({ key: c.key, reason: c.reason ?? REMOVED_DELETED_REASON })),
  });
}

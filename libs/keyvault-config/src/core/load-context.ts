/**
 * What the parts of one load share: the slot each secret's outcome is written to (read by the merge
 * and the report), and the context every planner and fetch of the load works with.
 */
import type { ResolvedCredential } from './credential.js';
import type { KeyVaultConfigLogger } from './interfaces.js';
import type { ConfigEntry } from './key-mapping.js';
import type { ResolvedOptions } from './options.js';
import type { Pool, TaskGroup } from './pool.js';
import type { RememberedSecret } from './refresh-reuse.js';
import type { ReportSubject } from './report.js';
import type { LoadThrottle } from './throttle-scope.js';

/** One secret's outcome inside a layer (a vault, or the references). */
export interface Slot {
  subject: ReportSubject;
  /** Set when loaded. */
  entry?: ConfigEntry;
  /** Skip reason, or the warning of a loaded entry. */
  reason?: string;
  skipped?: boolean;
}

/**
 * Marks a slot as skipped with its reason: never fetched, not loadable, or — for a loaded slot —
 * overridden (its value then stays out of the configuration).
 */
export function skip(slot: Slot, reason: string): void {
  slot.skipped = true;
  slot.reason = reason;
}

/**
 * What a refresh cycle adds to a load. `previous` and `fetched` hold listed secrets by `fetchedKey`
 * (refresh-reuse.ts): a listed secret still the one in `previous` is not fetched again.
 */
export interface LoadCycle {
  previous?: ReadonlyMap<string, RememberedSecret>;
  /** Filled with the listed secrets this load fetched or reused: the next cycle's `previous`. */
  fetched?: Map<string, RememberedSecret>;
  /** A refresh: an explicit secret or a reference that is deleted or disabled is removed, not an error. */
  refresh?: boolean;
  /** Aborts the load (the refresher was stopped). */
  stop?: AbortSignal;
}

/** Everything one load shares. */
export interface LoadContext extends LoadCycle {
  options: ResolvedOptions;
  credential: ResolvedCredential;
  logger: KeyVaultConfigLogger;
  pool: Pool;
  group: TaskGroup;
  signal: AbortSignal;
  now: Date;
  /** What is being waited for now — `the secret list of <host>`, `secret 'X' in <host>` — for TIMEOUT's message. */
  pending: Set<string>;
  /** The load's deadline and throttling figures (shared with the pipeline through async context). */
  throttle: LoadThrottle;
}

/**
 * The one place that writes into `@nestjs/config`'s `ConfigService` beyond its documented contract.
 *
 * A refresh cycle's changes go through {@link applyChanges} and nowhere else, because what it must do
 * relies on how `ConfigService` (3.2, 4 and 12 alike) works inside, not on its public API:
 *
 * - `set(key, value)` with a string key writes `String(value)` into `process.env` (and into `.env`
 *   variables that interpolate the key), then emits on `changes$` synchronously — so a subscriber, or a
 *   child process it spawns, would see the secret in the environment. The library never puts a secret
 *   into `process.env`, not even for a moment: the key is given to `set` as a path array, for which
 *   `set` writes the configuration (and its cache) but never the environment.
 * - With a path array `set` would emit that array as `path`. What `changes$` subscribers observe must
 *   stay what `set(key)` gives them (`path` the dotted key, `oldValue` from `get(key)`, `newValue`), so
 *   `set`'s own emission is held back on its private `_changes$` Subject (feature-detected) and the
 *   event is emitted there with the string key once the write is done.
 * - With `cache: true`, `ConfigService` keeps each value it set in a private `cache` that `get`
 *   consults once the key is gone from its configuration, so a removed secret would come back from
 *   there. The key is dropped from that cache (feature-detected; a no-op without it).
 *
 * config-service.bridge.spec.ts pins these behaviours against the installed `@nestjs/config` (and
 * test/compat runs it against 3, 4 and 12): it fails the day one changes, which is the day this module
 * must change. Should `_changes$` disappear, the bridge still keeps values out of `process.env`;
 * subscribers would then see the path array (the spec fails first).
 */
import type { ConfigService } from '@nestjs/config';

/** The private field of ConfigService holding the Subject behind `changes$` (3.2, 4 and 12). */
export const CHANGES_SUBJECT_FIELD = '_changes$';

/** One write of a refresh cycle, in the order given to {@link applyChanges}. */
export interface ConfigServiceChange {
  kind: 'added' | 'updated' | 'removed';
  /** Dotted configuration key (`Database.Password`). */
  key: string;
  /** The new value (ignored for `removed`). The caller passes a copy: `set` mutates objects in place. */
  value?: unknown;
}

/** What `ConfigService.changes$` emits (`ConfigChangeEvent` of @nestjs/config 3.2+). */
interface ChangeEvent {
  path: string;
  oldValue: unknown;
  newValue: unknown;
}

/** The Subject behind `ConfigService.changes$` (private `_changes$` in 3.2, 4 and 12). */
interface ChangesSubject {
  next(event: ChangeEvent): void;
}

/**
 * Writes the changes into `ConfigService` in order — so its `changes$` emits once per key, with the
 * dotted key as `path` — without ever writing `process.env`, and leaves no removed key behind in its
 * cache. `shouldWrite` is asked right before each write (after the earlier ones landed and were
 * emitted); a change it declines is left out.
 */
export function applyChanges(
  config: ConfigService,
  changes: Iterable<ConfigServiceChange>,
  shouldWrite: (change: ConfigServiceChange) => boolean = () => true,
): void {
  for (const change of changes) {
    if (!shouldWrite(change)) continue;
    const value = change.kind === 'removed' ? undefined : change.value;
    writeWithoutEnvironment(config, change.key, value);
    if (change.kind === 'removed') forgetCached(config, change.key);
  }
}

/** `config.set(key, value)` as subscribers see it, with the key as a path: nothing reaches process.env. */
function writeWithoutEnvironment(config: ConfigService, key: string, value: unknown): void {
  const subject = changesSubjectOf(config);
  const set = config.set.bind(config) as unknown as (path: readonly string[], value: unknown) => void;
  if (!subject) return set(key.split('.'), value);
  // What set(key) would report as oldValue: get() with the string key (it also reads process.env).
  const oldValue: unknown = config.get(key);
  Object.defineProperty(subject, 'next', { value: () => undefined, configurable: true, writable: true });
  try {
    set(key.split('.'), value);
  } finally {
    delete (subject as { next?: unknown }).next;
  }
  subject.next({ path: key, oldValue, newValue: value });
}

/** The private Subject behind `changes$`, when it has the shape the bridge knows. */
function changesSubjectOf(config: ConfigService): ChangesSubject | undefined {
  const subject = (config as unknown as Record<string, unknown>)[CHANGES_SUBJECT_FIELD];
  if (subject === null || typeof subject !== 'object') return undefined;
  const candidate = subject as Partial<ChangesSubject> & { subscribe?: unknown };
  return typeof candidate.next === 'function' && typeof candidate.subscribe === 'function'
    ? (candidate as ChangesSubject)
    : undefined;
}

/** Drops `key` from `ConfigService`'s private cache, in nested and in literal dotted form. */
function forgetCached(config: ConfigService, key: string): void {
  const cache = (config as unknown as { cache?: unknown }).cache;
  if (cache === null || typeof cache !== 'object') return;
  const path = key.split('.');
  let node: unknown = cache;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return;
    node = (node as Record<string, unknown>)[segment];
  }
  if (node !== null && typeof node === 'object')
    delete (node as Record<string, unknown>)[path[path.length - 1]!];
  // A key cached under its literal dotted name (lodash's and es-toolkit's get/set accept both forms).
  delete (cache as Record<string, unknown>)[key];
}

/**
 * The one place that writes into `@nestjs/config`'s `ConfigService` beyond its documented contract.
 *
 * A refresh cycle's changes go through {@link applyChanges} and nowhere else, because two things it
 * must do rely on how `ConfigService` (12.0) works inside, not on its public API:
 *
 * - `set(key, value)` also writes `String(value)` into `process.env` (and into `.env` variables that
 *   interpolate the key). The library never puts a secret into the environment — child processes
 *   inherit it — so the environment is put back after the writes.
 * - With `cache: true`, `ConfigService` keeps each value it set in a private `cache` that `get`
 *   consults once the key is gone from its configuration, so a removed secret would come back from
 *   there. The key is dropped from that cache (feature-detected; a no-op without it).
 *
 * config-service.bridge.spec.ts pins both behaviours against the installed `@nestjs/config`: it fails
 * the day either changes, which is the day this module must change. Later needs (no vault value in
 * `process.env` even while `ConfigService.changes$` subscribers run; `@nestjs/config` 3.2 and 4) belong
 * here too, behind the same entry point.
 */
import type { ConfigService } from '@nestjs/config';

/** One write of a refresh cycle, in the order given to {@link applyChanges}. */
export interface ConfigServiceChange {
  kind: 'added' | 'updated' | 'removed';
  /** Dotted configuration key (`Database.Password`). */
  key: string;
  /** The new value (ignored for `removed`). The caller passes a copy: `set` mutates objects in place. */
  value?: unknown;
}

/**
 * Writes the changes into `ConfigService` in order — so its `changes$` emits once per key — leaving
 * `process.env` as it was and no removed key behind in its cache. `shouldWrite` is asked right before
 * each write (after the earlier ones landed); a change it declines is left out.
 */
export function applyChanges(
  config: ConfigService,
  changes: Iterable<ConfigServiceChange>,
  shouldWrite: (change: ConfigServiceChange) => boolean = () => true,
): void {
  const environment = { ...process.env };
  try {
    for (const change of changes) {
      if (!shouldWrite(change)) continue;
      if (change.kind === 'removed') {
        config.set(change.key, undefined);
        forgetCached(config, change.key);
      } else {
        config.set(change.key, change.value);
      }
    }
  } finally {
    restoreEnvironment(environment);
  }
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
  // A key cached under its literal dotted name (es-toolkit's get/set accept both forms).
  delete (cache as Record<string, unknown>)[key];
}

/** Puts process.env back as it was: variables added since are deleted, changed ones restored. */
function restoreEnvironment(before: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) {
    if (!Object.hasOwn(before, name)) delete process.env[name];
  }
  for (const [name, value] of Object.entries(before)) {
    if (value !== undefined && process.env[name] !== value) process.env[name] = value;
  }
}

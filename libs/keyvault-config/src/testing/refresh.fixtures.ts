/**
 * Shared test data of the refresh specs (scheduler, snapshot diff, watcher): a logger that records
 * lines and a snapshot builder. Not part of the build (tsconfig.build.json excludes src/testing).
 */
import type { KeyVaultConfigLogger } from '../core/interfaces.js';
import type { LoadedKey } from '../core/loader.js';
import type { RefreshSnapshot } from '../core/snapshot-diff.js';

export class MemoryLogger implements KeyVaultConfigLogger {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: string): void => void this.lines.push({ level: 'log', message });
  warn = (message: string): void => void this.lines.push({ level: 'warn', message });
  error = (message: string): void => void this.lines.push({ level: 'error', message });
  debug = (message: string): void => void this.lines.push({ level: 'debug', message });
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

/** A snapshot of `vault.test` with these keys (and skipped report entries). */
export function snapshot(
  keys: Array<[key: string, version: string, value: unknown, secretName?: string]>,
  skipped: Array<{ key: string; secretName: string; reason: string }> = [],
): RefreshSnapshot {
  const map = new Map<string, LoadedKey>();
  const config: Record<string, unknown> = {};
  for (const [key, version, value, secretName] of keys) {
    map.set(key, { key, version, value, secretName: secretName ?? key, vault: 'vault.test' });
    config[key] = value;
  }
  return {
    config,
    keys: map,
    report: {
      vaults: ['vault.test'],
      loadedAt: new Date(0),
      elapsedMs: 1,
      loaded: map.size,
      throttling: { responses429: 0, waitedMs: 0, lowestConcurrency: 32 },
      entries: [
        ...[...map.values()].map((k) => ({
          key: k.key,
          secretName: k.secretName,
          vault: k.vault,
          version: k.version,
          source: 'list' as const,
          status: 'loaded' as const,
        })),
        ...skipped.map((s) => ({
          ...s,
          vault: 'vault.test',
          source: 'list' as const,
          status: 'skipped' as const,
        })),
      ],
    },
  };
}

/**
 * The watcher behind `KeyVaultConfigModule.forTesting()`: the given values as a snapshot, a report of
 * `source: 'testing'` entries, and a refresh that succeeds without changing anything.
 */
import type { KeyVaultConfigLogger } from '../core/index.js';
import { buildReport } from '../core/report.js';
import type { RefreshSnapshot } from '../core/snapshot-diff.js';
import { Watcher } from '../core/watcher.js';
import { nestValues, testingEntries, testingKeys } from './testing-values.util.js';

export function testingWatcher(
  values: Readonly<Record<string, unknown>>,
  logger: KeyVaultConfigLogger,
): Watcher {
  const config = nestValues(values);
  const keys = testingKeys(config);
  const snapshot = (): RefreshSnapshot => ({
    config,
    keys,
    report: buildReport({ vaults: [], loadedAt: new Date(), elapsedMs: 0, entries: testingEntries(keys) }),
  });
  return new Watcher(snapshot(), { reload: async () => snapshot() }, { logger });
}

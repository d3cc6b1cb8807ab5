/**
 * What a watcher shows when it is printed: `util.inspect` (console.log, `%o`, a debugger, a framework
 * dumping its providers) and `JSON.stringify` (a logger serializing its arguments). A watcher holds
 * every loaded value — the core's snapshot, the Nest service's ConfigService — so the default printing
 * of its fields would show them. The core `Watcher` and the Nest `KeyVaultConfigWatcher` print their
 * report (names, versions, sources) and refresh state instead, redacted like every other payload.
 */
import { inspect, type InspectOptions } from 'node:util';
import type { KeyVaultLoadReport } from './report.interface.js';
import type { KeyVaultRefreshState } from './watcher.interface.js';
import { redactPayload } from './redaction.js';

/** The printable face of a watcher: names, versions, counts and codes — never a value. */
export interface WatcherView {
  report: KeyVaultLoadReport;
  state: KeyVaultRefreshState;
}

/** What a view is read from (the core watcher, the Nest service). */
export interface Viewable {
  readonly report: KeyVaultLoadReport;
  readonly state: KeyVaultRefreshState;
}

/** The view of `target` (its `toJSON`), redacted. */
export function watcherView(target: Viewable): WatcherView {
  return redactPayload({ report: target.report, state: target.state });
}

/**
 * `target` as `util.inspect` prints it (its `[util.inspect.custom]`): `Name { report, state }`.
 * `depth` is what the caller has left; below it the class name only, as util.inspect does for objects.
 */
export function inspectWatcher(
  name: string,
  target: Viewable,
  depth: number | null,
  options: InspectOptions,
): string {
  if (depth !== null && depth < 0) return `[${name}]`;
  return `${name} ${inspect(watcherView(target), { ...options, depth })}`;
}

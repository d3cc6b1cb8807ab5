/**
 * The configuration `KeyVaultConfigModule.forTesting(values)` serves: a plain object whose keys may be
 * nested (`{ Database: { Password } }`) or dot paths (`{ 'Database.Password': … }`), both at once.
 */
import type { KeyVaultReportEntry } from '../core/index.js';
import type { LoadedKey } from '../core/snapshot-diff.js';

/** `vault` of the report entries and loaded keys of a testing module. */
export const TESTING_VAULT = 'testing';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** Sets `value` at the dot path `key`, merging objects that are already there. */
function assignPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const path = key.split('.');
  let node = target;
  for (const segment of path.slice(0, -1)) {
    if (!isPlainObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (isPlainObject(value)) {
    if (!isPlainObject(node[last])) node[last] = {};
    for (const [k, v] of Object.entries(value)) assignPath(node[last] as Record<string, unknown>, k, v);
  } else {
    node[last] = structuredClone(value);
  }
}

/** The nested configuration of `values` (dot-path keys expanded, objects copied). */
export function nestValues(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) assignPath(config, key, value);
  return config;
}

/** Every leaf of a nested configuration as a loaded key (arrays and other non-objects are leaves). */
export function testingKeys(config: Readonly<Record<string, unknown>>, prefix = ''): Map<string, LoadedKey> {
  const keys = new Map<string, LoadedKey>();
  for (const [name, value] of Object.entries(config)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of testingKeys(value, key)) keys.set(k, v);
    } else {
      keys.set(key, { key, secretName: key, vault: TESTING_VAULT, value });
    }
  }
  return keys;
}

/** Report entries of the testing keys: `source: 'testing'`, `status: 'loaded'`. */
export function testingEntries(keys: ReadonlyMap<string, LoadedKey>): KeyVaultReportEntry[] {
  return [...keys.values()].map((k) => ({
    key: k.key,
    secretName: k.secretName,
    vault: TESTING_VAULT,
    source: 'testing',
    status: 'loaded',
  }));
}

/**
 * `configModule.load` factories over vault keys. `@nestjs/config` merges a factory's result into the
 * configuration after the vault's (the module's own factory comes first): a `registerAs('Database')`
 * namespace is `set` at `Database`, replacing that whole subtree, and a plain factory is
 * `Object.assign`ed, replacing each top-level key it returns. Either can make a vault key vanish
 * silently, so a factory that would lose or change one fails startup with KEY_COLLISION — unless
 * `loadCollisions` says which side wins.
 *
 * Only public API of @nestjs/config is used: the namespace is read from the factory's `KEY`
 * (checked against `getConfigToken`), and a guarded namespace is registered again with `registerAs`
 * under the same name, so `@Inject(databaseConfig.KEY)` gets the guarded result.
 * load-factory.guard.spec.ts pins the merge behaviour this relies on.
 */
import { getConfigToken, registerAs, type ConfigFactory } from '@nestjs/config';
import { isDeepStrictEqual } from 'node:util';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from '../core/index.js';
import { loadFactoryCollision } from '../core/messages/index.js';
import { valueAtKey, type LoadedKey } from '../core/snapshot-diff.js';
import type { KeyVaultValues } from './keyvault-namespace.util.js';

/**
 * Who wins when a `configModule.load` factory overlaps vault keys: `'error'` fails startup with
 * KEY_COLLISION, `'vault'` merges the vault values over the factory's result, `'load'` lets the
 * factory's result replace them (as `@nestjs/config` alone does).
 */
export type LoadCollisionPolicy = 'error' | 'vault' | 'load';

/** The startup values a guarded factory is checked against. */
export interface VaultSnapshot {
  config: Readonly<Record<string, unknown>>;
  keys: ReadonlyMap<string, LoadedKey>;
  values: KeyVaultValues;
}

/** The `registerAs` namespace of a factory, or undefined for a plain one. */
export function namespaceOf(factory: ConfigFactory): string | undefined {
  const key: unknown = (factory as { KEY?: unknown }).KEY;
  if (typeof key !== 'string') return undefined;
  const name = /^CONFIGURATION\((.+)\)$/s.exec(key)?.[1];
  return name !== undefined && getConfigToken(name) === key ? name : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `over` merged into `base`, `over` winning on every leaf it has. */
function mergeOver(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeOver(base[k], v);
  return out;
}

/** `value` set at the dot path `path` of a copy of `root`, as es-toolkit's `set` does. */
function setAt(root: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root) as Record<string, unknown>;
  const segments = path.split('.');
  let node = copy;
  for (const segment of segments.slice(0, -1)) {
    if (!isPlainObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]!] = value;
  return copy;
}

const overlaps = (key: string, region: string): boolean =>
  key === region || key.startsWith(`${region}.`) || region.startsWith(`${key}.`);

/** The vault keys the factory's result would lose or change, each with the region that covers it. */
function lostKeys(partial: unknown, namespace: string | undefined, vault: VaultSnapshot) {
  const regions = namespace !== undefined ? [namespace] : isPlainObject(partial) ? Object.keys(partial) : [];
  const merged =
    namespace !== undefined
      ? setAt(vault.config, namespace, partial)
      : { ...vault.config, ...(isPlainObject(partial) ? partial : {}) };
  const lost: Array<{ key: LoadedKey; region: string }> = [];
  for (const key of vault.keys.values()) {
    const region = regions.find((r) => overlaps(key.key, r));
    if (region !== undefined && !isDeepStrictEqual(valueAtKey(merged, key.key), key.value))
      lost.push({ key, region });
  }
  return lost;
}

/** The factory's result after the policy: unchanged, the vault merged over it, or a KEY_COLLISION. */
function resolve(
  partial: unknown,
  namespace: string | undefined,
  vault: VaultSnapshot,
  policy: LoadCollisionPolicy,
) {
  if (policy === 'load') return partial;
  const lost = lostKeys(partial, namespace, vault);
  if (lost.length === 0) return partial;
  if (policy === 'vault') {
    if (namespace !== undefined) return mergeOver(partial, valueAtKey({ ...vault.config }, namespace));
    const out: Record<string, unknown> = { ...(partial as Record<string, unknown>) };
    for (const region of new Set(lost.map((l) => l.region)))
      out[region] = mergeOver(out[region], vault.config[region]);
    return out;
  }
  const { key, region } = lost[0]!;
  throw new KeyVaultConfigError(
    KeyVaultConfigErrorCode.KeyCollision,
    loadFactoryCollision({ namespace, region, key: key.key, secretName: key.secretName, vault: key.vault }),
    { key: key.key, secretName: key.secretName, vault: key.vault },
  );
}

/**
 * The factory, checked against the vault's values when `@nestjs/config` runs it. A `keyVaultNamespace`
 * factory is handed these values (a plain factory ignores the argument).
 */
export function guardLoadFactory(
  factory: ConfigFactory,
  vault: VaultSnapshot,
  policy: LoadCollisionPolicy,
): ConfigFactory {
  const namespace = namespaceOf(factory);
  const call = factory as (values: KeyVaultValues) => ReturnType<ConfigFactory>;
  const guarded = async () =>
    resolve(await call(vault.values), namespace, vault, policy) as Record<string, unknown>;
  return namespace === undefined ? guarded : registerAs(namespace, guarded);
}

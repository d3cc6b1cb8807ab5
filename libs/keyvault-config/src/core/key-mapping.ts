/**
 * Secret name → configuration key (the default mapping or the user's keyMapper), JSON expansion, and
 * the nested configuration object. Two secrets on one key, or a value and an object on one path, are
 * errors naming both secrets.
 */
import {
  JSON_CONTENT_TYPE_PATTERN,
  RESERVED_KEY_SEGMENTS,
  SECRET_NAME_SEGMENT_SEPARATOR,
} from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode, vaultNameOf } from './errors.js';
import {
  invalidJsonContent,
  keyMapperReturnedNonKey,
  keyMapperThrew,
  pathCollision,
  sameKeyCollision as sameKeyMessage,
} from './messages/index.js';

/**
 * The default mapping: split on `--` into a nested path, `-` becomes `_` inside a segment, case kept.
 * `Database--Connection-String` → `'Database.Connection_String'`; `API-KEY` → `'API_KEY'`.
 * Returns `undefined` when a segment would be empty (`a--`, `--a`, `a----b`).
 */
export function mapSecretName(name: string): string | undefined {
  const segments = name.split(SECRET_NAME_SEGMENT_SEPARATOR).map((segment) => segment.replaceAll('-', '_'));
  return segments.every((segment) => segment.length > 0) ? segments.join('.') : undefined;
}

/** `'Database.Password'` → `['Database', 'Password']`; undefined for empty or reserved segments. */
export function parseKeyPath(key: string): string[] | undefined {
  const path = splitKeyPath(key);
  return path && reservedSegmentOf(path) === undefined ? path : undefined;
}

/** `'Database.Password'` → `['Database', 'Password']`; undefined for an empty segment (reserved ones kept). */
export function splitKeyPath(key: string): string[] | undefined {
  if (typeof key !== 'string' || key.length === 0) return undefined;
  const path = key.split('.');
  return path.every((segment) => segment.length > 0) ? path : undefined;
}

/** The first reserved segment of a key path (`__proto__`, `prototype`, `constructor`), if any. */
export function reservedSegmentOf(path: readonly string[]): string | undefined {
  return path.find((segment) => RESERVED_KEY_SEGMENTS.has(segment));
}

/**
 * The first reserved key inside a parsed JSON value, at any depth (arrays included). JSON.parse makes
 * `"__proto__"` an own property, harmless in the object itself but not in a consumer that merges or
 * copies it with assignment — so such a secret is skipped, never half-loaded. Iterative: the depth of
 * a JSON secret is the vault's to choose.
 */
export function reservedKeyIn(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      if (RESERVED_KEY_SEGMENTS.has(key)) return key;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

/** A reserved word bounded by the start, the end, `__` or `.` (`a____proto__` is `a` + `__proto__`). */
const RESERVED_VARIABLE_SEGMENT = new RegExp(
  `(^|__|\\.)(${[...RESERVED_KEY_SEGMENTS].join('|')})(?=$|__|\\.)`,
);

/**
 * The reserved segment of an environment variable's name, read as merge.ts reads variables (`A__B` and
 * `A.B` are the nested key `A.B`): `__proto__`, `a__constructor`, `a.prototype`.
 */
export function reservedSegmentOfVariable(variable: string): string | undefined {
  return RESERVED_VARIABLE_SEGMENT.exec(variable)?.[2];
}

/** The part of a vault source that maps names to keys. */
export interface KeyMapping {
  /** Vault host (for messages). */
  host: string;
  keyMapper?: (secretName: string) => string | undefined;
}

/**
 * The key path of a secret: the vault's keyMapper, or the default mapping. `null`: the keyMapper
 * returned undefined (skip it); `undefined`: the default mapping found an empty segment. A keyMapper
 * that throws or returns a non-key fails the load naming the secret. A path with a reserved segment is
 * returned as is: the caller skips it with SkipReason.ReservedName (see {@link reservedSegmentOf}).
 */
export function keyPathFor(
  vault: KeyMapping,
  mappedName: string,
  secretName: string,
): string[] | null | undefined {
  if (!vault.keyMapper) {
    const key = mapSecretName(mappedName);
    return key === undefined ? undefined : splitKeyPath(key);
  }
  let key: string | undefined;
  try {
    key = vault.keyMapper(mappedName);
  } catch (error) {
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidOptions,
      keyMapperThrew(secretName, vault.host),
      { key: 'keyMapper', secretName, vault: vault.host, cause: error },
    );
  }
  if (key === undefined) return null;
  const path = typeof key === 'string' ? splitKeyPath(key) : undefined;
  if (!path) {
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidOptions,
      keyMapperReturnedNonKey(secretName, vault.host, key),
      { key: 'keyMapper', secretName, vault: vault.host },
    );
  }
  return path;
}

/** `application/json`, with parameters (`; charset=utf-8`), any case. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_CONTENT_TYPE_PATTERN.test(contentType);
}

/**
 * The value to store under a key: the string, or the parsed JSON for `application/json` secrets.
 * Invalid JSON fails naming the secret; JSON.parse's own message is never used, since it quotes the
 * text it choked on.
 */
export function secretValueOf(
  value: string | undefined,
  contentType: string | undefined,
  parseJson: boolean,
  secret: { name: string; vault: string; key?: string },
): unknown {
  const text = value ?? '';
  if (!parseJson || !isJsonContentType(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidSecretContent,
      invalidJsonContent({
        secretName: secret.name,
        vault: secret.vault,
        vaultName: vaultNameOf(secret.vault),
      }),
      { secretName: secret.name, vault: secret.vault, key: secret.key },
    );
  }
}

/** One value bound for the configuration. */
export interface ConfigEntry {
  /** Dot path. */
  key: string;
  path: string[];
  value: unknown;
  /** Secret name (or, for values from the environment, the variable name). */
  secretName: string;
  /** Vault host (empty for environment values). */
  vault: string;
}

/** Two entries of one vault on the same key. */
export function sameKeyCollision(a: ConfigEntry, b: ConfigEntry): KeyVaultConfigError {
  return new KeyVaultConfigError(KeyVaultConfigErrorCode.KeyCollision, sameKeyMessage(a, b), {
    key: a.key,
    secretName: b.secretName,
    vault: b.vault,
  });
}

/**
 * Fails when a value and an object would share a path (`Database` and `Database--Host`). The entries
 * are the final ones (one per key).
 */
export function checkPathCollisions(entries: Iterable<ConfigEntry>): void {
  const byKey = new Map<string, ConfigEntry>();
  for (const entry of entries) byKey.set(entry.key, entry);
  for (const entry of byKey.values()) {
    for (let i = 1; i < entry.path.length; i++) {
      const parent = byKey.get(entry.path.slice(0, i).join('.'));
      if (parent) {
        throw new KeyVaultConfigError(KeyVaultConfigErrorCode.KeyCollision, pathCollision(parent, entry), {
          key: parent.key,
          secretName: entry.secretName,
          vault: entry.vault,
        });
      }
    }
  }
}

/** Builds the nested object from entries whose paths do not collide (see {@link checkPathCollisions}). */
export function buildConfig(entries: Iterable<ConfigEntry>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const entry of entries) {
    let node = root;
    for (const segment of entry.path.slice(0, -1)) {
      const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (next === undefined) {
        const child: Record<string, unknown> = {};
        node[segment] = child;
        node = child;
      } else {
        node = next as Record<string, unknown>;
      }
    }
    node[entry.path[entry.path.length - 1]!] = entry.value;
  }
  return root;
}

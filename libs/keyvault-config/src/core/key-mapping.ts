/**
 * Secret name → configuration key (the default mapping or the user's keyMapper), JSON expansion, and
 * the nested configuration object. Two secrets on one key, or a value and an object on one path, are
 * errors naming both secrets.
 */
import { JSON_CONTENT_TYPE_PATTERN, SECRET_NAME_SEGMENT_SEPARATOR } from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode, vaultNameOf } from './errors.js';
import {
  invalidJsonContent,
  keyMapperReturnedNonKey,
  keyMapperThrew,
  pathCollision,
  sameKeyCollision as sameKeyMessage,
} from './messages/index.js';

/** Segments that would reach Object.prototype through a plain object. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * The default mapping: split on `--` into a nested path, `-` becomes `_` inside a segment, case kept.
 * `Database--Connection-String` → `'Database.Connection_String'`; `API-KEY` → `'API_KEY'`.
 * Returns `undefined` when a segment would be empty (`a--`, `--a`, `a----b`).
 */
export function mapSecretName(name: string): string | undefined {
  const segments = name.split(SECRET_NAME_SEGMENT_SEPARATOR).map((segment) => segment.replaceAll('-', '_'));
  return segments.every((segment) => segment.length > 0) ? segments.join('.') : undefined;
}

/** `'Database.Password'` → `['Database', 'Password']`; undefined for empty or unsafe segments. */
export function parseKeyPath(key: string): string[] | undefined {
  if (typeof key !== 'string' || key.length === 0) return undefined;
  const path = key.split('.');
  return path.every((segment) => segment.length > 0 && !FORBIDDEN_SEGMENTS.has(segment)) ? path : undefined;
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
 * that throws or returns a non-key fails the load naming the secret.
 */
export function keyPathFor(
  vault: KeyMapping,
  mappedName: string,
  secretName: string,
): string[] | null | undefined {
  if (!vault.keyMapper) {
    const key = mapSecretName(mappedName);
    return key === undefined ? undefined : parseKeyPath(key);
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
  const path = typeof key === 'string' ? parseKeyPath(key) : undefined;
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

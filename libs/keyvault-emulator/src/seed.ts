import { readFileSync } from 'node:fs';
import type { SeedFile, SeedSecret } from './emulator.interfaces.js';
import type { SetSecretInput } from './vault/store.interfaces.js';

/** A seed that cannot be used. Messages name the secret or field, never a value. */
export class SeedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SeedError';
  }
}

/**
 * Converts a seed date to epoch seconds: a number is taken as epoch seconds, a string as ISO 8601
 * (or a string of digits as epoch seconds).
 */
export function toEpochSeconds(value: string | number, field = 'date'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SeedError(`Invalid ${field}: ${value}`);
    return Math.floor(value);
  }
  if (/^\s*\d+\s*$/.test(value)) return Number(value.trim());
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new SeedError(`Invalid ${field}: '${value}' is neither an ISO 8601 date nor epoch seconds.`);
  return Math.floor(ms / 1000);
}

/** Validates one seed secret's shape (name and value type, tags, dates) and converts it for the store. */
export function seedToSetInput(secret: SeedSecret, where = 'seed'): SetSecretInput {
  if (secret === null || typeof secret !== 'object')
    throw new SeedError(`${where}: each secret must be an object.`);
  if (typeof secret.name !== 'string' || secret.name === '') {
    throw new SeedError(`${where}: every secret needs a non-empty string 'name'.`);
  }
  if (typeof secret.value !== 'string') {
    throw new SeedError(`${where}: secret '${secret.name}' needs a string 'value'.`);
  }
  const input: SetSecretInput = { name: secret.name, value: secret.value };
  if (secret.contentType !== undefined) input.contentType = String(secret.contentType);
  if (secret.enabled !== undefined) input.enabled = Boolean(secret.enabled);
  if (secret.expires !== undefined) input.exp = toEpochSeconds(secret.expires, `expires of '${secret.name}'`);
  if (secret.notBefore !== undefined)
    input.nbf = toEpochSeconds(secret.notBefore, `notBefore of '${secret.name}'`);
  if (secret.tags !== undefined) {
    if (secret.tags === null || typeof secret.tags !== 'object' || Array.isArray(secret.tags)) {
      throw new SeedError(`${where}: tags of '${secret.name}' must be an object of strings.`);
    }
    input.tags = Object.fromEntries(Object.entries(secret.tags).map(([k, v]) => [k, String(v)]));
  }
  return input;
}

/** Normalizes a parsed seed document: a bare array of secrets or a {@link SeedFile}. */
export function normalizeSeedDocument(document: unknown, where = 'seed'): SeedFile {
  if (Array.isArray(document)) return { secrets: document as SeedSecret[] };
  if (document !== null && typeof document === 'object') {
    const file = document as SeedFile;
    if (file.secrets !== undefined && !Array.isArray(file.secrets)) {
      throw new SeedError(`${where}: 'secrets' must be an array.`);
    }
    if (file.identities !== undefined && !Array.isArray(file.identities)) {
      throw new SeedError(`${where}: 'identities' must be an array.`);
    }
    if (file.vaults !== undefined && !Array.isArray(file.vaults)) {
      throw new SeedError(`${where}: 'vaults' must be an array.`);
    }
    return file;
  }
  throw new SeedError(`${where}: expected a JSON array of secrets or an object with 'secrets'.`);
}

/** Reads a seed file (JSON: array of secrets or SeedFile). */
export function loadSeedFile(path: string): SeedFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SeedError(`Cannot read the seed file ${path}.`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause: the parser's message may quote part of the file, which can hold secret values.
    throw new SeedError(`The seed file ${path} is not valid JSON.`);
  }
  return normalizeSeedDocument(parsed, path);
}

/**
 * Resolves the `seed` option: an array of secrets, a SeedFile object or the path of a JSON file.
 * Seeding applies only to a vault that has no persisted state yet (see `startEmulator`): a data file
 * that already holds a vault's state wins over the seed, so restarts keep changes made at run time.
 */
export function resolveSeed(seed: SeedSecret[] | SeedFile | string | undefined): SeedFile {
  if (seed === undefined) return {};
  if (typeof seed === 'string') return loadSeedFile(seed);
  return normalizeSeedDocument(seed);
}

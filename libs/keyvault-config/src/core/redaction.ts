/**
 * The last line of defence: every text the library produces — error messages and their `cause` chain,
 * log lines, report and health payloads — is checked against the secret values the library holds and
 * has held in this process, and each occurrence is replaced by {@link REDACTED}. Messages are built
 * from names and codes only (messages/); this catches what a future change, an SDK or a hostile
 * network could still slip in.
 *
 * Values shorter than {@link MIN_REDACTED_LENGTH} are not matched: a value like `true` or `8080`
 * would blank out ordinary words and numbers of every message, and no message quotes a value anyway.
 */
import { inspect } from 'node:util';
import { HeldValues } from './held-values.js';
import type { KeyVaultConfigLogger } from './interfaces.js';

/** What replaces a held value in a text. */
export const REDACTED = '[redacted]';
/** Shortest value matched. @default 6 */
export const MIN_REDACTED_LENGTH = 6;
/** Most values remembered (oldest forgotten first): rotations must not grow memory without bound. */
const MAX_HELD = 10_000;

const held = new HeldValues(MIN_REDACTED_LENGTH);

/** Remembers values (and their JSON-escaped forms) to redact from now on. */
export function holdValues(values: Iterable<string>): void {
  for (const value of values) {
    if (typeof value !== 'string' || value.length < MIN_REDACTED_LENGTH) continue;
    held.add(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) held.add(escaped);
  }
  for (const oldest of held) {
    if (held.size <= MAX_HELD) break;
    held.delete(oldest);
  }
}

/**
 * `text` with every held value replaced by {@link REDACTED}. A text without any (nearly all of them)
 * costs one pass over it (held-values.ts); only a text that holds one is rewritten.
 */
export function redact(text: string): string {
  if (typeof text !== 'string' || !held.foundIn(text)) return text;
  let out = text;
  for (const value of held) if (out.includes(value)) out = out.split(value).join(REDACTED);
  return out;
}

/** True when `text` contains a held value. */
function holds(text: string): boolean {
  return held.foundIn(text);
}

/**
 * `cause` itself when nothing in it (inspected to full depth) is a held value; else a copy of its
 * chain of errors with name, code, status and redacted message and stack, and no other field.
 */
export function redactCause(cause: unknown, depth = 0): unknown {
  if (held.size === 0) return cause;
  if (!(cause instanceof Error)) {
    return typeof cause === 'string' ? redact(cause) : holds(inspect(cause, { depth: 8 })) ? REDACTED : cause;
  }
  if (!holds(inspect(cause, { depth: 8 }))) return cause;
  const source = cause as Error & { code?: unknown; statusCode?: unknown };
  const copy = new Error(redact(source.message)) as Error & { code?: unknown; statusCode?: unknown };
  copy.name = source.name;
  copy.stack = source.stack === undefined ? undefined : redact(source.stack);
  if (source.code !== undefined)
    copy.code = typeof source.code === 'string' ? redact(source.code) : source.code;
  if (typeof source.statusCode === 'number') copy.statusCode = source.statusCode;
  if (source.cause !== undefined && depth < 8) copy.cause = redactCause(source.cause, depth + 1);
  return copy;
}

/**
 * A JSON-like payload (report, health) with every string redacted: `payload` itself when no string
 * in it holds a value (one read-only pass, no copy — the common case), else a deep copy.
 */
export function redactPayload<T>(payload: T): T {
  if (held.size === 0 || !payloadHolds(payload, 0)) return payload;
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redact(value);
    if (depth > 16 || value === null || typeof value !== 'object' || value instanceof Date) return value;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = walk(item, depth + 1);
    return out;
  };
  return walk(payload, 0) as T;
}

/** True when a string anywhere in `value` (within {@link redactPayload}'s depth) holds a value. */
function payloadHolds(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return held.foundIn(value);
  if (depth > 16 || value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (payloadHolds(item, depth + 1)) return true;
    return false;
  }
  for (const key of Object.keys(value)) {
    if (payloadHolds((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

const REDACTING = Symbol('keyvault-config.redacting');

/** The logger with every line redacted (wrapping an already redacting logger returns it). */
export function redactingLogger(logger: KeyVaultConfigLogger): KeyVaultConfigLogger {
  if ((logger as { [REDACTING]?: boolean })[REDACTING]) return logger;
  const wrapped: KeyVaultConfigLogger & { [REDACTING]: true } = {
    [REDACTING]: true,
    log: (message) => logger.log(redact(message)),
    warn: (message) => logger.warn(redact(message)),
    error: (message) => logger.error(redact(message)),
  };
  if (typeof logger.debug === 'function') wrapped.debug = (message) => logger.debug?.(redact(message));
  return wrapped;
}

/** Forgets every held value (tests only). */
export function forgetHeldValues(): void {
  held.clear();
}

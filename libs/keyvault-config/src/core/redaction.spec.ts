import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import {
  forgetHeldValues,
  holdValues,
  REDACTED,
  redact,
  redactCause,
  redactingLogger,
  redactPayload,
} from './redaction.js';

const VALUE = 'CANARY-held-value-1234';
afterEach(() => forgetHeldValues());

describe('redaction of held values', () => {
  it('replaces every occurrence, and the JSON-escaped form', () => {
    holdValues([VALUE, 'quote"d-value']);
    expect(redact(`a ${VALUE} b ${VALUE}`)).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(redact(JSON.stringify({ v: 'quote"d-value' }))).toBe(`{"v":"${REDACTED}"}`);
  });

  it('ignores values too short to match without blanking ordinary words', () => {
    holdValues(['true', '8080']);
    expect(redact('true on port 8080')).toBe('true on port 8080');
  });

  it('redacts the message and the whole cause chain of a KeyVaultConfigError', () => {
    holdValues([VALUE]);
    const inner = Object.assign(new Error(`inner ${VALUE}`), { code: 'E1', body: VALUE });
    const outer = new Error(`outer ${VALUE}`, { cause: inner });
    const error = new KeyVaultConfigError(KeyVaultConfigErrorCode.VaultUnreachable, `msg ${VALUE}`, {
      cause: outer,
    });
    expect(inspect(error, { depth: Infinity })).not.toContain(VALUE);
    expect(error.message).toBe(`msg ${REDACTED}`);
    expect((error.cause as Error).message).toBe(`outer ${REDACTED}`);
    expect(((error.cause as Error).cause as { code: string }).code).toBe('E1');
  });

  it('keeps a clean cause as it is', () => {
    holdValues([VALUE]);
    const cause = new Error('clean');
    expect(redactCause(cause)).toBe(cause);
  });

  it('redacts log lines and payloads', () => {
    holdValues([VALUE]);
    const lines: string[] = [];
    const logger = redactingLogger({
      log: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
    });
    logger.warn(`w ${VALUE}`);
    expect(redactingLogger(logger)).toBe(logger);
    expect(lines).toEqual([`w ${REDACTED}`]);
    expect(redactPayload({ a: [{ b: VALUE }], at: new Date(0) })).toEqual({
      a: [{ b: REDACTED }],
      at: new Date(0),
    });
  });

  it('returns a clean payload as it is, and a copy only when a string in it holds a value', () => {
    holdValues([VALUE]);
    const clean = { entries: [{ key: 'a', name: 'b' }], count: 2 };
    expect(redactPayload(clean)).toBe(clean);
    const dirty = { entries: [{ key: 'a', note: `x${VALUE}y` }], count: 2 };
    expect(redactPayload(dirty)).toEqual({ entries: [{ key: 'a', note: `x${REDACTED}y` }], count: 2 });
    expect(dirty.entries[0]?.note).toBe(`x${VALUE}y`);
  });

  it('finds any of 10,000 held values, and forgets the oldest beyond that', () => {
    const values = Array.from({ length: 10_001 }, (_, i) => `held-${i}-value`);
    holdValues(values);
    expect(redact(`a ${values[10_000]} b ${values[1]}.`)).toBe(`a ${REDACTED} b ${REDACTED}.`);
    expect(redact(`a ${values[0]} b`)).toBe(`a ${values[0]} b`);
  });
});

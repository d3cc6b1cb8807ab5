import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { leafStrings, safeIssueMessage, validateConfig } from './validation.js';

const CANARY = 'CANARY-validation-9c1e';

async function failure(
  schema: StandardSchemaV1,
  config: Record<string, unknown>,
): Promise<KeyVaultConfigError> {
  let caught: unknown;
  try {
    await validateConfig(schema, config, leafStrings(config));
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyVaultConfigError);
  expect((caught as KeyVaultConfigError).code).toBe(KeyVaultConfigErrorCode.ValidationFailed);
  return caught as KeyVaultConfigError;
}

describe('validateConfig', () => {
  const config = { Database: { Password: CANARY, Port: 'not-a-number' }, MODE: CANARY, API_KEY: CANARY };

  it('passes a valid configuration', async () => {
    await expect(
      validateConfig(z.object({ Database: z.object({ Password: z.string() }) }), config, new Set()),
    ).resolves.toBeUndefined();
  });

  it('names the keys (zod) without values', async () => {
    const schema = z.object({
      Database: z.object({
        Password: z.string().min(100),
        Port: z.coerce.number().int(),
        Missing: z.string(),
      }),
      MODE: z.enum(['development', 'production']),
      API_KEY: z.literal('expected-literal'),
      Url: z.url(),
    });
    const error = await failure(schema, config);
    expect(error.message).toContain('Database.Password');
    expect(error.message).toContain('Database.Port');
    expect(error.message).toContain('Database.Missing');
    expect(error.message).toContain('MODE');
    expect(error.message).toContain('Url');
    expect(error.key).toContain('Database.Missing');
    expect(error.message).not.toContain(CANARY);
    expect(error.message).not.toContain('not-a-number');
    expect(JSON.stringify(error)).not.toContain(CANARY);
  });

  it('names the keys (valibot, which quotes received values) without values', async () => {
    const schema = v.object({
      Database: v.object({ Password: v.pipe(v.string(), v.minLength(100)), Port: v.picklist(['5432']) }),
      MODE: v.picklist(['development', 'production']),
      API_KEY: v.literal('expected-literal'),
      Missing: v.string(),
    });
    const error = await failure(schema, config);
    for (const key of ['Database.Password', 'Database.Port', 'MODE', 'API_KEY', 'Missing']) {
      expect(error.message).toContain(key);
    }
    expect(error.message).not.toContain(CANARY);
    expect(error.message).not.toContain('not-a-number');
  });

  it('withholds a message that would still show a value', async () => {
    const schema = z.object({
      MODE: z.string().refine(() => false, { message: `bad mode ${CANARY} here` }),
    });
    const error = await failure(schema, config);
    expect(error.message).toContain('MODE: invalid value (the message is withheld');
    expect(error.message).not.toContain(CANARY);
  });

  it('does not pass on the message of a throwing schema', async () => {
    const schema: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => {
          throw new TypeError(`cannot read ${CANARY}`);
        },
      },
    };
    const error = await failure(schema, config);
    expect(error.message).not.toContain(CANARY);
    expect(error.cause).toBeUndefined();
  });

  it('supports async schemas and root issues', async () => {
    const schema: StandardSchemaV1 = {
      '~standard': { version: 1, vendor: 'test', validate: async () => ({ issues: [{ message: 'nope' }] }) },
    };
    expect((await failure(schema, {})).message).toContain('(root): nope');
  });
});

describe('safeIssueMessage', () => {
  it('cuts received clauses and keeps the rest', () => {
    expect(safeIssueMessage('Invalid type: Expected string but received 123', 123, new Set())).toBe(
      'Invalid type: Expected string',
    );
    expect(safeIssueMessage("Invalid enum value. Expected 'a' | 'b', received 'zzz'", 'zzz', new Set())).toBe(
      "Invalid enum value. Expected 'a' | 'b'",
    );
    expect(safeIssueMessage('Required', undefined, new Set())).toBe('Required');
  });
});

describe('an issue message that echoes its input transformed', () => {
  const secret = 'S3cr3t-Rotated"Value/42x';
  const json = { Inner: { 'private-key-name': 'zzz' } };
  /** A schema whose one issue at `Db.Password` says whatever `echo` makes of the input. */
  const echoing = (echo: (input: string) => string): StandardSchemaV1 => ({
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: () => ({ issues: [{ message: `bad value ${echo(secret)}`, path: ['Db', 'Password'] }] }),
    },
  });

  it.each([
    ['upper-cased', (s: string) => s.toUpperCase()],
    ['lower-cased', (s: string) => s.toLowerCase()],
    ['sliced', (s: string) => s.slice(3, 12)],
    ['JSON-escaped', (s: string) => JSON.stringify(s)],
    ['base64', (s: string) => Buffer.from(s).toString('base64')],
    ['hex', (s: string) => Buffer.from(s).toString('hex')],
  ])('withholds the message when the value comes back %s', async (_, echo) => {
    const error = await failure(echoing(echo), { Db: { Password: secret } });
    expect(error.message).toContain('Db.Password');
    expect(error.message).not.toContain('bad value');
    expect(error.message).not.toContain(echo(secret));
  });

  it('withholds a message that quotes a key inside a JSON secret', async () => {
    const schema = z.object({ Settings: z.object({ Inner: z.object({}).strict() }) });
    const error = await failure(schema, { Settings: json });
    expect(error.message).toContain('Settings.Inner');
    expect(error.message).not.toContain('private-key-name');
  });

  it('keeps a message that shows nothing of the input', async () => {
    const error = await failure(
      echoing(() => 'too short'),
      { Db: { Password: secret } },
    );
    expect(error.message).toContain('bad value too short');
  });
});

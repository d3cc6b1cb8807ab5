import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeedFile, resolveSeed, SeedError, seedToSetInput, toEpochSeconds } from './seed.js';
import { thrown } from './testing/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'kv-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seed', () => {
  it('converts ISO strings and epoch seconds', () => {
    expect(toEpochSeconds('2030-01-01T00:00:00Z')).toBe(1_893_456_000);
    expect(toEpochSeconds(1_893_456_000)).toBe(1_893_456_000);
    expect(toEpochSeconds('1893456000')).toBe(1_893_456_000);
    expect(() => toEpochSeconds('next tuesday')).toThrow(SeedError);
  });

  it('maps a seed secret to a store input', () => {
    expect(
      seedToSetInput({
        name: 'db',
        value: 'v',
        contentType: 'text/plain',
        enabled: false,
        expires: '2030-01-01T00:00:00Z',
        notBefore: 1_800_000_000,
        tags: { env: 'dev' },
      }),
    ).toEqual({
      name: 'db',
      value: 'v',
      contentType: 'text/plain',
      enabled: false,
      exp: 1_893_456_000,
      nbf: 1_800_000_000,
      tags: { env: 'dev' },
    });
  });

  it('rejects malformed secrets without echoing values', () => {
    expect(() => seedToSetInput({ name: '', value: 'x' })).toThrow(SeedError);
    expect(() => seedToSetInput({ name: 'n', value: 42 as unknown as string })).toThrow(
      "'n' needs a string 'value'",
    );
    const error = thrown(() => seedToSetInput({ name: 'n', value: 'topsecret', expires: 'garbage' }));
    expect(error).toBeInstanceOf(SeedError);
    expect(error.message).not.toContain('topsecret');
  });

  it('loads a seed file holding an array or a SeedFile object', () => {
    const arrayFile = join(dir, 'array.json');
    writeFileSync(arrayFile, JSON.stringify([{ name: 'a', value: '1' }]));
    expect(loadSeedFile(arrayFile)).toEqual({ secrets: [{ name: 'a', value: '1' }] });
    const objectFile = join(dir, 'object.json');
    const seed = {
      secrets: [{ name: 'b', value: '2' }],
      systemAssignedRole: 'reader',
      identities: [{ clientId: 'c', role: 'user' }],
      vaults: [{ name: 'second', secrets: [] }],
    };
    writeFileSync(objectFile, JSON.stringify(seed));
    expect(resolveSeed(objectFile)).toEqual(seed);
    expect(resolveSeed([{ name: 'x', value: 'y' }])).toEqual({ secrets: [{ name: 'x', value: 'y' }] });
    expect(resolveSeed(undefined)).toEqual({});
  });

  it('reports unreadable or invalid seed files without quoting them', () => {
    expect(() => loadSeedFile(join(dir, 'missing.json'))).toThrow(SeedError);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[{"name":"a","value":"hunter2"');
    const error = thrown(() => loadSeedFile(bad));
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.message).not.toContain('hunter2');
    writeFileSync(bad, '"just a string"');
    expect(() => loadSeedFile(bad)).toThrow(SeedError);
    writeFileSync(bad, '{"secrets":{}}');
    expect(() => loadSeedFile(bad)).toThrow(/'secrets' must be an array/);
  });
});

/**
 * Pins the behaviours of the installed `@nestjs/config` that config-service.bridge.ts works around,
 * then the bridge itself. When a "shape" test fails, `@nestjs/config` changed: revisit the bridge (its
 * workaround may be unneeded, or no longer enough) before touching these assertions.
 */
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyChanges, CHANGES_SUBJECT_FIELD } from './config-service.bridge.js';

const KEY = 'BridgeSpecSecret';
const VALUE = 'bridge-spec-value';

/** A ConfigService as `ConfigModule.forRoot({ cache: true })` builds it. */
async function cachingConfigService(config: Record<string, unknown> = {}): Promise<ConfigService> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ cache: true, ignoreEnvFile: true, load: [() => config] })],
  }).compile();
  return moduleRef.get(ConfigService);
}

afterEach(() => {
  delete process.env[KEY];
  delete process.env.BRIDGE_SPEC_URL;
});

describe('@nestjs/config shape the bridge relies on', () => {
  it('ConfigService.set writes String(value) into process.env', () => {
    new ConfigService({}).set(KEY, VALUE);
    expect(process.env[KEY]).toBe(VALUE);
  });

  it('set also rewrites .env variables that interpolate the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-spec-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(file, `BRIDGE_SPEC_URL=db://\${${KEY}}@host\n`);
      const service = new ConfigService({});
      service.setEnvFilePaths([file]);
      service.set(KEY, VALUE);
      expect(process.env.BRIDGE_SPEC_URL).toBe(`db://${VALUE}@host`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('set with a path array writes the configuration and emits, but never writes process.env', () => {
    const service = new ConfigService({});
    const seen: unknown[] = [];
    service.changes$.subscribe((change) => seen.push(change.path));
    (service.set as unknown as (path: string[], value: unknown) => void)(['Nested', KEY], VALUE);
    expect(service.get(`Nested.${KEY}`)).toBe(VALUE);
    expect(seen).toEqual([['Nested', KEY]]);
    expect(Object.values(process.env)).not.toContain(VALUE);
  });

  it('changes$ is fed by the private `_changes$` Subject, which set() emits on', () => {
    const service = new ConfigService({});
    const subject = (service as unknown as Record<string, { next: (event: unknown) => void }>)[
      CHANGES_SUBJECT_FIELD
    ]!;
    expect(typeof subject.next).toBe('function');
    const seen: unknown[] = [];
    service.changes$.subscribe((change) => seen.push(change));
    subject.next({ path: 'direct', oldValue: undefined, newValue: 1 });
    const next = subject.next;
    const held: unknown[] = [];
    Object.defineProperty(subject, 'next', { value: (e: unknown) => held.push(e), configurable: true });
    service.set(KEY, VALUE);
    delete (subject as { next?: unknown }).next;
    expect(subject.next).toBe(next);
    expect(held).toEqual([{ path: KEY, oldValue: undefined, newValue: VALUE }]);
    expect(seen).toEqual([{ path: 'direct', oldValue: undefined, newValue: 1 }]);
  });

  it('with cache: true a key set to undefined comes back from the private `cache`', async () => {
    const service = await cachingConfigService();
    service.set(KEY, VALUE);
    delete process.env[KEY];
    service.set(KEY, undefined);
    delete process.env[KEY];
    expect((service as unknown as { cache: Record<string, unknown> }).cache).toHaveProperty(KEY, VALUE);
    expect(service.get(KEY)).toBe(VALUE);
  });
});

describe('applyChanges', () => {
  it('writes values into ConfigService and leaves process.env as it was', () => {
    const service = new ConfigService({});
    process.env.BRIDGE_SPEC_URL = 'unchanged';
    const seen: string[] = [];
    service.changes$.subscribe((change) => seen.push(change.path));
    applyChanges(service, [
      { kind: 'added', key: KEY, value: VALUE },
      { kind: 'added', key: 'Nested.Password', value: VALUE },
    ]);
    expect(service.get(KEY)).toBe(VALUE);
    expect(service.get('Nested.Password')).toBe(VALUE);
    expect(seen).toEqual([KEY, 'Nested.Password']);
    expect(process.env[KEY]).toBeUndefined();
    expect(process.env['Nested.Password']).toBeUndefined();
    expect(process.env.BRIDGE_SPEC_URL).toBe('unchanged');
  });

  it('changes$ subscribers see what set(key) gives them, and no value in process.env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-spec-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(file, `BRIDGE_SPEC_URL=db://\${${KEY}}@host\n`);
      process.env.BRIDGE_SPEC_URL = 'unchanged';
      const expected: unknown[] = [];
      const reference = new ConfigService({ Nested: { Password: 'old' } });
      reference.changes$.subscribe((change) => expected.push(change));
      reference.set(KEY, VALUE);
      reference.set('Nested.Password', VALUE);
      reference.set(KEY, undefined);
      delete process.env[KEY];
      delete process.env['Nested.Password'];
      process.env.BRIDGE_SPEC_URL = 'unchanged';

      const service = new ConfigService({ Nested: { Password: 'old' } });
      service.setEnvFilePaths([file]);
      const seen: unknown[] = [];
      const environments: string[][] = [];
      service.changes$.subscribe((change) => {
        seen.push(change);
        environments.push(Object.values(process.env).filter((v): v is string => v !== undefined));
      });
      applyChanges(service, [
        { kind: 'added', key: KEY, value: VALUE },
        { kind: 'updated', key: 'Nested.Password', value: VALUE },
        { kind: 'removed', key: KEY },
      ]);
      expect(seen).toEqual(expected);
      expect(environments).toHaveLength(3);
      for (const environment of environments) {
        expect(environment.filter((v) => v.includes(VALUE) || v === 'undefined')).toEqual([]);
      }
      expect(process.env.BRIDGE_SPEC_URL).toBe('unchanged');
      expect(process.env[KEY]).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a removed key does not come back from the cache (nested and dotted forms)', async () => {
    const service = await cachingConfigService({ Database: { Password: VALUE } });
    applyChanges(service, [
      { kind: 'added', key: KEY, value: VALUE },
      { kind: 'updated', key: 'Database.Password', value: 'v2' },
    ]);
    expect(service.get('Database.Password')).toBe('v2');
    applyChanges(service, [
      { kind: 'removed', key: KEY },
      { kind: 'removed', key: 'Database.Password' },
    ]);
    expect(service.get(KEY)).toBeUndefined();
    expect(service.get('Database.Password')).toBeUndefined();
  });

  it('asks shouldWrite right before each write, after the earlier writes landed', () => {
    const service = new ConfigService({ A: 'a', B: 'b' });
    const asked: Array<[string, unknown]> = [];
    applyChanges(
      service,
      [
        { kind: 'removed', key: 'A' },
        { kind: 'updated', key: 'B', value: 'b2' },
      ],
      (change) => {
        asked.push([change.key, service.get('A')]);
        return change.key === 'B';
      },
    );
    expect(asked).toEqual([
      ['A', 'a'],
      ['B', 'a'],
    ]);
    expect(service.get('A')).toBe('a');
    expect(service.get('B')).toBe('b2');
  });
});

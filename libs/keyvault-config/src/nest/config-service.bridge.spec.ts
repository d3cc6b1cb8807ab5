/**
 * Pins the two behaviours of the installed `@nestjs/config` that config-service.bridge.ts works around,
 * then the bridge itself. When a "shape" test fails, `@nestjs/config` changed: revisit the bridge (its
 * workaround may be unneeded, or no longer enough) before touching these assertions.
 */
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyChanges } from './config-service.bridge.js';

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

  it('restores process.env even when a write throws', () => {
    const service = new ConfigService({});
    // set() calls String(value) for process.env; a value whose toString throws makes set() throw.
    const poison = {
      toString(): string {
        throw new Error('cannot stringify');
      },
    };
    expect(() =>
      applyChanges(service, [
        { kind: 'added', key: KEY, value: VALUE },
        { kind: 'added', key: 'Poison', value: poison },
      ]),
    ).toThrow('cannot stringify');
    expect(process.env[KEY]).toBeUndefined();
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

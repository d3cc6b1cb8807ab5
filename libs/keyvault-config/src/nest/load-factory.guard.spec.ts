/**
 * Pins how @nestjs/config merges `load` factories — the behaviour load-factory.guard.ts builds on —
 * against the installed version, and the guard's reading of a namespace from public API only.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs, type ConfigModuleOptions } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { keyVaultValues } from './keyvault-namespace.util.js';
import { guardLoadFactory, namespaceOf } from './load-factory.guard.js';
import { nestValues, testingKeys } from './testing-values.util.js';

async function configOf(load: NonNullable<ConfigModuleOptions['load']>): Promise<ConfigService> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load })],
  }).compile();
  return moduleRef.get(ConfigService);
}

const vaultConfig = { Database: { Password: 'p', User: 'u' }, API_KEY: 'k' };
const vault = {
  config: vaultConfig,
  keys: testingKeys(vaultConfig),
  values: keyVaultValues(vaultConfig),
};

describe('@nestjs/config merging (what the guard relies on)', () => {
  it('a registerAs namespace replaces its whole subtree; a plain factory each top-level key', async () => {
    const ns = await configOf([
      () => structuredClone(vaultConfig),
      registerAs('Database', () => ({ Host: 'h' })),
    ]);
    expect(ns.get('Database')).toEqual({ Host: 'h' });
    const plain = await configOf([() => structuredClone(vaultConfig), () => ({ Database: { Pool: 1 } })]);
    expect(plain.get('Database')).toEqual({ Pool: 1 });
    expect(plain.get('API_KEY')).toBe('k');
  });

  it('reads the namespace of a registerAs factory, none of a plain one', () => {
    expect(namespaceOf(registerAs('Database', () => ({})))).toBe('Database');
    expect(namespaceOf(registerAs('app.db', () => ({})))).toBe('app.db');
    expect(namespaceOf(() => ({}))).toBeUndefined();
  });
});

describe('guardLoadFactory', () => {
  it('keeps the namespace token, so @Inject(namespace.KEY) receives the guarded result', async () => {
    const db = registerAs('Database', () => ({ Host: 'h' }));
    @Injectable()
    class Reader {
      constructor(@Inject(db.KEY) readonly value: unknown) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => structuredClone(vaultConfig), guardLoadFactory(db, vault, 'vault')],
        }),
      ],
      providers: [Reader],
    }).compile();
    expect(moduleRef.get(Reader).value).toEqual({ Host: 'h', Password: 'p', User: 'u' });
  });

  it('throws KEY_COLLISION on a lost or changed key; passes equal values and other subtrees', async () => {
    await expect(guardLoadFactory(() => ({ API_KEY: 'other' }), vault, 'error')()).rejects.toMatchObject({
      code: 'KEY_COLLISION',
      key: 'API_KEY',
    });
    await expect(guardLoadFactory(() => ({ API_KEY: 'k', X: 1 }), vault, 'error')()).resolves.toEqual({
      API_KEY: 'k',
      X: 1,
    });
    await expect(
      guardLoadFactory(
        registerAs('other', () => ({ a: 1 })),
        vault,
        'error',
      )(),
    ).resolves.toEqual({
      a: 1,
    });
    // Beside the vault's leaves: nothing lost.
    await expect(
      guardLoadFactory(
        registerAs('Database.Pool', () => ({ size: 1 })),
        vault,
        'error',
      )(),
    ).resolves.toEqual({ size: 1 });
    // Inside a JSON secret's object: the vault's value would change.
    const json = { config: { Settings: { a: 1 } }, values: keyVaultValues({ Settings: { a: 1 } }) };
    const keys = new Map([
      ['Settings', { key: 'Settings', secretName: 'Settings', vault: 'v', value: { a: 1 } }],
    ]);
    await expect(
      guardLoadFactory(
        registerAs('Settings.b', () => ({ c: 1 })),
        { ...json, keys },
        'error',
      )(),
    ).rejects.toMatchObject({ code: 'KEY_COLLISION', secretName: 'Settings' });
  });

  it("under 'load' returns the factory's result untouched", async () => {
    await expect(guardLoadFactory(() => ({ API_KEY: 'other' }), vault, 'load')()).resolves.toEqual({
      API_KEY: 'other',
    });
  });

  it('expands dot-path testing values like nested ones', () => {
    expect(nestValues({ 'Database.Password': 'p', Database: { User: 'u' }, API_KEY: 'k' })).toEqual(
      vaultConfig,
    );
  });
});

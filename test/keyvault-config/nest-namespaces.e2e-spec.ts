/**
 * `configModule.load` factories over vault keys, through the real SDK against the emulator: a
 * `registerAs` namespace or a plain factory that would make a vault key vanish fails startup with
 * KEY_COLLISION naming the namespace and the secret, unless `loadCollisions` says which wins; and
 * `keyVaultNamespace` builds a typed namespace (`ConfigType<typeof databaseConfig>`) from vault values.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs, type ConfigType } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  KeyVaultConfigError,
  KeyVaultConfigModule,
  keyVaultNamespace,
  type KeyVaultConfigModuleOptions,
} from 'nestjs-keyvault-config';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator({
  seed: [
    { name: 'Database--Password', value: secretValue('db') },
    { name: 'Database--User', value: 'app' },
    { name: 'API-KEY', value: secretValue('api') },
  ],
});

function options(overrides: Partial<KeyVaultConfigModuleOptions> = {}): KeyVaultConfigModuleOptions {
  return {
    vaultUrl: fx.emulator.vaultUrl,
    clientOptions: fx.clientOptions(),
    ignoreEnvFile: true,
    logger: captureLogger(),
    ...overrides,
  };
}

const databaseNamespace = registerAs('Database', () => ({ Host: 'db.internal', Port: 5432 }));

describe('a registerAs namespace over vault keys', () => {
  it('fails startup with KEY_COLLISION naming the namespace and the secret', async () => {
    const error = await rejectionOf(
      Test.createTestingModule({
        imports: [KeyVaultConfigModule.forRoot(options({ configModule: { load: [databaseNamespace] } }))],
      }).compile(),
    );
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error.code).toBe('KEY_COLLISION');
    expect(error.message).toContain("registerAs('Database')");
    expect(error.message).toMatch(/secret 'Database--(Password|User)'/);
    expect(error.message).toContain("loadCollisions: 'vault'");
    expectNoCanary(error);
  });

  it("with loadCollisions: 'vault', keeps the vault values in ConfigService and in the namespace", async () => {
    @Injectable()
    class UsesNamespace {
      constructor(@Inject(databaseNamespace.KEY) readonly db: ConfigType<typeof databaseNamespace>) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        KeyVaultConfigModule.forRoot(
          options({ loadCollisions: 'vault', configModule: { load: [databaseNamespace] } }),
        ),
      ],
      providers: [UsesNamespace],
    }).compile();
    const config = moduleRef.get(ConfigService);
    expect(config.get('Database.Password')).toBe(secretValue('db'));
    expect(config.get('Database.Host')).toBe('db.internal');
    expect(moduleRef.get(UsesNamespace).db).toEqual({
      Host: 'db.internal',
      Port: 5432,
      Password: secretValue('db'),
      User: 'app',
    });
    await moduleRef.close();
  });

  it("with loadCollisions: 'load', lets the namespace replace the subtree (as @nestjs/config alone)", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        KeyVaultConfigModule.forRoot(
          options({ loadCollisions: 'load', configModule: { load: [databaseNamespace] } }),
        ),
      ],
    }).compile();
    const config = moduleRef.get(ConfigService);
    expect(config.get('Database.Password')).toBeUndefined();
    expect(config.get('Database.Host')).toBe('db.internal');
    expect(config.get('API_KEY')).toBe(secretValue('api'));
    await moduleRef.close();
  });

  it('a namespace that keeps the vault values, or lives elsewhere, is no collision', async () => {
    const same = registerAs('Database', () => ({ Password: secretValue('db'), User: 'app', Host: 'h' }));
    const elsewhere = registerAs('cache', () => ({ ttl: 60 }));
    const moduleRef = await Test.createTestingModule({
      imports: [KeyVaultConfigModule.forRoot(options({ configModule: { load: [same, elsewhere] } }))],
    }).compile();
    const config = moduleRef.get(ConfigService);
    expect(config.get('Database.Host')).toBe('h');
    expect(config.get('cache.ttl')).toBe(60);
    await moduleRef.close();
  });
});

const plain = (): Record<string, unknown> => ({ Database: { Pool: 10 }, FEATURE: 'on' });

describe('a plain load factory over vault keys', () => {
  it('fails with KEY_COLLISION naming its top-level key, and merges under the vault policy', async () => {
    const error = await rejectionOf(
      Test.createTestingModule({
        imports: [KeyVaultConfigModule.forRoot(options({ configModule: { load: [plain] } }))],
      }).compile(),
    );
    expect(error.code).toBe('KEY_COLLISION');
    expect(error.message).toContain("top-level key 'Database'");

    const moduleRef = await Test.createTestingModule({
      imports: [
        KeyVaultConfigModule.forRoot(options({ loadCollisions: 'vault', configModule: { load: [plain] } })),
      ],
    }).compile();
    const config = moduleRef.get(ConfigService);
    expect(config.get('Database.Password')).toBe(secretValue('db'));
    expect(config.get('Database.Pool')).toBe(10);
    expect(config.get('FEATURE')).toBe('on');
    await moduleRef.close();
  });
});

describe('keyVaultNamespace', () => {
  const databaseConfig = registerAs(
    'database',
    keyVaultNamespace((vault) => ({
      host: 'db.internal',
      user: vault.getOrThrow('Database.User'),
      password: vault.getOrThrow('Database.Password'),
      apiKey: vault.get('Missing.Key') ?? 'none',
    })),
  );

  @Injectable()
  class DatabaseClient {
    constructor(@Inject(databaseConfig.KEY) readonly db: ConfigType<typeof databaseConfig>) {}
  }

  it('gives a typed namespace vault values, in configModule.load', async () => {
    expectTypeOf<ConfigType<typeof databaseConfig>>().toEqualTypeOf<{
      host: string;
      user: string;
      password: string;
      apiKey: string;
    }>();
    const moduleRef = await Test.createTestingModule({
      imports: [KeyVaultConfigModule.forRoot(options({ configModule: { load: [databaseConfig] } }))],
      providers: [DatabaseClient],
    }).compile();
    expect(moduleRef.get(DatabaseClient).db).toEqual({
      host: 'db.internal',
      user: 'app',
      password: secretValue('db'),
      apiKey: 'none',
    });
    expect(moduleRef.get(ConfigService).get('database.password')).toBe(secretValue('db'));
    await moduleRef.close();
  });

  it('and through ConfigModule.forFeature in a feature module', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [KeyVaultConfigModule.forRoot(options()), ConfigModule.forFeature(databaseConfig)],
      providers: [DatabaseClient],
    }).compile();
    expect(moduleRef.get(DatabaseClient).db.password).toBe(secretValue('db'));
    await moduleRef.close();
  });

  it('fails startup naming a required key the vault does not have, never a value', async () => {
    const broken = registerAs(
      'broken',
      keyVaultNamespace((vault) => ({ x: vault.getOrThrow('No.Such') })),
    );
    const error = await rejectionOf(
      Test.createTestingModule({
        imports: [KeyVaultConfigModule.forRoot(options({ configModule: { load: [broken] } }))],
      }).compile(),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain("'No.Such'");
    expectNoCanary(error);
  });
});

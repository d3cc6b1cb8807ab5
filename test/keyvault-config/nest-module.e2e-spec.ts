/**
 * The Nest layer through the real SDK against the emulator: values visible to every provider factory at
 * construction (the async-`load` trap of @nestjs/config), `keyVaultConfig()` inside the app's own
 * `ConfigModule.forRoot`, a vault URL from `.env`, `isGlobal: false`, the `KeyVaultConfigWatcher` report (and its deprecated alias `KeyVaultSecrets`), and a
 * startup that fails with one readable error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  KeyVaultConfigError,
  KeyVaultConfigModule,
  KeyVaultConfigWatcher,
  KeyVaultSecrets,
  keyVaultConfig,
  type KeyVaultConfigFactoryOptions,
  type KeyVaultConfigModuleOptions,
} from 'nestjs-keyvault-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const DB_OPTIONS = Symbol('DB_OPTIONS');

/** A library module in the TypeORM style: `forRootAsync({ imports: [ConfigModule], inject, useFactory })`. */
@Module({})
class FakeDatabaseModule {
  static forRootAsync(options: {
    imports: DynamicModule['imports'];
    inject: unknown[];
    useFactory: (...args: never[]) => unknown;
  }): DynamicModule {
    return {
      module: FakeDatabaseModule,
      imports: options.imports,
      providers: [{ provide: DB_OPTIONS, useFactory: options.useFactory, inject: options.inject as never[] }],
      exports: [DB_OPTIONS],
    };
  }
}

/** Records what `ConfigService` answered while the provider graph was being built. */
function databaseModuleSeeing(seen: Array<string | undefined>): DynamicModule {
  return FakeDatabaseModule.forRootAsync({
    imports: [ConfigModule],
    inject: [ConfigService],
    useFactory: (config: ConfigService) => {
      seen.push(config.get<string>('Database.Password'));
      return {};
    },
  });
}

@Injectable()
class UsesConfigAtConstruction {
  readonly apiKey: string | undefined;
  constructor(@Inject(ConfigService) config: ConfigService) {
    this.apiKey = config.get<string>('API_KEY');
  }
}

const fx = useEmulator({
  seed: [
    { name: 'Database--Password', value: secretValue('db') },
    { name: 'API-KEY', value: secretValue('api') },
  ],
});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kv-nest-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function moduleOptions(overrides: Partial<KeyVaultConfigModuleOptions> = {}): KeyVaultConfigModuleOptions {
  return {
    vaultUrl: fx.emulator.vaultUrl,
    clientOptions: fx.clientOptions(),
    ignoreEnvFile: true,
    ...overrides,
  };
}

describe('KeyVaultConfigModule.forRoot', () => {
  it('gives every provider factory the vault values at construction, in any import order', async () => {
    for (const order of ['vault-first', 'consumer-first'] as const) {
      const seen: Array<string | undefined> = [];
      @Module({ imports: [databaseModuleSeeing(seen)], providers: [UsesConfigAtConstruction] })
      class FeatureModule {}
      const vault = KeyVaultConfigModule.forRoot(moduleOptions());
      const moduleRef = await Test.createTestingModule({
        imports: order === 'vault-first' ? [vault, FeatureModule] : [FeatureModule, vault],
      }).compile();

      expect(seen, order).toEqual([secretValue('db')]);
      expect(moduleRef.get(UsesConfigAtConstruction).apiKey, order).toBe(secretValue('api'));
      expect(moduleRef.get(ConfigService).get('Database.Password')).toBe(secretValue('db'));
      await moduleRef.close();
    }
  });

  it('exports KeyVaultConfigWatcher with a report of names and versions, never values', async () => {
    const logger = captureLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [KeyVaultConfigModule.forRoot(moduleOptions({ logger }))],
    }).compile();
    const secrets = moduleRef.get(KeyVaultConfigWatcher);
    const keys = secrets.report.entries.map((entry) => [entry.key, entry.secretName, entry.status]);
    expect(keys).toEqual(
      expect.arrayContaining([
        ['Database.Password', 'Database--Password', 'loaded'],
        ['API_KEY', 'API-KEY', 'loaded'],
      ]),
    );
    expect(secrets.report.entries.every((entry) => /^[0-9a-f]{32}$/.test(entry.version ?? ''))).toBe(true);
    expect(secrets.report.credential?.name).toBe('ManagedIdentityCredential');
    expect(secrets.report.credential?.objectId).toBe(fx.emulator.systemAssigned.objectId);
    expect(logger.infos().join('\n')).toContain('ManagedIdentityCredential');
    expectNoCanary(secrets.report, logger.lines);
    await moduleRef.close();
  });

  it('still injects the service under its deprecated name KeyVaultSecrets (the same instance)', async () => {
    @Injectable()
    class UsesOldName {
      constructor(readonly secrets: KeyVaultSecrets) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [KeyVaultConfigModule.forRoot(moduleOptions({ logger: captureLogger() }))],
      providers: [UsesOldName],
    }).compile();
    const watcher = moduleRef.get(KeyVaultConfigWatcher);
    expect(moduleRef.get(KeyVaultSecrets)).toBe(watcher);
    expect(moduleRef.get(UsesOldName).secrets).toBe(watcher);
    await moduleRef.close();
  });

  it('reads the vault URL from a .env file', async () => {
    const envFile = join(dir, 'vault-url.env');
    writeFileSync(envFile, `KEY_VAULT_URL=${fx.emulator.vaultUrl}\n`);
    // ConfigModule copies the .env file into process.env: unset now, put back after the test.
    fx.setEnv({ KEY_VAULT_URL: undefined });
    const moduleRef = await Test.createTestingModule({
      imports: [
        KeyVaultConfigModule.forRoot({
          clientOptions: fx.clientOptions(),
          envFilePath: envFile,
        }),
      ],
    }).compile();
    expect(moduleRef.get(ConfigService).get('API_KEY')).toBe(secretValue('api'));
    await moduleRef.close();
  });

  it('with isGlobal: false, only importers see ConfigService', async () => {
    const vault = KeyVaultConfigModule.forRoot(moduleOptions({ isGlobal: false }));
    @Module({ providers: [UsesConfigAtConstruction] })
    class Outsider {}
    await expect(Test.createTestingModule({ imports: [vault, Outsider] }).compile()).rejects.toThrow(
      /ConfigService/,
    );
    @Module({
      imports: [KeyVaultConfigModule.forRoot(moduleOptions({ isGlobal: false }))],
      providers: [UsesConfigAtConstruction],
    })
    class Insider {}
    const moduleRef = await Test.createTestingModule({ imports: [Insider] }).compile();
    expect(moduleRef.get(UsesConfigAtConstruction).apiKey).toBe(secretValue('api'));
    await moduleRef.close();
  });

  it('fails startup with one readable KeyVaultConfigError, never a value', async () => {
    // The load runs when Nest scans the module graph (not when forRoot's promise is awaited).
    const error = await rejectionOf(
      Test.createTestingModule({
        imports: [
          KeyVaultConfigModule.forRoot(moduleOptions({ secrets: ['Database--Password', 'Missing-Secret'] })),
        ],
      }).compile(),
    );
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.message).toContain('Missing-Secret');
    expectNoCanary(error);
  });
});

describe("keyVaultConfig() in the application's own ConfigModule.forRoot", () => {
  it('loads before any provider is built, including forRootAsync consumers', async () => {
    const seen: Array<string | undefined> = [];
    @Module({ imports: [databaseModuleSeeing(seen)], providers: [UsesConfigAtConstruction] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        FeatureModule,
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          // Module options minus refresh (a type error on keyVaultConfig, which loads once).
          load: [keyVaultConfig(moduleOptions() as KeyVaultConfigFactoryOptions)],
        }),
      ],
    }).compile();
    expect(seen).toEqual([secretValue('db')]);
    expect(moduleRef.get(UsesConfigAtConstruction).apiKey).toBe(secretValue('api'));
    await moduleRef.close();
  });

  it('reads KEY_VAULT_URL from the same .env file ConfigModule will load', async () => {
    const envFile = join(dir, 'factory.env');
    writeFileSync(envFile, `KEY_VAULT_URL=${fx.emulator.vaultUrl}\nPLAIN=from-dotenv\n`);
    // ConfigModule copies the .env file into process.env: unset now, put back after the test.
    fx.setEnv({ KEY_VAULT_URL: undefined, PLAIN: undefined });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          envFilePath: envFile,
          load: [keyVaultConfig({ envFilePath: envFile, clientOptions: fx.clientOptions() })],
        }),
      ],
    }).compile();
    const config = moduleRef.get(ConfigService);
    expect(config.get('Database.Password')).toBe(secretValue('db'));
    expect(config.get('PLAIN')).toBe('from-dotenv');
    await moduleRef.close();
  });
});

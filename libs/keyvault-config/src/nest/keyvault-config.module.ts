import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, type ConfigFactory } from '@nestjs/config';
import {
  loadKeyVaultSecrets,
  type KeyVaultConfigOptions,
  type KeyVaultLoadOnceOptions,
  type KeyVaultLoadResult,
} from '../core/index.js';
import { rejectRefreshOptions } from '../core/loader.js';
import { openWatcher } from '../core/watch-secrets.js';
import type { Watcher } from '../core/watcher.js';
import { DeferredPromise } from './deferred-module.util.js';
import { readEnvironment } from './env-file.util.js';
import { KEYVAULT_LOGGER_CONTEXT, KEYVAULT_WATCHER } from './keyvault-config.constants.js';
import type {
  KeyVaultConfigFactoryOptions,
  KeyVaultConfigModuleOptions,
  KeyVaultConfigModuleShape,
  KeyVaultEnvFileOptions,
  KeyVaultTestingOptions,
} from './keyvault-config-module.interfaces.js';
import { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';
import { keyVaultValues, publishKeyVaultValues } from './keyvault-namespace.util.js';
import { KeyVaultHealthIndicator } from './keyvault.health.js';
import { guardLoadFactory } from './load-factory.guard.js';
import { testingWatcher } from './testing-watcher.util.js';

/** Core options with the `.env` files read and Nest's logger. */
function coreOptions<O extends KeyVaultConfigOptions | KeyVaultLoadOnceOptions>(
  options: O & KeyVaultEnvFileOptions,
): Omit<O, keyof KeyVaultEnvFileOptions> {
  const { envFilePath, ignoreEnvFile, ...core } = options;
  return {
    ...core,
    env: core.env ?? readEnvironment({ envFilePath, ignoreEnvFile }),
    logger: core.logger ?? new Logger(KEYVAULT_LOGGER_CONTEXT),
  };
}

/** Options given as a value or as a (possibly async) function of none. */
export type KeyVaultConfigModuleOptionsInput =
  KeyVaultConfigModuleOptions | (() => KeyVaultConfigModuleOptions | Promise<KeyVaultConfigModuleOptions>);

/**
 * The module that holds the values: ConfigModule with the vault's values first, then the guarded
 * `configModule.load` factories; the watcher; the health indicator. Built only once the load is done.
 */
@Module({})
export class KeyVaultConfigCoreModule {}

async function buildCoreModule(
  watcher: Watcher,
  options: KeyVaultConfigModuleShape & KeyVaultEnvFileOptions,
): Promise<DynamicModule> {
  const { isGlobal = true, configModule, loadCollisions = 'error' } = options;
  const values = keyVaultValues(watcher.config);
  publishKeyVaultValues(values);
  const vault = { config: watcher.config, keys: watcher.keys, values };
  const extra = await Promise.all(configModule?.load ?? []);
  const config = await ConfigModule.forRoot({
    ...configModule,
    isGlobal,
    envFilePath: options.envFilePath,
    ignoreEnvFile: options.ignoreEnvFile,
    // A plain (synchronous) factory over values that are already loaded: nothing left to race. A copy,
    // because ConfigService.set (used by refresh) mutates nested objects in place, and the watcher's
    // snapshot — the baseline of change detection — must not move with it.
    load: [
      () => structuredClone(watcher.config),
      ...extra.map((factory: ConfigFactory) => guardLoadFactory(factory, vault, loadCollisions)),
    ],
  });
  return {
    module: KeyVaultConfigCoreModule,
    global: isGlobal,
    imports: [config],
    providers: [
      { provide: KEYVAULT_WATCHER, useValue: watcher },
      KeyVaultConfigWatcher,
      KeyVaultHealthIndicator,
    ],
    exports: [config, KeyVaultConfigWatcher, KeyVaultHealthIndicator],
  };
}

/**
 * The module an app imports: a shell whose one import is the deferred core module. Nest awaits that
 * import while it scans the graph (so the values exist before any provider is built), but
 * `overrideModule(shell)` in a test replaces the shell before its import is ever awaited — Nest does
 * await the module it replaces, to read its token, which is why the load cannot sit in the shell.
 */
function shellModule(core: Promise<DynamicModule>): DynamicModule {
  return { module: KeyVaultConfigModule, imports: [core], exports: [KeyVaultConfigCoreModule] };
}

/**
 * Loads Key Vault secrets into `@nestjs/config` at startup.
 *
 * ```ts
 * @Module({ imports: [KeyVaultConfigModule.forRoot({ vaultUrl: process.env.KEY_VAULT_URL })] })
 * export class AppModule {}
 * ```
 */
@Module({})
export class KeyVaultConfigModule {
  /**
   * Awaits the secrets, then registers `ConfigModule` (global unless `isGlobal: false`) with them and
   * exports `KeyVaultConfigWatcher`. Because the values exist before the module graph is built, every
   * provider factory sees them — also those of modules that import the static `ConfigModule` and
   * inject `ConfigService` in a `forRootAsync` (the trap of async `load` factories).
   *
   * The load starts when Nest scans the module graph (inside `NestFactory.create` or `compile()`), not
   * when `app.module.ts` is imported, nor when this promise is awaited: a failure reaches Nest's logger
   * and rejects `NestFactory.create` — never an unhandled rejection — and a test that overrides this
   * module (`overrideModule(<this value>)`) never reaches a vault.
   *
   * `options` may be a function (sync or async) called at that moment: options computed from other
   * sources. Why not `forRootAsync({ inject })`: see the README (values must exist before any provider).
   *
   * With `refreshInterval`, `KeyVaultConfigWatcher` re-reads the vault on that interval once the app has
   * bootstrapped, applies each cycle's changes through `ConfigService.set` and emits them on
   * `KeyVaultConfigWatcher.changes$`; `KeyVaultConfigWatcher.refresh()` runs a cycle on demand either way.
   */
  static forRoot(options: KeyVaultConfigModuleOptionsInput = {}): Promise<DynamicModule> {
    const core = new DeferredPromise(async () => {
      const resolved = typeof options === 'function' ? await options() : options;
      const { isGlobal: _g, configModule: _c, loadCollisions: _l, ...loadOptions } = resolved;
      const watcher = await openWatcher(coreOptions(loadOptions));
      return buildCoreModule(watcher, resolved);
    });
    return Promise.resolve(shellModule(core));
  }

  /**
   * A module for tests: provides `ConfigService` (global unless `isGlobal: false`) and
   * `KeyVaultConfigWatcher` from plain values — nested (`{ Database: { Password: 'x' } }`) or dot paths
   * (`{ 'Database.Password': 'x' }`) — with no vault, credential or network. Its report lists each leaf
   * key with `source: 'testing'`; `refresh()` succeeds and changes nothing. `.env` files are not read
   * unless `envFilePath` is given.
   *
   * ```ts
   * Test.createTestingModule({ imports: [AppModule] })
   *   .overrideModule(keyVaultConfigModule) // the value of KeyVaultConfigModule.forRoot() in AppModule
   *   .useModule(KeyVaultConfigModule.forTesting({ 'Database.Password': 'test' }))
   * ```
   */
  static forTesting(
    values: Readonly<Record<string, unknown>>,
    options: KeyVaultTestingOptions = {},
  ): DynamicModule {
    const core = new DeferredPromise(() => {
      const watcher = testingWatcher(values, options.logger ?? new Logger(KEYVAULT_LOGGER_CONTEXT));
      return buildCoreModule(watcher, {
        ...options,
        ignoreEnvFile: options.ignoreEnvFile ?? options.envFilePath === undefined,
      });
    });
    return shellModule(core);
  }
}

/**
 * For apps that already call `ConfigModule.forRoot`:
 * `ConfigModule.forRoot({ load: [keyVaultConfig({ vaultUrl })] })`.
 *
 * Returns a promise of the factory, which `ConfigModule.forRoot` awaits before it builds its providers,
 * so the values are there before any provider is constructed. The `.env` file is read here (with the
 * same `envFilePath`/`ignoreEnvFile` you give `ConfigModule`), because `ConfigModule` has not loaded it
 * yet when this function runs.
 *
 * This path loads once: refresh (`refreshInterval`, `KeyVaultConfigWatcher`) needs `KeyVaultConfigModule.forRoot`.
 */
export async function keyVaultConfig(options: KeyVaultConfigFactoryOptions = {}): Promise<ConfigFactory> {
  rejectRefreshOptions(options, 'keyVaultConfig()');
  const result: KeyVaultLoadResult = await loadKeyVaultSecrets(coreOptions(options));
  return () => result.config;
}

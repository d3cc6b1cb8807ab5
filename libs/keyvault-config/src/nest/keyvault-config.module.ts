import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, type ConfigFactory } from '@nestjs/config';
import { loadKeyVaultSecrets, type KeyVaultConfigOptions, type KeyVaultLoadResult } from '../core/index.js';
import { openWatcher, type Watcher } from '../core/watcher.js';
import { readEnvironment } from './env-file.util.js';
import { KEYVAULT_LOGGER_CONTEXT, KEYVAULT_WATCHER } from './keyvault-config.constants.js';
import type {
  KeyVaultConfigFactoryOptions,
  KeyVaultConfigModuleOptions,
  KeyVaultEnvFileOptions,
} from './keyvault-config-module.interfaces.js';
import { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';
import { KeyVaultHealthIndicator } from './keyvault.health.js';

/** Core options with the `.env` files read and Nest's logger. */
function coreOptions(options: KeyVaultConfigOptions & KeyVaultEnvFileOptions): KeyVaultConfigOptions {
  const { envFilePath, ignoreEnvFile, ...core } = options;
  return {
    ...core,
    env: core.env ?? readEnvironment({ envFilePath, ignoreEnvFile }),
    logger: core.logger ?? new Logger(KEYVAULT_LOGGER_CONTEXT),
  };
}

function load(options: KeyVaultConfigOptions & KeyVaultEnvFileOptions): Promise<KeyVaultLoadResult> {
  return loadKeyVaultSecrets(coreOptions(options));
}

/** Loads like {@link load} and keeps what a refresh needs; the timer starts after bootstrap. */
function watch(options: KeyVaultConfigOptions & KeyVaultEnvFileOptions): Promise<Watcher> {
  return openWatcher(coreOptions(options));
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
   * With `refreshInterval`, `KeyVaultConfigWatcher` re-reads the vault on that interval once the app has
   * bootstrapped, applies each cycle's changes through `ConfigService.set` and emits them on
   * `KeyVaultConfigWatcher.changes$`; `KeyVaultConfigWatcher.refresh()` runs a cycle on demand either way.
   */
  static async forRoot(options: KeyVaultConfigModuleOptions = {}): Promise<DynamicModule> {
    const { isGlobal = true, configModule, ...loadOptions } = options;
    const watcher = await watch(loadOptions);
    const config = await ConfigModule.forRoot({
      ...configModule,
      isGlobal,
      envFilePath: options.envFilePath,
      ignoreEnvFile: options.ignoreEnvFile,
      // A plain (synchronous) factory over values that are already loaded: nothing left to race. A copy,
      // because ConfigService.set (used by refresh) mutates nested objects in place, and the watcher's
      // snapshot — the baseline of change detection — must not move with it.
      load: [() => structuredClone(watcher.config), ...(configModule?.load ?? [])],
    });
    return {
      module: KeyVaultConfigModule,
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
  const result = await load(options);
  return () => result.config;
}

import type { ConfigModuleOptions } from '@nestjs/config';
import type { KeyVaultConfigLogger, KeyVaultConfigOptions, KeyVaultLoadOnceOptions } from '../core/index.js';
import type { LoadCollisionPolicy } from './load-factory.guard.js';

/** Where `.env` files are read from — the same options `ConfigModule.forRoot` takes. */
export interface KeyVaultEnvFileOptions {
  /**
   * Path(s) of `.env` files; the first file wins on a key and `process.env` wins over all of them.
   * They feed `env` (`KEY_VAULT_URL`, references, precedence) — not the credential, which reads
   * `process.env` only. Not read when `env` is given.
   * @default `.env` in the working directory (a missing file is skipped)
   */
  envFilePath?: string | string[] | undefined;
  /**
   * Do not read `.env` files: `env` is then `process.env` alone.
   * @default false
   */
  ignoreEnvFile?: boolean | undefined;
}

/** What `KeyVaultConfigModule` adds around the `ConfigModule.forRoot` call it makes. */
export interface KeyVaultConfigModuleShape {
  /**
   * Register `ConfigModule` (and `KeyVaultConfigWatcher`) globally.
   * @default true
   */
  isGlobal?: boolean | undefined;
  /**
   * Further options for the `ConfigModule.forRoot` call this module makes (cache, expandVariables,
   * validate, …). `load` entries (plain factories and `registerAs` namespaces) are merged after the
   * vault values; one that would lose or change a vault key is governed by `loadCollisions`.
   * @default undefined — `ConfigModule`'s own defaults
   */
  configModule?: Omit<ConfigModuleOptions, 'isGlobal' | 'envFilePath' | 'ignoreEnvFile'> | undefined;
  /**
   * A `configModule.load` factory whose result overlaps vault keys — a `registerAs('Database')`
   * namespace replaces the whole `Database` subtree, a plain factory each top-level key it returns:
   * `'error'` fails startup with KEY_COLLISION naming the namespace and the secret; `'vault'` merges the
   * vault values over the factory's result (also in what `@Inject(namespace.KEY)` receives); `'load'`
   * lets the factory's result replace them.
   * @default 'error'
   */
  loadCollisions?: LoadCollisionPolicy | undefined;
}

/** Options of `KeyVaultConfigModule.forRoot`. */
export interface KeyVaultConfigModuleOptions
  extends KeyVaultConfigOptions, KeyVaultEnvFileOptions, KeyVaultConfigModuleShape {}

/** Options of `KeyVaultConfigModule.forTesting(values, options)`. */
export interface KeyVaultTestingOptions extends KeyVaultConfigModuleShape, KeyVaultEnvFileOptions {
  /**
   * Where the module logs.
   * @default Nest's Logger (context `KeyVaultConfig`)
   */
  logger?: KeyVaultConfigLogger | undefined;
}

/** Options of `keyVaultConfig()` (the `load` factory for apps that call `ConfigModule.forRoot` themselves). */
export interface KeyVaultConfigFactoryOptions extends KeyVaultLoadOnceOptions, KeyVaultEnvFileOptions {}

import type { ConfigModuleOptions } from '@nestjs/config';
import type { KeyVaultConfigOptions } from '../core/index.js';

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

/** Options of `KeyVaultConfigModule.forRoot`. */
export interface KeyVaultConfigModuleOptions extends KeyVaultConfigOptions, KeyVaultEnvFileOptions {
  /**
   * Register `ConfigModule` (and `KeyVaultConfigWatcher`) globally.
   * @default true
   */
  isGlobal?: boolean | undefined;
  /**
   * Further options for the `ConfigModule.forRoot` call this module makes (cache, expandVariables,
   * validate, …). `load` entries run after the vault values and override them on the same key.
   * @default undefined — `ConfigModule`'s own defaults
   */
  configModule?: Omit<ConfigModuleOptions, 'isGlobal' | 'envFilePath' | 'ignoreEnvFile'> | undefined;
}

/** Options of `keyVaultConfig()` (the `load` factory for apps that call `ConfigModule.forRoot` themselves). */
export interface KeyVaultConfigFactoryOptions extends KeyVaultConfigOptions, KeyVaultEnvFileOptions {}

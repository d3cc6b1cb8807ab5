import type { ConfigModuleOptions } from '@nestjs/config';
import type { KeyVaultConfigOptions } from '../core/index.js';

/** Where `.env` files are read from — the same options `ConfigModule.forRoot` takes. */
export interface KeyVaultEnvFileOptions {
  /** Path(s) of `.env` files (default `.env` in the working directory); the first file wins on a key. */
  envFilePath?: string | string[] | undefined;
  /** Do not read `.env` files. */
  ignoreEnvFile?: boolean | undefined;
}

/** Options of `KeyVaultConfigModule.forRoot`. */
export interface KeyVaultConfigModuleOptions extends KeyVaultConfigOptions, KeyVaultEnvFileOptions {
  /** Register `ConfigModule` (and `KeyVaultSecrets`) globally (default true). */
  isGlobal?: boolean | undefined;
  /**
   * Further options for the `ConfigModule.forRoot` call this module makes (cache, expandVariables,
   * validate, …). `load` entries run after the vault values and override them on the same key.
   */
  configModule?: Omit<ConfigModuleOptions, 'isGlobal' | 'envFilePath' | 'ignoreEnvFile'> | undefined;
}

/** Options of `keyVaultConfig()` (the `load` factory for apps that call `ConfigModule.forRoot` themselves). */
export interface KeyVaultConfigFactoryOptions extends KeyVaultConfigOptions, KeyVaultEnvFileOptions {}

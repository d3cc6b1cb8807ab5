export { KeyVaultConfigModule, keyVaultConfig } from './keyvault-config.module.js';
export { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';
export { KeyVaultSecrets } from './keyvault-secrets.deprecated.js';
export { KeyVaultHealthIndicator } from './keyvault.health.js';
export type { KeyVaultHealthCheckOptions, KeyVaultHealthIndicatorResult } from './keyvault.health.js';
export type { KeyVaultIndicatorHealth } from './terminus-compat.util.js';
export type {
  KeyVaultConfigFactoryOptions,
  KeyVaultConfigModuleOptions,
  KeyVaultEnvFileOptions,
} from './keyvault-config-module.interfaces.js';

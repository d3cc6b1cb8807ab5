export { KeyVaultConfigModule, keyVaultConfig } from './keyvault-config.module.js';
export { KeyVaultSecrets } from './keyvault-secrets.service.js';
export { KeyVaultHealthIndicator } from './keyvault.health.js';
export type { KeyVaultHealthCheckOptions, KeyVaultHealthIndicatorResult } from './keyvault.health.js';
export { KEYVAULT_LOAD_RESULT } from './keyvault-config.constants.js';
export type {
  KeyVaultConfigFactoryOptions,
  KeyVaultConfigModuleOptions,
  KeyVaultEnvFileOptions,
} from './keyvault-config-module.interfaces.js';

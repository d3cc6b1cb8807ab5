export { KeyVaultConfigModule, keyVaultConfig } from './keyvault-config.module.js';
export type { KeyVaultConfigModuleOptionsInput } from './keyvault-config.module.js';
export { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';
export { KeyVaultSecrets } from './keyvault-secrets.deprecated.js';
export { KeyVaultHealthIndicator } from './keyvault.health.js';
export type { KeyVaultHealthCheckOptions, KeyVaultHealthIndicatorResult } from './keyvault.health.js';
export type { KeyVaultIndicatorHealth } from './terminus-compat.util.js';
export { keyVaultNamespace } from './keyvault-namespace.util.js';
export type { KeyVaultValues } from './keyvault-namespace.util.js';
export type { LoadCollisionPolicy } from './load-factory.guard.js';
// Every interface of the module's options (the file holds nothing else).
export type * from './keyvault-config-module.interfaces.js';

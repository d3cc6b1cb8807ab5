/**
 * nestjs-keyvault-config: the framework-agnostic core (`loadKeyVaultSecrets`) and the Nest layer.
 */
export * from './core/index.js';
export * from './nest/index.js';

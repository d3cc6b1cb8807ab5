/**
 * The framework-agnostic core: no Nest import anywhere below this folder.
 */
export { loadKeyVaultSecrets } from './loader.js';
export { watchKeyVaultSecrets } from './watch-secrets.js';
export { KeyVaultConfigError, KeyVaultConfigErrorCode, isKeyVaultConfigError } from './errors.js';
export type { KeyVaultConfigErrorDetails } from './errors.js';
export { mapSecretName } from './key-mapping.js';
export { parseKeyVaultReference, isKeyVaultReference } from './references.js';
export type { KeyVaultReference } from './references.js';
export { SkipReason } from './constants.js';
export type { StandardSchemaV1 } from './standard-schema.js';
export type * from './interfaces.js';

/** Context name of the Nest logger the module writes to. */
export const KEYVAULT_LOGGER_CONTEXT = 'KeyVaultConfig';

/** Injection token of the core's watcher behind `KeyVaultConfigWatcher` (internal: not exported). */
export const KEYVAULT_WATCHER = Symbol('KEYVAULT_WATCHER');

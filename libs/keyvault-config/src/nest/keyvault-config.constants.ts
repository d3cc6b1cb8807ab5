/** Injection token of the load result ({ config, report }) that `KeyVaultConfigModule.forRoot` produced. */
export const KEYVAULT_LOAD_RESULT = Symbol('KEYVAULT_LOAD_RESULT');

/** Injection token of the module's resolved options. */
export const KEYVAULT_CONFIG_OPTIONS = Symbol('KEYVAULT_CONFIG_OPTIONS');

/** Context name of the Nest logger the module writes to. */
export const KEYVAULT_LOGGER_CONTEXT = 'KeyVaultConfig';

/** Injection token of the refresher (the core's watcher) behind `KeyVaultSecrets`. */
export const KEYVAULT_WATCHER = Symbol('KEYVAULT_WATCHER');

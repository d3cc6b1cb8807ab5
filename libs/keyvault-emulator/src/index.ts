/**
 * keyvault-emulator: a local Azure Key Vault (secrets data plane over HTTPS) and managed-identity
 * endpoints speaking the real wire protocol, for tests and local development.
 */
export * from './emulator.interfaces.js';
export { startEmulator, type StartEmulatorOptions } from './emulator.js';
export { loadSeedFile, normalizeSeedDocument, resolveSeed, SeedError, toEpochSeconds } from './seed.js';
export { parseRole } from './identity/identities.js';
export { isAllowed, PERMISSION_ACTIONS, type SecretPermission } from './authorization.js';
export { EMULATOR_ROUTES, isEmulatorRoute } from './routes.js';
export { EmulatorFaultInjector, type FaultDecision } from './faults.js';
export { FaultSpecError, validateFaultSpec } from './fault-spec.js';
export { RequestCounters } from './counters.js';
export { createAdminHandler, type AdminContext, type AdminHandler } from './admin.js';
export { generateTlsMaterial, type EmulatorTlsMaterial } from './tls.js';
export { DataFileError } from './vault/persistence.js';
export type { EmulatorLogger } from './vault/vault.server.js';
export {
  ADMIN_PATH_PREFIX,
  DEFAULT_VAULT_NAME,
  IDENTITY_HEADER_NAME,
  KEY_VAULT_AUDIENCE,
  LATEST_API_VERSION,
  STABLE_API_VERSIONS,
} from './constants.js';

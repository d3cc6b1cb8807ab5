import { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';

/**
 * @deprecated Renamed to {@link KeyVaultConfigWatcher} (this service holds no secrets). The same class,
 * so the same injection token: `constructor(private readonly secrets: KeyVaultSecrets)` and
 * `app.get(KeyVaultSecrets)` keep working and return the one instance. Will be removed in a major release.
 */
export const KeyVaultSecrets = KeyVaultConfigWatcher;
/** @deprecated Renamed to {@link KeyVaultConfigWatcher}. */
export type KeyVaultSecrets = KeyVaultConfigWatcher;

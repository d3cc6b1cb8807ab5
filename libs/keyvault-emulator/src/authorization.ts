import type { VaultRole } from './emulator.interfaces.js';

/** Data-plane operations on secrets, as Key Vault's access-policy permissions name them. */
export type SecretPermission = 'get' | 'list' | 'set' | 'update' | 'delete' | 'recover' | 'purge';

/**
 * The Azure RBAC data action each permission needs, as Key Vault names it in a 403
 * ("Action: '…'") and as role definitions list it.
 */
export const PERMISSION_ACTIONS: Readonly<Record<SecretPermission, string>> = Object.freeze({
  get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  list: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  set: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
  update: 'Microsoft.KeyVault/vaults/secrets/update/action',
  delete: 'Microsoft.KeyVault/vaults/secrets/delete',
  recover: 'Microsoft.KeyVault/vaults/secrets/recover/action',
  purge: 'Microsoft.KeyVault/vaults/secrets/purge/action',
});

const ALL: readonly SecretPermission[] = ['get', 'list', 'set', 'update', 'delete', 'recover', 'purge'];

/**
 * What each built-in role grants on secrets: Secrets Officer has `secrets/*`; Secrets User reads
 * values and metadata; Reader reads metadata only (it may list, never see a value).
 */
const GRANTS: Readonly<Record<VaultRole, ReadonlySet<SecretPermission>>> = {
  'Key Vault Secrets Officer': new Set(ALL),
  'Key Vault Secrets User': new Set<SecretPermission>(['get', 'list']),
  'Key Vault Reader': new Set<SecretPermission>(['list']),
  none: new Set<SecretPermission>(),
};

/** Whether a role may perform an operation on secrets. */
export function isAllowed(role: VaultRole, permission: SecretPermission): boolean {
  return GRANTS[role]?.has(permission) ?? false;
}

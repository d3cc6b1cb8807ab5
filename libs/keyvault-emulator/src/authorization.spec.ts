import { describe, expect, it } from 'vitest';
import type { VaultRole } from './emulator.interfaces.js';
import { isAllowed, PERMISSION_ACTIONS, type SecretPermission } from './authorization.js';

const permissions: SecretPermission[] = ['get', 'list', 'set', 'update', 'delete', 'recover', 'purge'];

describe('isAllowed', () => {
  const matrix: Record<VaultRole, SecretPermission[]> = {
    'Key Vault Secrets Officer': permissions,
    'Key Vault Secrets User': ['get', 'list'],
    'Key Vault Reader': ['list'],
    none: [],
  };

  for (const [role, allowed] of Object.entries(matrix) as Array<[VaultRole, SecretPermission[]]>) {
    it(`grants ${role} exactly ${allowed.join(', ') || 'nothing'}`, () => {
      expect(permissions.filter((permission) => isAllowed(role, permission))).toEqual(allowed);
    });
  }

  it('grants nothing to an unknown role', () => {
    expect(permissions.some((permission) => isAllowed('Owner' as VaultRole, permission))).toBe(false);
  });
});

describe('PERMISSION_ACTIONS', () => {
  it('names the real Key Vault RBAC data actions', () => {
    expect(PERMISSION_ACTIONS).toEqual({
      get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      list: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
      set: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
      update: 'Microsoft.KeyVault/vaults/secrets/update/action',
      delete: 'Microsoft.KeyVault/vaults/secrets/delete',
      recover: 'Microsoft.KeyVault/vaults/secrets/recover/action',
      purge: 'Microsoft.KeyVault/vaults/secrets/purge/action',
    });
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityRegistry, parseRole } from './identities.js';

describe('parseRole', () => {
  it('accepts full names case-insensitively and the aliases', () => {
    expect(parseRole('Key Vault Secrets Officer')).toBe('Key Vault Secrets Officer');
    expect(parseRole('key vault secrets user')).toBe('Key Vault Secrets User');
    expect(parseRole('KEY VAULT READER')).toBe('Key Vault Reader');
    expect(parseRole('  Key  Vault   Reader ')).toBe('Key Vault Reader');
    expect(parseRole('officer')).toBe('Key Vault Secrets Officer');
    expect(parseRole('User')).toBe('Key Vault Secrets User');
    expect(parseRole('reader')).toBe('Key Vault Reader');
    expect(parseRole('none')).toBe('none');
    expect(parseRole('NONE')).toBe('none');
  });

  it('throws a readable error naming the accepted roles', () => {
    expect(() => parseRole('admin')).toThrow(
      /Unknown role "admin".*Key Vault Secrets Officer.*officer, user, reader/,
    );
    expect(() => parseRole('')).toThrow(/Unknown role ""/);
  });
});

describe('IdentityRegistry', () => {
  it('has a system-assigned identity with random ids, Secrets Officer by default', () => {
    const a = new IdentityRegistry({});
    const b = new IdentityRegistry({});
    expect(a.system.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.system.objectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.system.clientId).not.toBe(b.system.clientId);
    expect(a.resolve()).toEqual({ ...a.system, role: 'Key Vault Secrets Officer' });
    expect(a.roleOf(a.system.clientId)).toBe('Key Vault Secrets Officer');
  });

  it('takes the system-assigned role from the options (aliases too)', () => {
    const registry = new IdentityRegistry({ systemAssignedRole: 'reader' });
    expect(registry.resolve()?.role).toBe('Key Vault Reader');
    expect(() => new IdentityRegistry({ systemAssignedRole: 'boss' as never })).toThrow(
      /Unknown role "boss"/,
    );
  });

  it('resolves user-assigned identities by client id, case-insensitively, and unknown ones to undefined', () => {
    const clientId = randomUUID().toUpperCase();
    const objectId = randomUUID();
    const registry = new IdentityRegistry({ identities: [{ clientId, objectId, role: 'user' }] });
    expect(registry.resolve(clientId)).toEqual({ clientId, objectId, role: 'Key Vault Secrets User' });
    expect(registry.resolve(clientId.toLowerCase())?.objectId).toBe(objectId);
    expect(registry.resolve(randomUUID())).toBeUndefined();
    expect(registry.roleOf(randomUUID())).toBe('none');
  });

  it('generates an object id when none is given, and finds identities by object or resource id', () => {
    const registry = new IdentityRegistry({});
    const clientId = randomUUID();
    const added = registry.add({ clientId, role: 'Key Vault Reader' });
    expect(added.clientId).toBe(clientId);
    expect(added.objectId).toMatch(/^[0-9a-f-]{36}$/);
    const record = registry.find({ objectId: added.objectId });
    expect(record).toMatchObject({ clientId, role: 'Key Vault Reader', systemAssigned: false });
    expect(record?.resourceId).toContain('/providers/Microsoft.ManagedIdentity/userAssignedIdentities/');
    expect(registry.find({ resourceId: record!.resourceId.toUpperCase() })?.clientId).toBe(clientId);
    expect(registry.find({})?.systemAssigned).toBe(true);
  });

  it('changes roles of the system-assigned and user-assigned identities', () => {
    const clientId = randomUUID();
    const registry = new IdentityRegistry({ identities: [{ clientId, role: 'none' }] });
    registry.setRole('system', 'none');
    registry.setRole(clientId, 'officer');
    expect(registry.resolve()?.role).toBe('none');
    expect(registry.roleOf(clientId)).toBe('Key Vault Secrets Officer');
    registry.setRole(registry.system.clientId, 'Key Vault Secrets User');
    expect(registry.roleOf(registry.system.clientId)).toBe('Key Vault Secrets User');
    expect(() => registry.setRole(randomUUID(), 'reader')).toThrow(/Unknown identity/);
    expect(() => registry.setRole(clientId, 'root' as never)).toThrow(/Unknown role/);
  });

  it('rejects identities without a client id or reusing the system-assigned one', () => {
    const registry = new IdentityRegistry({});
    expect(() => registry.add({ clientId: '', role: 'user' })).toThrow(/non-empty clientId/);
    expect(() => registry.add({ clientId: registry.system.clientId, role: 'user' })).toThrow(
      /system-assigned/,
    );
  });

  it('lists the system-assigned identity first', () => {
    const clientId = randomUUID();
    const registry = new IdentityRegistry({ identities: [{ clientId, role: 'user' }] });
    expect(registry.list().map((i) => i.clientId)).toEqual([registry.system.clientId, clientId]);
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { identityEnv } from '../support/environment.js';
import { runClient } from './fixtures/identity-client.js';

const readerId = randomUUID();
const userId = randomUUID();
const noneId = randomUUID();

/**
 * Roles end to end: the SDK gets a token for each identity from the emulator and talks to the vault,
 * which answers 403 with the RBAC data action and the caller in the message.
 */
describe('vault roles of managed identities, through SecretClient', () => {
  // The credential runs in child processes, each given its identity variables.
  const fx = useEmulator({
    seed: [{ name: 'db-password', value: 'seeded-value' }],
    identities: [
      { clientId: readerId, role: 'reader' },
      { clientId: userId, role: 'Key Vault Secrets User' },
      { clientId: noneId, role: 'none' },
    ],
    identity: 'none',
  });

  const client = (clientId: string | undefined, steps: Parameters<typeof runClient>[1]['steps']) =>
    runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      clientId,
      vaultUrl: fx.emulator.vaultUrl,
      steps,
    });

  it('lets the system-assigned Secrets Officer read, write and list', async () => {
    const [get, set, list] = await client(undefined, [
      { op: 'getSecret', name: 'db-password' },
      { op: 'setSecret', name: 'written-by-officer', value: 'new-value' },
      { op: 'listSecrets' },
    ]);
    expect(get).toEqual({ ok: true, name: 'db-password', valueReceived: true });
    expect(set).toEqual({ ok: true, name: 'written-by-officer' });
    expect(list.names).toEqual(expect.arrayContaining(['db-password', 'written-by-officer']));
  });

  it('lets a Reader list but not get values', async () => {
    const [list, get] = await client(readerId, [
      { op: 'listSecrets' },
      { op: 'getSecret', name: 'db-password' },
    ]);
    expect(list.ok).toBe(true);
    expect(list.names).toContain('db-password');
    expect(get).toMatchObject({ ok: false, statusCode: 403 });
    expect(get.message).toContain('Microsoft.KeyVault/vaults/secrets/getSecret/action');
    expect(get.message).toContain(`appid=${readerId}`);
    expect(get.message).not.toContain('seeded-value');
  });

  it('lets a Secrets User get but not set', async () => {
    const [get, set] = await client(userId, [
      { op: 'getSecret', name: 'db-password' },
      { op: 'setSecret', name: 'written-by-user', value: 'attempted-value' },
    ]);
    expect(get).toEqual({ ok: true, name: 'db-password', valueReceived: true });
    expect(set).toMatchObject({ ok: false, statusCode: 403 });
    expect(set.message).toContain('Microsoft.KeyVault/vaults/secrets/setSecret/action');
    expect(set.message).toContain(`appid=${userId}`);
    expect(fx.emulator.vault().getValue('written-by-user')).toBeUndefined();
  });

  it('lets an identity without a role do nothing, not even list', async () => {
    const [list, get] = await client(noneId, [
      { op: 'listSecrets' },
      { op: 'getSecret', name: 'db-password' },
    ]);
    // The SDK's paging helper replaces Key Vault's message with a generic one; the code survives.
    expect(list).toMatchObject({ ok: false, statusCode: 403, code: 'Forbidden' });
    expect(fx.emulator.counters.count({ route: 'secrets.list', status: 403, clientId: noneId })).toBe(1);
    expect(get).toMatchObject({ ok: false, statusCode: 403 });
    expect(get.message).toContain('Microsoft.KeyVault/vaults/secrets/getSecret/action');
    expect(get.message).toContain(`appid=${noneId}`);
  });

  it('applies a role change at run time', async () => {
    fx.emulator.setRole(noneId, 'user');
    // Put back for the file: the case above needs the identity without a role, whatever the order.
    fx.afterTest(noneId, (id) => fx.emulator.setRole(id, 'none'));
    const [get] = await client(noneId, [{ op: 'getSecret', name: 'db-password' }]);
    expect(get.ok).toBe(true);
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 200, clientId: noneId })).toBe(1);
  });
});

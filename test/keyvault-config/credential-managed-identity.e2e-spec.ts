/**
 * The default credential through managed identity: the real DefaultAzureCredential and SecretClient in a
 * child process per identity environment (ManagedIdentityCredential caches its source per process),
 * against the emulator's App Service and IMDS endpoints.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { runCredentialChild, type ChildScenario } from './fixtures/credential-child.js';

const USER_ASSIGNED = {
  clientId: '5c7a3e49-0a4b-4b0e-9a0c-7d1f2a3b4c5d',
  objectId: 'e1d2c3b4-a5f6-4789-8abc-def012345678',
};
const SECRETS = { 'Db-Password': 'mi-canary-1', 'Api-Key': 'mi-canary-2', Plain: 'mi-canary-3' };

// The children get the emulator's identity through their own environment (fx.childEnv).
const fx = useEmulator({
  identity: 'none',
  seed: Object.entries(SECRETS).map(([name, value]) => ({ name, value })),
  identities: [{ ...USER_ASSIGNED, role: 'user' }],
});
let scenario: ChildScenario;

beforeAll(() => {
  assertLibraryBuilt('dist/core/credential.js');
  scenario = { vaultUrl: fx.emulator.vaultUrl, secrets: SECRETS };
});
beforeEach(() => fx.emulator.counters.reset());

function authenticatedLines(logs: Array<{ message: string }>): string[] {
  return logs.map((l) => l.message).filter((m) => m.startsWith('Authenticated to Key Vault'));
}

describe('managed identity through DefaultAzureCredential', () => {
  it('App Service: names ManagedIdentityCredential (App Service) and the system-assigned identity, with one token request for several vaults', async () => {
    const result = await runCredentialChild({ ...scenario, clients: 3, parallel: true }, fx.childEnv());
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.gets).toBe(9);
    expect(result.valuesMatch).toBe(true);
    const expected = {
      name: 'ManagedIdentityCredential',
      detail: 'App Service',
      objectId: fx.emulator.systemAssigned.objectId,
      clientId: fx.emulator.systemAssigned.clientId,
      tenantId: fx.emulator.tenantId,
    };
    expect(result.describe).toEqual([expected, expected, expected]);
    // Three clients (as three vaults, or a refresh) resolved the credential: one token request in the process.
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(1);
    expect(fx.emulator.counters.count({ route: 'identity.imds' })).toBe(0);
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 200 })).toBe(9);
    expect(authenticatedLines(result.logs)).toEqual([
      `Authenticated to Key Vault using ManagedIdentityCredential (App Service) as oid=${fx.emulator.systemAssigned.objectId} appid=${fx.emulator.systemAssigned.clientId} tid=${fx.emulator.tenantId}`,
    ]);
    const output = JSON.stringify(result);
    for (const value of Object.values(SECRETS)) expect(output).not.toContain(value);
  });

  it('IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST, no IDENTITY_ENDPOINT): names ManagedIdentityCredential (IMDS)', async () => {
    const result = await runCredentialChild(
      { ...scenario, clients: 2 },
      fx.childEnv({}, { platform: 'imds' }),
    );
    expect(result.error).toBeUndefined();
    expect(result.valuesMatch).toBe(true);
    expect(result.describe[1]).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'IMDS',
      objectId: fx.emulator.systemAssigned.objectId,
      clientId: fx.emulator.systemAssigned.clientId,
      tenantId: fx.emulator.tenantId,
    });
    expect(fx.emulator.counters.count({ route: 'identity.imds' })).toBe(1);
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(0);
    expect(authenticatedLines(result.logs)).toEqual([
      expect.stringMatching(/^Authenticated to Key Vault using ManagedIdentityCredential \(IMDS\) as oid=/),
    ]);
  });

  it('user-assigned identity through the managedIdentityClientId option', async () => {
    const result = await runCredentialChild(
      { ...scenario, managedIdentityClientId: USER_ASSIGNED.clientId },
      fx.childEnv(),
    );
    expect(result.error).toBeUndefined();
    expect(result.valuesMatch).toBe(true);
    expect(result.describe).toEqual([
      {
        name: 'ManagedIdentityCredential',
        detail: 'App Service',
        objectId: USER_ASSIGNED.objectId,
        clientId: USER_ASSIGNED.clientId,
        tenantId: fx.emulator.tenantId,
      },
    ]);
    expect(
      fx.emulator.counters.count({ route: 'identity.appservice', clientId: USER_ASSIGNED.clientId }),
    ).toBe(1);
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(1);
  });

  it('user-assigned identity through managedIdentityClientId under AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential', async () => {
    // @azure/identity 4.13 builds that one-credential chain without DefaultAzureCredential's options:
    // the library builds it itself, so the option is not lost to the system-assigned identity.
    const result = await runCredentialChild(
      { ...scenario, managedIdentityClientId: USER_ASSIGNED.clientId },
      fx.childEnv({ AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential' }),
    );
    expect(result.error).toBeUndefined();
    expect(result.valuesMatch).toBe(true);
    expect(result.describe[0]).toMatchObject({
      name: 'ManagedIdentityCredential',
      objectId: USER_ASSIGNED.objectId,
      clientId: USER_ASSIGNED.clientId,
    });
    expect(
      fx.emulator.counters.count({ route: 'identity.appservice', clientId: USER_ASSIGNED.clientId }),
    ).toBe(1);
  });

  it('user-assigned identity through AZURE_CLIENT_ID', async () => {
    const result = await runCredentialChild(
      scenario,
      fx.childEnv({ AZURE_CLIENT_ID: USER_ASSIGNED.clientId }, { platform: 'imds' }),
    );
    expect(result.error).toBeUndefined();
    expect(result.valuesMatch).toBe(true);
    expect(result.describe).toEqual([
      {
        name: 'ManagedIdentityCredential',
        detail: 'IMDS',
        objectId: USER_ASSIGNED.objectId,
        clientId: USER_ASSIGNED.clientId,
        tenantId: fx.emulator.tenantId,
      },
    ]);
    expect(fx.emulator.counters.count({ route: 'identity.imds', clientId: USER_ASSIGNED.clientId })).toBe(1);
  });

  it('a custom credential is reported by its class name, with the identity from the token', async () => {
    const result = await runCredentialChild(
      { ...scenario, clients: 2, customCredential: 'ManagedIdentityCredential' },
      fx.childEnv(),
    );
    expect(result.error).toBeUndefined();
    expect(result.valuesMatch).toBe(true);
    expect(result.describe[1]).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'App Service',
      objectId: fx.emulator.systemAssigned.objectId,
      clientId: fx.emulator.systemAssigned.clientId,
      tenantId: fx.emulator.tenantId,
    });
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(1);
    expect(authenticatedLines(result.logs)).toHaveLength(1);
  });
});

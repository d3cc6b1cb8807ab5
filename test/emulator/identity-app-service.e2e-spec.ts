import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import { appServiceEnv, runClient } from './fixtures/identity-client.js';

const userClientId = randomUUID();
const fast = { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 };

describe('ManagedIdentityCredential through the App Service endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ identities: [{ clientId: userClientId, role: 'user' }] });
  });
  afterAll(() => emulator?.close());
  beforeEach(() => {
    emulator.counters.reset();
    emulator.faults.clear();
    emulator.setTokenLifetime(3600);
  });

  it('issues a Key Vault token for the system-assigned identity, once for several getToken calls', async () => {
    const results = await runClient(appServiceEnv(emulator), {
      credential: 'managed',
      steps: [{ op: 'token' }, { op: 'token' }, { op: 'token' }],
    });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[0].claims).toMatchObject({
      appid: emulator.systemAssigned.clientId,
      oid: emulator.systemAssigned.objectId,
      aud: 'https://vault.azure.net',
      tid: emulator.tenantId,
    });
    // MSAL turns expires_on into "expires in N s" against its own clock and back, so its timestamp may
    // land one second before the token's exp when a second boundary falls in between.
    const drift = results[0].claims!.exp * 1000 - results[0].expiresOnTimestamp!;
    expect(drift === 0 || drift === 1000, `expiresOnTimestamp is ${drift} ms off exp`).toBe(true);
    // MSAL's cache answers the second and third call.
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
    expect(emulator.counters.count({ route: 'identity.appservice' })).toBe(1);
    expect(emulator.counters.log()).toEqual([
      expect.objectContaining({
        route: 'identity.appservice',
        method: 'GET',
        path: '/msi/token',
        status: 200,
        clientId: emulator.systemAssigned.clientId,
      }),
    ]);
  });

  it('issues tokens for a user-assigned identity by client id and refuses an unknown one', async () => {
    const [user] = await runClient(appServiceEnv(emulator), {
      credential: 'managed',
      clientId: userClientId,
      steps: [{ op: 'token' }],
    });
    expect(user.claims?.appid).toBe(userClientId);

    const [unknown] = await runClient(appServiceEnv(emulator), {
      credential: 'managed',
      clientId: randomUUID(),
      retry: fast,
      steps: [{ op: 'token' }],
    });
    expect(unknown.ok).toBe(false);
    expect(unknown.message).toContain('Unable to load the proper Managed Identity');
    expect(emulator.counters.count({ route: 'identity.appservice', status: 400 })).toBeGreaterThanOrEqual(1);
  });

  it('refuses a wrong X-IDENTITY-HEADER', async () => {
    const [result] = await runClient(
      { ...appServiceEnv(emulator), IDENTITY_HEADER: 'not-the-header' },
      { credential: 'managed', retry: fast, steps: [{ op: 'token' }] },
    );
    expect(result.ok).toBe(false);
    expect(result.message).toContain('X-IDENTITY-HEADER');
    expect(emulator.counters.count({ route: 'identity.appservice', status: 401 })).toBeGreaterThanOrEqual(1);
    expect(emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBe(0);
  });

  it('fetches a new token once a short-lived one has expired', async () => {
    emulator.setTokenLifetime(1);
    const [first, , second] = await runClient(appServiceEnv(emulator), {
      credential: 'managed',
      steps: [{ op: 'token' }, { op: 'sleep', ms: 1100 }, { op: 'token' }],
    });
    expect(first.claims!.exp - first.claims!.iat).toBe(1);
    expect(second.ok).toBe(true);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBe(2);
  });

  it('survives an identity endpoint failing the first requests with 500 (the SDK retries)', async () => {
    emulator.faults.failIdentity(2);
    const [result] = await runClient(appServiceEnv(emulator), {
      credential: 'managed',
      retry: fast,
      steps: [{ op: 'token' }],
    });
    expect(result.ok).toBe(true);
    expect(emulator.counters.byRoute()['identity.appservice']).toEqual({ '500': 2, '200': 1 });
    expect(
      emulator.counters
        .log()
        .filter((e) => e.status === 500)
        .every((e) => e.fault === 'status'),
    ).toBe(true);
  });

  it('never answers while the endpoint hangs, and answers again once the failure is used up', async () => {
    emulator.faults.failIdentity(1, 'hang');
    const [hung, next] = await runClient(appServiceEnv(emulator), {
      credential: 'managed',
      steps: [
        { op: 'tokenRace', timeoutMs: 300 },
        { op: 'tokenRace', timeoutMs: 5_000 },
      ],
    });
    expect(hung).toEqual({ settled: false });
    expect(next).toMatchObject({ settled: true, ok: true });
    expect(emulator.counters.log().map((e) => [e.status, e.fault])).toEqual([
      [0, 'hang'],
      [200, undefined],
    ]);
  });
});

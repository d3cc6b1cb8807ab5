import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { identityEnv } from '../support/environment.js';
import { runClient } from './fixtures/identity-client.js';

const userClientId = randomUUID();
const fast = { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 };

describe('ManagedIdentityCredential through the App Service endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER)', () => {
  // The credential runs in child processes, each given its identity variables.
  const fx = useEmulator({ identities: [{ clientId: userClientId, role: 'user' }], identity: 'none' });
  beforeEach(() => {
    fx.emulator.counters.reset();
    fx.emulator.faults.clear();
    fx.emulator.setTokenLifetime(3600);
  });

  it('issues a Key Vault token for the system-assigned identity, once for several getToken calls', async () => {
    const results = await runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      steps: [{ op: 'token' }, { op: 'token' }, { op: 'token' }],
    });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[0].claims).toMatchObject({
      appid: fx.emulator.systemAssigned.clientId,
      oid: fx.emulator.systemAssigned.objectId,
      aud: 'https://vault.azure.net',
      tid: fx.emulator.tenantId,
    });
    // MSAL turns expires_on into "expires in N s" against its own clock and back, so its timestamp may
    // land one second before the token's exp when a second boundary falls in between.
    const drift = results[0].claims!.exp * 1000 - results[0].expiresOnTimestamp!;
    expect(drift === 0 || drift === 1000, `expiresOnTimestamp is ${drift} ms off exp`).toBe(true);
    // MSAL's cache answers the second and third call.
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(1);
    expect(fx.emulator.counters.log()).toEqual([
      expect.objectContaining({
        route: 'identity.appservice',
        method: 'GET',
        path: '/msi/token',
        status: 200,
        clientId: fx.emulator.systemAssigned.clientId,
      }),
    ]);
  });

  it('issues tokens for a user-assigned identity by client id and refuses an unknown one', async () => {
    const [user] = await runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      clientId: userClientId,
      steps: [{ op: 'token' }],
    });
    expect(user.claims?.appid).toBe(userClientId);

    const [unknown] = await runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      clientId: randomUUID(),
      retry: fast,
      steps: [{ op: 'token' }],
    });
    expect(unknown.ok).toBe(false);
    expect(unknown.message).toContain('Unable to load the proper Managed Identity');
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 400 })).toBeGreaterThanOrEqual(
      1,
    );
  });

  it("refuses an unknown resource in its own shape, carrying Entra ID's AADSTS500011", async () => {
    const response = await fetch(
      `${fx.emulator.identityEndpoint}?api-version=2019-08-01&resource=https://management.azure.com`,
      { headers: { 'X-IDENTITY-HEADER': fx.emulator.identityHeader } },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['correlationId', 'message', 'statusCode']);
    expect(body.statusCode).toBe(400);
    expect(String(body.message)).toMatch(
      /^AADSTS500011: The resource principal named https:\/\/management\.azure\.com /,
    );
  });

  it('refuses a wrong X-IDENTITY-HEADER', async () => {
    const [result] = await runClient(
      { ...identityEnv(fx.emulator), IDENTITY_HEADER: 'not-the-header' },
      { credential: 'managed', retry: fast, steps: [{ op: 'token' }] },
    );
    expect(result.ok).toBe(false);
    expect(result.message).toContain('X-IDENTITY-HEADER');
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 401 })).toBeGreaterThanOrEqual(
      1,
    );
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBe(0);
  });

  it('fetches a new token once a short-lived one has expired', async () => {
    fx.emulator.setTokenLifetime(1);
    const [first, , second] = await runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      steps: [{ op: 'token' }, { op: 'sleep', ms: 1100 }, { op: 'token' }],
    });
    expect(first.claims!.exp - first.claims!.iat).toBe(1);
    expect(second.ok).toBe(true);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBe(2);
  });

  it('survives an identity endpoint failing the first requests with 500 (the SDK retries)', async () => {
    fx.emulator.faults.failIdentity(2);
    const [result] = await runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      retry: fast,
      steps: [{ op: 'token' }],
    });
    expect(result.ok).toBe(true);
    expect(fx.emulator.counters.byRoute()['identity.appservice']).toEqual({ '500': 2, '200': 1 });
    expect(
      fx.emulator.counters
        .log()
        .filter((e) => e.status === 500)
        .every((e) => e.fault === 'status'),
    ).toBe(true);
  });

  it('never answers while the endpoint hangs, and answers again once the failure is used up', async () => {
    fx.emulator.faults.failIdentity(1, 'hang');
    const [hung, next] = await runClient(identityEnv(fx.emulator), {
      credential: 'managed',
      steps: [
        { op: 'tokenRace', timeoutMs: 300 },
        { op: 'tokenRace', timeoutMs: 5_000 },
      ],
    });
    expect(hung).toEqual({ settled: false });
    expect(next).toMatchObject({ settled: true, ok: true });
    expect(fx.emulator.counters.log().map((e) => [e.status, e.fault])).toEqual([
      [0, 'hang'],
      [200, undefined],
    ]);
  });
});

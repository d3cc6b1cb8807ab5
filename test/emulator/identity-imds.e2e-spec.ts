import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { identityEnv } from '../support/environment.js';
import { runClient } from './fixtures/identity-client.js';
import { expectImdsTokenShape } from '../../libs/keyvault-emulator/src/testing/imds-token-shape.js';

const userClientId = randomUUID();
const fast = { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 };

describe('ManagedIdentityCredential through IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST)', () => {
  // The credential runs in child processes, each given its identity variables.
  const fx = useEmulator({ identities: [{ clientId: userClientId, role: 'reader' }], identity: 'none' });
  beforeEach(() => {
    fx.emulator.counters.reset();
    fx.emulator.faults.clear();
  });

  it('issues tokens for the system-assigned and a user-assigned identity, and refuses an unknown one', async () => {
    const [system] = await runClient(identityEnv(fx.emulator, 'imds'), {
      credential: 'managed',
      steps: [{ op: 'token' }],
    });
    expect(system.claims).toMatchObject({
      appid: fx.emulator.systemAssigned.clientId,
      oid: fx.emulator.systemAssigned.objectId,
      aud: 'https://vault.azure.net',
    });
    const [user] = await runClient(identityEnv(fx.emulator, 'imds'), {
      credential: 'managed',
      clientId: userClientId,
      steps: [{ op: 'token' }],
    });
    expect(user.claims?.appid).toBe(userClientId);
    const [unknown] = await runClient(identityEnv(fx.emulator, 'imds'), {
      credential: 'managed',
      clientId: randomUUID(),
      retry: fast,
      steps: [{ op: 'token' }],
    });
    expect(unknown.ok).toBe(false);
    expect(unknown.message).toContain('Identity not found');

    expect(fx.emulator.counters.count({ route: 'identity.imds', status: 200 })).toBe(2);
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(0);
    expect(fx.emulator.counters.log().every((e) => e.path === '/metadata/identity/oauth2/token')).toBe(true);
  });

  it('retries an IMDS endpoint that fails the first request with 500', async () => {
    fx.emulator.faults.failIdentity(1);
    const [result] = await runClient(identityEnv(fx.emulator, 'imds'), {
      credential: 'managed',
      retry: fast,
      steps: [{ op: 'token' }],
    });
    expect(result.ok).toBe(true);
    expect(fx.emulator.counters.byRoute()['identity.imds']).toEqual({ '500': 1, '200': 1 });
  });

  it('answers like IMDS to requests without the Metadata header, the SDK probe included', async () => {
    const base = fx.emulator.identityHost;
    const probe = await fetch(`${base}/metadata/identity/oauth2/token`, {
      headers: { Accept: 'application/json' },
    });
    expect(probe.status).toBe(400);
    expect(await probe.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    });
    const noHeader = await fetch(
      `${base}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`,
    );
    expect(noHeader.status).toBe(400);
    const token = await fetch(
      `${base}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`,
      {
        headers: { Metadata: 'true' },
      },
    );
    const body = (await token.json()) as Record<string, unknown>;
    expectImdsTokenShape(body);
    expect(body).toMatchObject({
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: fx.emulator.systemAssigned.clientId,
    });
    expect(fx.emulator.counters.byRoute()).toEqual({
      'identity.probe': { '400': 1 },
      'identity.imds': { '400': 1, '200': 1 },
    });
  });
});

describe("IMDS's error answers", () => {
  const fx = useEmulator({ identity: 'none' });
  const tokenUrl = (query: string): string =>
    `${fx.emulator.identityHost}/metadata/identity/oauth2/token?api-version=2018-02-01&${query}`;

  it("passes Entra ID's refusal of an unknown resource on: 400 invalid_resource AADSTS500011, through the SDK too", async () => {
    const response = await fetch(tokenUrl('resource=https://management.azure.com'), {
      headers: { Metadata: 'true' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
    expect(String(body.error_description)).toMatch(
      new RegExp(
        `^AADSTS500011: The resource principal named https://management\\.azure\\.com was not found in the tenant named ${fx.emulator.tenantId}\\.`,
      ),
    );
    const [sdk] = await runClient(identityEnv(fx.emulator, 'imds'), {
      credential: 'managed',
      retry: fast,
      steps: [{ op: 'token', scope: 'https://management.azure.com/.default' }],
    });
    expect(sdk.ok).toBe(false);
    expect(sdk.message).toContain('AADSTS500011');
    // Key Vault's resource in each spelling the SDKs and Entra ID accept still gets a token.
    for (const resource of ['https://vault.azure.net/', 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093']) {
      const ok = await fetch(tokenUrl(`resource=${encodeURIComponent(resource)}`), {
        headers: { Metadata: 'true' },
      });
      expect(ok.status).toBe(200);
    }
  });

  it('answers an unknown identity 400 invalid_request "Identity not found", as IMDS does', async () => {
    const response = await fetch(tokenUrl(`resource=https://vault.azure.net&client_id=${randomUUID()}`), {
      headers: { Metadata: 'true' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Identity not found',
    });
  });
});

describe('DefaultAzureCredential against the emulator', () => {
  const fx = useEmulator({ identity: 'none' });
  beforeEach(() => fx.emulator.counters.reset());

  it('uses the App Service endpoint when restricted to ManagedIdentityCredential', async () => {
    const [result] = await runClient(
      { ...identityEnv(fx.emulator), AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential' },
      { credential: 'default', steps: [{ op: 'token' }] },
    );
    expect(result.claims?.appid).toBe(fx.emulator.systemAssigned.clientId);
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBe(1);
  });

  it('reaches the managed identity through the full chain with the App Service variables', async () => {
    const [result] = await runClient(identityEnv(fx.emulator), {
      credential: 'default',
      steps: [{ op: 'token' }],
    });
    expect(result.claims?.appid).toBe(fx.emulator.systemAssigned.clientId);
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBe(1);
  });

  it('reaches the managed identity through the full chain with IMDS redirection', async () => {
    const [result] = await runClient(identityEnv(fx.emulator, 'imds'), {
      credential: 'default',
      steps: [{ op: 'token' }],
    });
    expect(result.claims?.appid).toBe(fx.emulator.systemAssigned.clientId);
    expect(fx.emulator.counters.count({ route: 'identity.imds', status: 200 })).toBe(1);
  });
});

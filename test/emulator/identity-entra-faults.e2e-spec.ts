/**
 * The emulated Entra ID's token endpoint goes through the emulator's faults like the managed-identity
 * endpoints: scripted faults on route `identity.entra` (status, hang, truncated body) and pending
 * `failIdentity` failures — seen through the real @azure/identity ClientSecretCredential.
 */
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientSecretCredential } from '@azure/identity';
import type { CreatedApplication } from 'keyvault-emulator';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';

// The credential under test is a service principal given explicitly: this process needs no identity.
const fx = useEmulator({ identity: 'none' });
let app: CreatedApplication;
beforeAll(async () => {
  app = await fx.emulator.addApplication({ role: 'user', secret: true });
});
afterEach(() => {
  fx.emulator.faults.clear();
  fx.emulator.counters.reset();
});

const credential = (): ClientSecretCredential =>
  new ClientSecretCredential(fx.emulator.tenantId, app.clientId, app.secret!, {
    authorityHost: fx.emulator.authorityHost,
    disableInstanceDiscovery: true,
    additionallyAllowedTenants: ['*'],
    tlsOptions: { ca: fx.emulator.caCert },
    retryOptions: { maxRetries: 0 },
  });
const scope = 'https://vault.azure.net/.default';
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('faults on identity.entra', () => {
  it('a scripted 500 answers the token request with an Entra error body, then the next one succeeds', async () => {
    fx.emulator.faults.add({ route: 'identity.entra', status: 500, times: 1 });
    const error = await failureOf(credential().getToken(scope));
    expect(error).toBeInstanceOf(Error);
    expect(fx.emulator.counters.count({ route: 'identity.entra', status: 500 })).toBeGreaterThanOrEqual(1);
    const log = fx.emulator.counters.log().filter((e) => e.route === 'identity.entra');
    expect(log[0]).toMatchObject({ status: 500, fault: 'status' });
    await expect(credential().getToken(scope)).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('a scripted hang never answers (the client gives up after 300 ms)', async () => {
    fx.emulator.faults.add({ route: 'identity.entra', hang: true, times: 1 });
    const req = request(`${fx.emulator.authorityHost}/${fx.emulator.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      ca: fx.emulator.caCert,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const answered = new Promise<string>((resolve) => req.on('response', () => resolve('answered')));
    req.on('error', () => undefined);
    req.end('grant_type=client_credentials');
    // The 300 ms run from the emulator's taking the request, not from sending it: on a loaded machine
    // the handshake alone can outlast them, and a request given up before it arrived was never logged.
    await vi.waitFor(
      () =>
        expect(fx.emulator.counters.log().find((e) => e.route === 'identity.entra')).toMatchObject({
          status: 0,
          fault: 'hang',
        }),
      { timeout: 20_000 },
    );
    const outcome = await Promise.race([answered, sleep(300).then(() => 'no answer')]);
    req.destroy();
    expect(outcome).toBe('no answer');
  });

  it('a truncated token answer is a malformed 200', async () => {
    fx.emulator.faults.add({ route: 'identity.entra', body: 'truncated', times: 1 });
    const error = await failureOf(credential().getToken(scope));
    expect(error).toBeInstanceOf(Error);
    expect(fx.emulator.counters.log().find((e) => e.route === 'identity.entra')).toMatchObject({
      status: 200,
      fault: 'truncated',
    });
  });

  it('failIdentity applies to Entra token requests too; discovery documents are never faulted', async () => {
    fx.emulator.faults.failIdentity(1, 500);
    const error = await failureOf(credential().getToken(scope));
    expect(error).toBeInstanceOf(Error);
    await expect(credential().getToken(scope)).resolves.toMatchObject({ token: expect.any(String) });
    expect(fx.emulator.counters.count({ route: 'identity.entra', status: 500 })).toBe(1);
  });
});

// Fault injection (scripted statuses with Key Vault bodies, resets, hangs, latency), the per-vault
// throttle and the admin API on the identity port, observed through the SDK and raw requests.
import { RestError } from '@azure/core-rest-pipeline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { raw, secretClient, signedBy } from './vault-support.js';

const fx = useEmulator({ seed: [{ name: 'fault-target', value: 'fault-value-123' }], identity: 'none' });
afterEach(() => {
  fx.emulator.faults.clear();
  fx.emulator.faults.setThrottle(undefined);
});

const client = () => secretClient(fx.emulator, signedBy(fx.emulator));
const lastLog = (route: string) => [...fx.emulator.counters.log()].reverse().find((e) => e.route === route);

describe('scripted faults on vault routes', () => {
  it('answers 429 Throttled with Retry-After', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', status: 429, retryAfterSeconds: 7, times: 1 });
    const response = await raw(fx.emulator, {
      path: '/secrets/fault-target?api-version=7.5',
      token: fx.emulator.issueToken(),
    });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.json.error.code).toBe('Throttled');
    // Key Vault's own wording (docs/emulator.md cites a captured answer).
    expect(response.json.error.message).toBe(
      'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
    );
    expect(lastLog('secrets.get')).toMatchObject({ status: 429, fault: 'status' });
    // `times: 1` → the next request is normal.
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
  });

  it('answers 429 without Retry-After when none is configured', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', status: 429, times: 1 });
    const error = await client()
      .getSecret('fault-target')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 429, code: 'Throttled' });
    expect((error as RestError).response?.headers.get('retry-after')).toBeUndefined();
  });

  it('answers 500 and 503 with Key Vault error bodies, and the SDK retries through them', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', status: 500, times: 1 });
    await expect(client().getSecret('fault-target')).rejects.toMatchObject({
      statusCode: 500,
      code: 'InternalServerError',
    });
    fx.emulator.faults.add({ route: 'secrets.get', status: 503, retryAfterSeconds: 1, times: 1 });
    await expect(client().getSecret('fault-target')).rejects.toMatchObject({
      statusCode: 503,
      code: 'ServiceUnavailable',
    });

    fx.emulator.faults.add({ route: ['secrets.get', 'secrets.list'], status: 503, times: 2 });
    const retrying = secretClient(fx.emulator, signedBy(fx.emulator), {
      retryOptions: { maxRetries: 3, retryDelayInMs: 5 },
    });
    expect((await retrying.getSecret('fault-target')).value).toBe('fault-value-123');
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 503 })).toBeGreaterThanOrEqual(3);
  });

  it('resets the connection without answering', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', reset: true, times: 1 });
    const error = (await client()
      .getSecret('fault-target')
      .catch((e: unknown) => e)) as RestError;
    expect(error).toBeInstanceOf(Error);
    expect(error.statusCode).toBeUndefined();
    expect(lastLog('secrets.get')).toMatchObject({ status: 0, fault: 'reset' });
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
  });

  it('hangs until the client gives up', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', hang: true, times: 1 });
    const giveUp = new AbortController();
    const pending = client()
      .getSecret('fault-target', { abortSignal: giveUp.signal })
      .catch((e: unknown) => e);
    // The 300 ms run from the emulator's taking the request, not from sending it: on a loaded machine
    // the handshake alone can outlast them, and a request aborted before it arrived left the fault
    // armed for the next one.
    await vi.waitFor(() => expect(lastLog('secrets.get')).toMatchObject({ status: 0, fault: 'hang' }), {
      timeout: 20_000,
    });
    await sleep(300);
    giveUp.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
  });

  it('adds latency before answering normally', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', latencyMs: 150, times: 1 });
    const response = await raw(fx.emulator, {
      path: '/secrets/fault-target?api-version=7.5',
      token: fx.emulator.issueToken(),
    });
    expect(response.status).toBe(200);
    expect(response.json.value).toBe('fault-value-123');
    const entry = lastLog('secrets.get');
    expect(entry).toMatchObject({ status: 200, fault: 'latency' });
    expect(entry!.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('targets one vault only when the fault names it', async () => {
    const second = await fx.emulator.addVault('second-vault', { seed: [{ name: 'other', value: 'x' }] });
    fx.emulator.faults.add({ vault: 'second-vault', status: 500 });
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
    const other = secretClient(fx.emulator, signedBy(fx.emulator), { vaultUrl: second.url });
    await expect(other.getSecret('other')).rejects.toMatchObject({ statusCode: 500 });
  });
});

describe('throttle', () => {
  it('throttles like Key Vault by default: N per vault per 10 s, then 429 Throttled without Retry-After', async () => {
    fx.emulator.faults.setThrottle(3);
    const c = client();
    for (let i = 0; i < 3; i++) expect((await c.getSecret('fault-target')).value).toBe('fault-value-123');
    const response = await raw(fx.emulator, {
      path: '/secrets/fault-target?api-version=7.5',
      token: fx.emulator.issueToken(),
    });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.json).toEqual({
      error: {
        code: 'Throttled',
        message:
          'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
      },
    });
    expect(lastLog('secrets.get')).toMatchObject({ status: 429, fault: 'throttle' });
    // The limit is per vault: another vault's window is untouched.
    const second = await fx.emulator.addVault('throttle-second', { seed: [{ name: 'other', value: 'x' }] });
    const other = secretClient(fx.emulator, signedBy(fx.emulator), { vaultUrl: second.url });
    expect((await other.getSecret('other')).value).toBe('x');
  });

  it('allows N transactions per 10 s per vault, then answers 429 with Retry-After when asked', async () => {
    fx.emulator.faults.setThrottle(3, { retryAfter: true });
    const c = client();
    for (let i = 0; i < 3; i++) expect((await c.getSecret('fault-target')).value).toBe('fault-value-123');
    const error = (await c.getSecret('fault-target').catch((e: unknown) => e)) as RestError;
    expect(error).toMatchObject({ statusCode: 429, code: 'Throttled' });
    expect(Number(error.response?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(lastLog('secrets.get')).toMatchObject({ status: 429, fault: 'throttle' });
    fx.emulator.faults.setThrottle(undefined, { retryAfter: false });
    expect((await c.getSecret('fault-target')).value).toBe('fault-value-123');
  });
});

/** Calls the admin API on the identity port. */
const admin = (method: string, path: string, body?: unknown, header = fx.emulator.identityHeader) =>
  fetch(`${fx.emulator.identityHost}/_emulator/${path}`, {
    method,
    headers: {
      'x-identity-header': header,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('admin API', () => {
  it('requires the identity header', async () => {
    expect((await admin('GET', 'counters', undefined, 'wrong')).status).toBe(401);
    expect((await fetch(`${fx.emulator.identityHost}/_emulator/counters`)).status).toBe(401);
  });

  it('reports counters and the log, never values or tokens, and resets them', async () => {
    await client().getSecret('fault-target');
    const counters = (await (await admin('GET', 'counters')).json()) as {
      total: number;
      byRoute: Record<string, Record<string, number>>;
    };
    expect(counters.total).toBeGreaterThan(0);
    expect(counters.byRoute['secrets.get']['200']).toBeGreaterThan(0);
    const logText = await (await admin('GET', 'log')).text();
    expect(JSON.parse(logText).entries.length).toBeGreaterThan(0);
    expect(logText).not.toContain('fault-value-123');
    expect(logText).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect((await admin('POST', 'counters/reset')).status).toBe(204);
    expect(fx.emulator.counters.count()).toBe(0);
  });

  it('adds, removes and clears faults', async () => {
    const added = await admin('POST', 'faults', { route: 'secrets.get', status: 503, retryAfterSeconds: 2 });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: string };
    await expect(client().getSecret('fault-target')).rejects.toMatchObject({ statusCode: 503 });
    expect((await admin('DELETE', `faults/${id}`)).status).toBe(204);
    expect((await admin('DELETE', `faults/${id}`)).status).toBe(404);
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
    await admin('POST', 'faults', { status: 500 });
    expect((await admin('DELETE', 'faults')).status).toBe(204);
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
    const invalid = await admin('POST', 'faults', { route: 'nope', status: 500 });
    expect(invalid.status).toBe(400);
  });

  it('sets and clears the throttle', async () => {
    expect((await admin('POST', 'throttle', { perTenSeconds: 1 })).status).toBe(204);
    const c = client();
    await c.getSecret('fault-target');
    await expect(c.getSecret('fault-target')).rejects.toMatchObject({ statusCode: 429 });
    expect((await admin('POST', 'throttle', { perTenSeconds: null })).status).toBe(204);
    expect((await c.getSecret('fault-target')).value).toBe('fault-value-123');
  });

  it('switches Retry-After on for the throttle and checks its input', async () => {
    expect((await admin('POST', 'throttle', { perTenSeconds: 1, retryAfter: true })).status).toBe(204);
    const c = client();
    await c.getSecret('fault-target');
    const error = (await c.getSecret('fault-target').catch((e: unknown) => e)) as RestError;
    expect(error).toMatchObject({ statusCode: 429, code: 'Throttled' });
    expect(Number(error.response?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await admin('POST', 'throttle', { perTenSeconds: 1, retryAfter: 'yes' })).status).toBe(400);
    expect((await admin('POST', 'throttle', { perTenSeconds: null, retryAfter: false })).status).toBe(204);
  });

  it('rotates, updates and deletes secrets without returning values', async () => {
    const rotated = await admin('POST', 'vaults/emulator/secrets', {
      name: 'rotating',
      value: 'first-value',
    });
    expect(rotated.status).toBe(201);
    const rotatedText = await rotated.text();
    expect(rotatedText).not.toContain('first-value');
    expect(JSON.parse(rotatedText).version).toMatch(/^[0-9a-f]{32}$/);
    await admin('POST', 'vaults/emulator/secrets', { name: 'rotating', value: 'second-value' });
    expect((await client().getSecret('rotating')).value).toBe('second-value');

    expect((await admin('PATCH', 'vaults/emulator/secrets/rotating', { enabled: false })).status).toBe(204);
    await expect(client().getSecret('rotating')).rejects.toMatchObject({ statusCode: 403 });

    expect((await admin('DELETE', 'vaults/emulator/secrets/rotating')).status).toBe(204);
    expect((await client().getDeletedSecret('rotating')).name).toBe('rotating');
    expect((await admin('DELETE', 'vaults/emulator/secrets/rotating?purge=true')).status).toBe(204);
    await expect(client().getDeletedSecret('rotating')).rejects.toMatchObject({ statusCode: 404 });

    expect((await admin('POST', 'vaults/nope/secrets', { name: 'a', value: 'b' })).status).toBe(404);
    expect((await admin('POST', 'vaults/emulator/secrets', { name: 'bad_name', value: 'b' })).status).toBe(
      400,
    );
  });

  it('changes roles and the token lifetime', async () => {
    expect((await admin('POST', 'roles', { clientId: 'system', role: 'reader' })).status).toBe(204);
    await expect(client().getSecret('fault-target')).rejects.toMatchObject({ statusCode: 403 });
    expect((await admin('POST', 'roles', { clientId: 'system', role: 'officer' })).status).toBe(204);
    expect((await client().getSecret('fault-target')).value).toBe('fault-value-123');
    expect((await admin('POST', 'roles', { clientId: 'system', role: 'admin' })).status).toBe(400);
    expect((await admin('POST', 'token-lifetime', { seconds: 120 })).status).toBe(204);
    expect((await admin('POST', 'token-lifetime', { seconds: -1 })).status).toBe(400);
  });

  it('queues identity failures for the identity endpoint', async () => {
    expect((await admin('POST', 'identity-failures', { count: 1, mode: 500 })).status).toBe(204);
    const failed = await fetch(
      `${fx.emulator.identityEndpoint}?resource=https://vault.azure.net&api-version=2019-08-01`,
      {
        headers: { 'x-identity-header': fx.emulator.identityHeader },
      },
    );
    expect(failed.status).toBe(500);
    const ok = await fetch(
      `${fx.emulator.identityEndpoint}?resource=https://vault.azure.net&api-version=2019-08-01`,
      {
        headers: { 'x-identity-header': fx.emulator.identityHeader },
      },
    );
    expect(ok.status).toBe(200);
    expect((await admin('POST', 'identity-failures', { count: 1, mode: 'sometimes' })).status).toBe(400);
  });

  it('answers unknown admin paths with 404 and leaves other paths to the identity server', async () => {
    expect((await admin('GET', 'nothing')).status).toBe(404);
  });
});

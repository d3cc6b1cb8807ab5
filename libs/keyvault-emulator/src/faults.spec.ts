import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closingSignal, delay } from './delay.js';
import { FaultSpecError, validateFaultSpec } from './fault-spec.js';
import { EmulatorFaultInjector } from './faults.js';

describe('EmulatorFaultInjector.match', () => {
  it('matches by route (single or list) and vault, case-insensitively for vaults', () => {
    const faults = new EmulatorFaultInjector();
    faults.add({ route: 'secrets.get', status: 500 });
    faults.add({
      route: ['secrets.list', 'secrets.versions'],
      vault: 'Other',
      status: 503,
      retryAfterSeconds: 2,
    });
    expect(faults.match('secrets.get', 'main')).toMatchObject({
      action: 'status',
      status: 500,
      kind: 'status',
    });
    expect(faults.match('secrets.set', 'main')).toBeUndefined();
    expect(faults.match('secrets.list', 'main')).toBeUndefined();
    expect(faults.match('secrets.versions', 'other')).toMatchObject({ status: 503, retryAfterSeconds: 2 });
  });

  it('applies route-less faults to vault routes only; identity routes must be named', () => {
    const faults = new EmulatorFaultInjector();
    faults.add({ status: 500 });
    expect(faults.match('identity.appservice')).toBeUndefined();
    expect(faults.match('deleted.purge', 'v')?.status).toBe(500);
    faults.clear();
    faults.add({ route: 'identity.imds', hang: true });
    expect(faults.match('identity.imds')).toMatchObject({ action: 'hang', kind: 'hang' });
    expect(faults.match('identity.appservice')).toBeUndefined();
  });

  it('consumes `times` and drops exhausted faults', () => {
    const faults = new EmulatorFaultInjector();
    const id = faults.add({ route: 'secrets.get', reset: true, times: 2 });
    expect(faults.match('secrets.get', 'v')?.action).toBe('reset');
    expect(faults.has(id)).toBe(true);
    expect(faults.match('secrets.get', 'v')?.action).toBe('reset');
    expect(faults.has(id)).toBe(false);
    expect(faults.match('secrets.get', 'v')).toBeUndefined();
  });

  it('adds up latency of all matching faults and the global latency; the first action wins', () => {
    const faults = new EmulatorFaultInjector({ latencyMs: 5, random: () => 0.5 });
    faults.add({ latencyMs: 10, jitterMs: 20 });
    faults.add({ route: 'secrets.get', status: 429 });
    faults.add({ route: 'secrets.get', status: 500 });
    const decision = faults.match('secrets.get', 'v');
    expect(decision).toMatchObject({ latencyMs: 25, action: 'status', status: 429 });
    expect(decision?.faultIds).toHaveLength(2);
    // Global latency alone still yields a decision for vault routes, not for identity ones.
    const plain = new EmulatorFaultInjector({ latencyMs: 40 });
    expect(plain.match('secrets.list', 'v')).toMatchObject({ latencyMs: 40, kind: 'latency' });
    expect(plain.match('identity.imds')).toBeUndefined();
  });

  it('removes single faults and clears everything', () => {
    const faults = new EmulatorFaultInjector();
    const a = faults.add({ status: 500 });
    faults.add({ status: 503 });
    faults.remove(a);
    expect(faults.match('secrets.get', 'v')?.status).toBe(503);
    faults.failIdentity(1);
    faults.clear();
    expect(faults.match('secrets.get', 'v')).toBeUndefined();
    expect(faults.takeIdentityFailure()).toBeUndefined();
  });
});

describe('identity failures', () => {
  it('queues failIdentity requests in order', () => {
    const faults = new EmulatorFaultInjector();
    faults.failIdentity(2);
    faults.failIdentity(1, 'hang');
    expect(faults.pendingIdentityFailures).toBe(3);
    expect(faults.takeIdentityFailure()).toBe(500);
    expect(faults.takeIdentityFailure()).toBe(500);
    expect(faults.takeIdentityFailure()).toBe('hang');
    expect(faults.takeIdentityFailure()).toBeUndefined();
  });
});

describe('throttle (per vault, 10-second window)', () => {
  it('allows N per vault in any 10 s window and never counts a rejected request', () => {
    let now = 0;
    const faults = new EmulatorFaultInjector({ throttle: 3, now: () => now });
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(faults.takeThrottle('v')).toBeUndefined();
    now = 5_000;
    expect(faults.takeThrottle('v')).toBeUndefined();
    // Full: rejected (with no Retry-After, as Key Vault), however often the client hammers.
    for (let i = 0; i < 100; i++) expect(faults.takeThrottle('v')).toEqual({});
    // Windows are per vault (case-insensitive names).
    expect(faults.takeThrottle('other')).toBeUndefined();
    now = 9_999;
    expect(faults.takeThrottle('V')).toEqual({});
    // The two requests of t=0 leave the window; the 100 rejections never entered it.
    now = 10_000;
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(faults.takeThrottle('v')).toEqual({});
    now = 15_000;
    expect(faults.takeThrottle('v')).toBeUndefined();
  });

  it('sends Retry-After only when asked: the seconds until the oldest request leaves the window', () => {
    let now = 0;
    const faults = new EmulatorFaultInjector({ throttle: 2, throttleRetryAfter: true, now: () => now });
    expect(faults.throttleRetryAfter).toBe(true);
    expect(faults.takeThrottle('v')).toBeUndefined();
    now = 4_000;
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(faults.takeThrottle('v')).toEqual({ retryAfterSeconds: 6 });
    now = 9_500;
    expect(faults.takeThrottle('v')).toEqual({ retryAfterSeconds: 1 });
    // setThrottle without settings keeps the choice; with settings changes it.
    faults.setThrottle(1);
    expect(faults.throttleRetryAfter).toBe(true);
    faults.setThrottle(1, { retryAfter: false });
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(faults.takeThrottle('v')).toEqual({});
  });

  it('can be changed and turned off', () => {
    const faults = new EmulatorFaultInjector({ now: () => 0 });
    expect(faults.takeThrottle('v')).toBeUndefined();
    faults.setThrottle(1, { retryAfter: true });
    expect(faults.throttle).toBe(1);
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(faults.takeThrottle('v')).toEqual({ retryAfterSeconds: 10 });
    faults.setThrottle(undefined);
    expect(faults.takeThrottle('v')).toBeUndefined();
    expect(() => faults.setThrottle(0)).toThrow(FaultSpecError);
  });
});

describe('validateFaultSpec', () => {
  it('accepts well-formed specs', () => {
    expect(validateFaultSpec({ route: 'secrets.get', status: 429, retryAfterSeconds: 0, times: 1 })).toEqual({
      route: 'secrets.get',
      status: 429,
      retryAfterSeconds: 0,
      times: 1,
    });
    expect(validateFaultSpec({ latencyMs: 100, jitterMs: 50, vault: 'v' })).toEqual({
      latencyMs: 100,
      jitterMs: 50,
      vault: 'v',
    });
  });

  it.each([
    [null, 'object'],
    [{ route: 'nope', status: 500 }, 'Unknown route'],
    [{ status: 200 }, 'status'],
    [{ status: 500, reset: true }, 'at most one'],
    [{ times: 0, status: 500 }, 'times'],
    [{ latencyMs: -1 }, 'latencyMs'],
    [{ route: 'secrets.get' }, 'needs'],
    [{ hang: 'yes' }, 'boolean'],
    [{ body: 'xml' }, "'body' must be one of"],
    [{ body: 'html', status: 100 }, '200–599'],
    [{ body: 'html', reset: true }, 'at most one'],
    [{ body: 'truncated', status: 500 }, 'replaces the real answer'],
    [{ body: 'truncated', latencyMs: 5 }, 'replaces the real answer'],
    [{ status: 500, truncateAt: 3 }, "needs body 'truncated'"],
    [{ body: 'truncated', truncateAt: 1.5 }, 'non-negative integer'],
    [{ body: 'emptyPage' }, 'needs a list route'],
    [{ body: 'emptyPage', route: ['secrets.list', 'secrets.get'] }, 'needs a list route'],
    [{ body: 'noAccessToken' }, 'needs a token route'],
    [{ body: 'noExpiry', route: 'secrets.get' }, 'needs a token route'],
    [{ body: 'badExpiry', route: ['identity.imds', 'identity.probe'] }, 'needs a token route'],
    [{ body: 'noAccessToken', route: 'identity.appservice', status: 500 }, 'replaces the real answer'],
  ])('rejects %j', (input, message) => {
    expect(() => validateFaultSpec(input)).toThrow(message);
  });

  it('accepts the hostile bodies', () => {
    expect(validateFaultSpec({ body: 'html' })).toEqual({ body: 'html' });
    expect(validateFaultSpec({ body: 'empty', status: 200 })).toEqual({ body: 'empty', status: 200 });
    expect(validateFaultSpec({ body: 'truncated', truncateAt: 0, times: 1 })).toEqual({
      body: 'truncated',
      truncateAt: 0,
      times: 1,
    });
    expect(validateFaultSpec({ route: 'deleted.list', body: 'emptyPage' })).toEqual({
      route: 'deleted.list',
      body: 'emptyPage',
    });
    expect(
      validateFaultSpec({ route: ['identity.appservice', 'identity.entra'], body: 'badExpiry' }),
    ).toEqual({ route: ['identity.appservice', 'identity.entra'], body: 'badExpiry' });
  });
});

describe('answer faults (truncated, emptyPage)', () => {
  it('are decided when an answer exists, never on arrival, and consume their uses', () => {
    const faults = new EmulatorFaultInjector();
    const id = faults.add({ route: 'secrets.get', body: 'truncated', truncateAt: 4, times: 2 });
    faults.add({ route: 'secrets.list', body: 'emptyPage', times: 1 });
    expect(faults.match('secrets.get', 'v')).toBeUndefined();
    expect(faults.matchAnswer('secrets.get', 'v')).toEqual({ body: 'truncated', truncateAt: 4, faultId: id });
    expect(faults.matchAnswer('secrets.get', 'v')?.body).toBe('truncated');
    expect(faults.matchAnswer('secrets.get', 'v')).toBeUndefined();
    expect(faults.has(id)).toBe(false);
    expect(faults.matchAnswer('secrets.list', 'v')?.body).toBe('emptyPage');
    expect(faults.matchAnswer('secrets.list', 'v')).toBeUndefined();
  });

  it('token faults are answer faults of their identity route only', () => {
    const faults = new EmulatorFaultInjector();
    faults.add({ route: 'identity.imds', body: 'noAccessToken', times: 1 });
    expect(faults.match('identity.imds')).toBeUndefined();
    expect(faults.matchAnswer('identity.appservice')).toBeUndefined();
    expect(faults.matchAnswer('identity.imds')?.body).toBe('noAccessToken');
    expect(faults.matchAnswer('identity.imds')).toBeUndefined();
  });

  it('html and empty bodies are arrival faults with a status (502 by default)', () => {
    const faults = new EmulatorFaultInjector();
    faults.add({ route: 'secrets.get', body: 'html' });
    faults.add({ route: 'secrets.list', body: 'empty', status: 404 });
    expect(faults.match('secrets.get', 'v')).toMatchObject({
      action: 'status',
      status: 502,
      body: 'html',
      kind: 'html',
    });
    expect(faults.match('secrets.list', 'v')).toMatchObject({ status: 404, body: 'empty', kind: 'empty' });
    expect(faults.matchAnswer('secrets.get', 'v')).toBeUndefined();
  });
});

describe('delay', () => {
  it('leaves no listener on the shared signal once it has resolved', async () => {
    const { signal } = closingSignal();
    const listeners = (): number => getEventListeners(signal, 'abort').length;
    await Promise.all(Array.from({ length: 20 }, () => delay(1, signal)));
    expect(listeners()).toBe(0);
  });

  it('resolves at once when the signal aborts', async () => {
    const controller = closingSignal();
    const pending = delay(60_000, controller.signal);
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
  });
});

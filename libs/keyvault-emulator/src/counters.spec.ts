import { describe, expect, it } from 'vitest';
import { RequestCounters } from './counters.js';
import type { RequestLogEntry } from './emulator.interfaces.js';

const entry = (overrides: Partial<RequestLogEntry>): RequestLogEntry => ({
  time: '2026-01-01T00:00:00.000Z',
  route: 'secrets.get',
  method: 'GET',
  path: '/secrets/a',
  status: 200,
  durationMs: 1,
  ...overrides,
});

describe('RequestCounters', () => {
  it('counts by route and status and filters by vault and client', () => {
    const counters = new RequestCounters();
    counters.record(entry({ vault: 'main', clientId: 'c1' }));
    counters.record(entry({ vault: 'main', status: 401 }));
    counters.record(entry({ route: 'secrets.list', vault: 'Other', clientId: 'c2' }));
    counters.record(entry({ route: 'identity.appservice', path: '/msi/token', clientId: 'c1' }));
    expect(counters.count()).toBe(4);
    expect(counters.count({ route: 'secrets.get' })).toBe(2);
    expect(counters.count({ route: 'secrets.get', status: 401 })).toBe(1);
    expect(counters.count({ vault: 'other' })).toBe(1);
    expect(counters.count({ clientId: 'c1' })).toBe(2);
    expect(counters.byRoute()).toEqual({
      'secrets.get': { '200': 1, '401': 1 },
      'secrets.list': { '200': 1 },
      'identity.appservice': { '200': 1 },
    });
  });

  it('keeps only known fields and strips query strings', () => {
    const counters = new RequestCounters();
    const dirty = {
      ...entry({ path: '/msi/token?resource=x&secret=y' }),
      token: 'eyJ...',
    } as RequestLogEntry;
    counters.record(dirty);
    expect(counters.log()[0]).toEqual(entry({ path: '/msi/token' }));
  });

  it('caps the log but keeps exact totals, and resets', () => {
    const counters = new RequestCounters(3);
    for (let i = 0; i < 5; i++) counters.record(entry({ path: `/secrets/s${i}` }));
    expect(counters.log().map((e) => e.path)).toEqual(['/secrets/s2', '/secrets/s3', '/secrets/s4']);
    expect(counters.count()).toBe(5);
    counters.reset();
    expect(counters.count()).toBe(0);
    expect(counters.log()).toEqual([]);
    expect(counters.byRoute()).toEqual({});
  });
});

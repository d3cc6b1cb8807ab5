import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenAuthority } from './tokens.js';

const tenantId = randomUUID();
const clientId = randomUUID();
const objectId = randomUUID();

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

// Shared where the lifetime does not matter: generating RSA keys is the slow part of these tests.
const authority = new TokenAuthority({ tenantId, lifetimeSeconds: 600 });

describe('TokenAuthority', () => {
  afterEach(() => vi.useRealTimers());

  it('signs an RS256 JWT with the claims of a managed identity token', () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, expiresOn } = authority.issue({ clientId, objectId, audience: 'https://vault.azure.net' });
    const [header, payload] = token.split('.').slice(0, 2).map(decode);
    expect(header).toMatchObject({ typ: 'JWT', alg: 'RS256', kid: authority.keyId, x5t: authority.keyId });
    expect(payload).toMatchObject({
      aud: 'https://vault.azure.net',
      iss: `https://sts.windows.net/${tenantId}/`,
      idp: `https://sts.windows.net/${tenantId}/`,
      appid: clientId,
      appidacr: '2',
      oid: objectId,
      sub: objectId,
      tid: tenantId,
      ver: '1.0',
    });
    expect(payload.xms_mirid).toMatch(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/.+\/providers\/Microsoft\./,
    );
    expect(typeof payload.uti).toBe('string');
    expect(payload.exp).toBe(expiresOn);
    expect(expiresOn - (payload.iat as number)).toBe(600);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBe(payload.iat);
  });

  it('verifies its own tokens and returns the caller', () => {
    const { token } = authority.issue({ clientId, objectId, audience: 'https://vault.azure.net' });
    expect(authority.verify(token, 'https://vault.azure.net')).toEqual({ ok: true, clientId, objectId });
  });

  it('accepts exactly the audience Key Vault names: no trailing slash, no other case (AKV10022)', () => {
    const bare = authority.issue({ clientId, objectId, audience: 'https://vault.azure.net' }).token;
    expect(authority.verify(bare, 'https://vault.azure.net').ok).toBe(true);
    for (const audience of ['https://vault.azure.net/', 'https://Vault.azure.net']) {
      const token = authority.issue({ clientId, objectId, audience }).token;
      expect(authority.verify(token, 'https://vault.azure.net')).toEqual({
        ok: false,
        reason: `invalid audience ${audience} (expected https://vault.azure.net)`,
      });
    }
  });

  it("accepts Key Vault's application id as the audience (a token for scope cfa8b339-…/.default)", () => {
    const token = authority.issue({
      clientId,
      objectId,
      audience: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
    }).token;
    expect(authority.verify(token, 'https://vault.azure.net').ok).toBe(true);
    const other = authority.issue({
      clientId,
      objectId,
      audience: '00000002-0000-0000-c000-000000000000',
    }).token;
    expect(authority.verify(other, 'https://vault.azure.net').ok).toBe(false);
  });

  it('rejects another audience and says which', () => {
    const { token } = authority.issue({ clientId, objectId, audience: 'https://management.azure.com' });
    const result = authority.verify(token, 'https://vault.azure.net');
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining('invalid audience https://management.azure.com'),
    });
  });

  it('rejects an expired token with its expiry time', () => {
    const { token, expiresOn } = authority.issue({
      clientId,
      objectId,
      audience: 'https://vault.azure.net',
      expiresInSeconds: -5,
    });
    const result = authority.verify(token, 'https://vault.azure.net');
    expect(result).toEqual({
      ok: false,
      reason: `token expired at ${new Date(expiresOn * 1000).toISOString()}`,
    });
    const payload = decode(token.split('.')[1]);
    expect(payload.iat).toBeLessThan(payload.exp as number);
  });

  it('lets a token expire when its lifetime has passed', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const shortLived = new TokenAuthority({ tenantId, lifetimeSeconds: 60 });
    const { token } = shortLived.issue({ clientId, objectId, audience: 'https://vault.azure.net' });
    vi.setSystemTime(new Date('2030-01-01T00:00:59Z'));
    expect(shortLived.verify(token, 'https://vault.azure.net').ok).toBe(true);
    vi.setSystemTime(new Date('2030-01-01T00:01:05Z'));
    expect(shortLived.verify(token, 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: 'token expired at 2030-01-01T00:01:00.000Z',
    });
  });

  it('rejects a token that is not yet valid', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:10:00Z') });
    const { token } = authority.issue({ clientId, objectId, audience: 'https://vault.azure.net' });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    expect(authority.verify(token, 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: 'token not valid before 2030-01-01T00:10:00.000Z',
    });
  });

  it('uses a changed lifetime for tokens issued afterwards', () => {
    const adjustable = new TokenAuthority({ tenantId, lifetimeSeconds: 3600 });
    adjustable.lifetimeSeconds = 5;
    const { token, expiresOn } = adjustable.issue({
      clientId,
      objectId,
      audience: 'https://vault.azure.net',
    });
    expect(expiresOn - (decode(token.split('.')[1]).iat as number)).toBe(5);
  });

  it('rejects tampered payloads, foreign signatures and other algorithms', () => {
    const { token } = authority.issue({ clientId, objectId, audience: 'https://vault.azure.net' });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decode(payload), appid: randomUUID() })).toString(
      'base64url',
    );
    expect(authority.verify(`${header}.${forged}.${signature}`, 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: 'invalid signature',
    });

    const other = new TokenAuthority({ tenantId, lifetimeSeconds: 600 });
    const foreign = other.issue({ clientId, objectId, audience: 'https://vault.azure.net' }).token;
    expect(authority.verify(foreign, 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: 'invalid signature',
    });

    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(authority.verify(`${none}.${payload}.${signature}`, 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: expect.stringContaining('unsupported algorithm none'),
    });
    expect(authority.verify('not-a-jwt', 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: expect.stringContaining('malformed token'),
    });
    expect(authority.verify('a.b.c', 'https://vault.azure.net')).toEqual({
      ok: false,
      reason: expect.stringContaining('malformed token'),
    });
  });

  it('never puts anything but claims in the token', () => {
    const { token } = authority.issue({
      clientId,
      objectId,
      audience: 'https://vault.azure.net',
      resourceId: '/x',
    });
    expect(Object.keys(decode(token.split('.')[1])).sort()).toEqual(
      [
        'aio',
        'appid',
        'appidacr',
        'aud',
        'exp',
        'iat',
        'idp',
        'iss',
        'nbf',
        'oid',
        'rh',
        'sub',
        'tid',
        'uti',
        'ver',
        'xms_mirid',
      ].sort(),
    );
    expect(decode(token.split('.')[1]).xms_mirid).toBe('/x');
  });
});

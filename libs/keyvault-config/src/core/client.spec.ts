import type { TokenCredential } from '@azure/core-auth';
import { describe, expect, it } from 'vitest';
import { buildClientOptions, getVaultClient } from './client.js';
import { parseVaultUrl } from './vault-url.js';
import { THROTTLING_RETRY_POLICY_NAME } from './retry.js';

const credential: TokenCredential = {
  getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }),
};
const real = parseVaultUrl('https://my-vault.vault.azure.net');
const loopback = parseVaultUrl('https://127.0.0.1:8443');

describe('buildClientOptions', () => {
  it('disables challenge-resource verification only for loopback vaults', () => {
    expect(buildClientOptions(loopback, undefined, 4).disableChallengeResourceVerification).toBe(true);
    expect(buildClientOptions(real, undefined, 4).disableChallengeResourceVerification).toBeUndefined();
    expect(
      buildClientOptions(real, { disableChallengeResourceVerification: false }, 4)
        .disableChallengeResourceVerification,
    ).toBe(false);
  });

  it('allows plain http only for loopback http URLs', () => {
    expect(buildClientOptions(parseVaultUrl('http://localhost:8080'), undefined, 4)).toMatchObject({
      allowInsecureConnection: true,
    });
    expect(buildClientOptions(loopback, undefined, 4)).not.toHaveProperty('allowInsecureConnection');
  });

  it('passes client options through: the throttle first of the perRetry policies, the others after the caller’s', () => {
    const own = {
      policy: { name: 'own', sendRequest: async () => ({}) as never },
      position: 'perCall' as const,
    };
    const options = buildClientOptions(
      real,
      { tlsOptions: { ca: 'PEM' }, retryOptions: { retryDelayInMs: 5 }, additionalPolicies: [own] },
      2,
    );
    expect(options.tlsOptions).toEqual({ ca: 'PEM' });
    expect(options.retryOptions).toEqual({ retryDelayInMs: 5, maxRetries: 2 });
    expect(options.additionalPolicies!.map((p) => [p.policy.name, p.position])).toEqual([
      [THROTTLING_RETRY_POLICY_NAME, 'perRetry'],
      ['own', 'perCall'],
      ['keyVaultConfigResponseGuardPolicy', 'perCall'],
      ['keyVaultConfigErrorBodyPolicy', 'perCall'],
      ['keyVaultConfigTimelinePolicy', 'perRetry'],
    ]);
  });
});

describe('getVaultClient', () => {
  it('caches one client per vault, credential and client options', () => {
    const options = { tlsOptions: { ca: 'PEM' } };
    const a = getVaultClient(credential, real, options, 4);
    expect(getVaultClient(credential, real, options, 4)).toBe(a);
    expect(getVaultClient(credential, loopback, options, 4)).not.toBe(a);
    expect(getVaultClient(credential, real, { ...options }, 4)).not.toBe(a);
    expect(getVaultClient({ ...credential }, real, options, 4)).not.toBe(a);
    expect(getVaultClient(credential, real, options, 1)).not.toBe(a);
    expect(getVaultClient(credential, real, undefined, 4)).toBe(
      getVaultClient(credential, real, undefined, 4),
    );
    expect(a.client.vaultUrl).toBe('https://my-vault.vault.azure.net');
    expect(a.host).toBe('my-vault.vault.azure.net');
  });

  it('lets the first request go alone, then everyone', async () => {
    const client = getVaultClient(credential, parseVaultUrl('https://gate.vault.azure.net'), undefined, 4);
    const release = await client.enter();
    expect(release).toBeTypeOf('function');
    let second: unknown = 'pending';
    const waiting = client.enter().then((r) => (second = r));
    await Promise.resolve();
    expect(second).toBe('pending');
    release!();
    await waiting;
    expect(second).toBeUndefined();
    expect(await client.enter()).toBeUndefined();
  });
});

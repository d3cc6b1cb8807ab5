/**
 * Failures against the emulator through the real SDK: transient faults retried (503, connection reset,
 * 429 with and without Retry-After), retry budgets, the load deadline, unreachable vaults, TLS, the
 * credential, `optional: true`, all-or-nothing, and bad input. Every value carries the canary.
 */
import { CredentialUnavailableError, ManagedIdentityCredential } from '@azure/identity';
import type { FaultSpec, SeedSecret } from 'keyvault-emulator';
import {
  KeyVaultConfigError,
  loadKeyVaultSecrets,
  type KeyVaultLoadOnceOptions,
} from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';
import { closedPort } from '../support/ports.js';

const fx = useEmulator();

const SECRETS: SeedSecret[] = Array.from({ length: 6 }, (_, i) => ({ name: `S${i}`, value: secretValue(i) }));

async function setup(faults: Array<Omit<FaultSpec, 'vault'>> = [], secrets = SECRETS) {
  const vault = await fx.freshVault(secrets, {
    faults,
    // Short backoff keeps the file fast; the policy is the same.
    clientOptions: { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
  });
  const load = (options: Partial<KeyVaultLoadOnceOptions> = {}) =>
    loadKeyVaultSecrets(vault.options(options));
  return { ...vault, vault, load };
}

describe('transient failures are retried', () => {
  it.each([
    ['503 without Retry-After', { status: 503 }],
    ['503 with Retry-After', { status: 503, retryAfterSeconds: 0 }],
    ['a connection reset', { reset: true }],
    ['429 without Retry-After', { status: 429 }],
    ['429 with Retry-After', { status: 429, retryAfterSeconds: 0 }],
  ] as Array<[string, Omit<FaultSpec, 'vault'>]>)(
    'recovers from %s on get and list',
    async (_label, fault) => {
      const s = await setup([
        { ...fault, route: 'secrets.get', times: 3 },
        { ...fault, route: 'secrets.list', times: 2 },
      ]);
      const { config, report } = await s.load();
      expect(report.loaded).toBe(SECRETS.length);
      expect(config.S0).toBe(secretValue(0));
      expect(s.count('secrets.get', 200)).toBe(SECRETS.length);
      const faulted = fx.emulator.counters
        .log()
        .filter((e) => e.vault === s.name && e.fault !== undefined && e.fault !== 'latency');
      expect(faulted).toHaveLength(5);
      expectNoCanary(report, s.logger.lines);
    },
  );

  it('keeps retrying 429 past maxRetries until the deadline, then fails with THROTTLED and the counts', async () => {
    const s = await setup([{ route: 'secrets.get', status: 429 }]);
    const error = await rejectionOf(s.load({ maxRetries: 2, timeoutMs: 1500 }));
    expect(error.code).toBe('THROTTLED');
    expect(error.message).toContain('timeoutMs (1500 ms)');
    const received = Number(/: (\d+) responses 429/.exec(error.message)![1]);
    expect(received).toBeGreaterThan(3); // more than maxRetries + 1: throttling is bounded by the deadline
    expect(s.count('secrets.get', 429)).toBeGreaterThanOrEqual(received);
    expect(s.count('secrets.get', 200)).toBe(0);
    expectNoCanary(error, s.logger.lines);
  });

  it('gives up on 503 after maxRetries with VAULT_UNREACHABLE', async () => {
    const s = await setup([{ route: 'secrets.list', status: 503 }]);
    const error = await rejectionOf(s.load({ maxRetries: 1 }));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('503');
    expect(s.count('secrets.list', 503)).toBe(2); // first attempt + one retry
  });
});

describe('deadline and reachability', () => {
  it.each(['secrets.list', 'secrets.get'] as const)(
    'fails with TIMEOUT when %s never answers',
    async (route) => {
      const s = await setup([{ route, hang: true }]);
      const error = await rejectionOf(s.load({ timeoutMs: 300 }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('timeoutMs (300 ms)');
      expect(error.message).toContain(new URL(s.vault.url).host);
      expectNoCanary(error, s.logger.lines);
    },
  );

  it('fails with VAULT_UNREACHABLE when nothing listens', async () => {
    const port = await closedPort();
    const error = await rejectionOf(
      loadKeyVaultSecrets({
        vaultUrl: `https://127.0.0.1:${port}`,
        credential: new ManagedIdentityCredential(),
        clientOptions: { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 10 } },
        maxRetries: 1,
        env: {},
        logger: captureLogger(),
      }),
    );
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('explains an untrusted certificate', async () => {
    const s = await setup();
    const error = await rejectionOf(s.load({ clientOptions: {} }));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('TLS');
    expect(error.message).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('passes a credential failure through as CREDENTIAL_UNAVAILABLE', async () => {
    const s = await setup();
    // The real chain's failures are covered by the credential's own tests; here: the loader keeps them.
    const credential = {
      getToken: async () => {
        throw new CredentialUnavailableError(
          'ManagedIdentityCredential: no managed identity endpoint found.',
        );
      },
    };
    const error = await rejectionOf(s.load({ credential }));
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error.code).toBe('CREDENTIAL_UNAVAILABLE');
    expect(s.count('secrets.get')).toBe(0);
    expectNoCanary(error, s.logger.lines);
  });
});

describe('all or nothing', () => {
  it('never returns part of the secrets when one fetch fails', async () => {
    const s = await setup([{ route: 'secrets.get', status: 500, times: 100 }]);
    // The other fetches succeed or are cancelled; the load still fails as a whole.
    const error = await rejectionOf(s.load({ maxRetries: 0, concurrency: 2 }));
    expect(error.code).toBe('VAULT_UNREACHABLE');
  });

  it('with optional: true returns an empty config, the error in the report and one warning', async () => {
    const s = await setup([{ route: 'secrets.list', status: 403 }]);
    const { config, report } = await s.load({ optional: true });
    expect(config).toEqual({});
    expect(report.loaded).toBe(0);
    expect(report.entries).toEqual([]);
    expect(report.error?.code).toBe('ACCESS_DENIED');
    const warnings = s.logger.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('optional: true');
    expectNoCanary(report, s.logger.lines);
  });

  it('with optional: true also covers a missing vault URL', async () => {
    const logger = captureLogger();
    const { config, report } = await loadKeyVaultSecrets({ optional: true, env: {}, logger });
    expect(config).toEqual({});
    expect(report.error).toMatchObject({ code: 'INVALID_OPTIONS' });
    expect(report.error!.message).toContain('KEY_VAULT_URL');
    expect(logger.warnings()).toHaveLength(1);
  });
});

describe('bad input fails before any request', () => {
  it.each([
    [{ vaultUrl: 'not a url' }, '`vaultUrl`'],
    [{ vaultUrl: 'http://my-vault.vault.azure.net' }, 'loopback'],
    [{ vaultUrl: 'https://my-vault.vault.azure.net', secrets: ['bad_name'] }, '`secrets[0]`'],
    [{ vaultUrl: 'https://my-vault.vault.azure.net', concurrency: 0 }, '`concurrency`'],
    [{ vaultUrl: 'https://my-vault.vault.azure.net', timeoutMs: 0 }, '`timeoutMs`'],
    [{ vaultUrl: 'https://my-vault.vault.azure.net', expiredSecrets: 'sometimes' }, '`expiredSecrets`'],
    [{ vaultUrl: 'https://my-vault.vault.azure.net', vaults: [] }, '`vaults`'],
    [{}, 'KEY_VAULT_URL'],
  ] as Array<[KeyVaultLoadOnceOptions, string]>)('%j', async (options, text) => {
    const before = fx.emulator.counters.log().length;
    const error = await rejectionOf(loadKeyVaultSecrets({ env: {}, logger: captureLogger(), ...options }));
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.message).toContain(text);
    expect(fx.emulator.counters.log().length).toBe(before);
  });

  it('reads KEY_VAULT_URL from the environment', async () => {
    const s = await setup();
    const { report } = await loadKeyVaultSecrets({
      credential: new ManagedIdentityCredential(),
      clientOptions: { tlsOptions: { ca: fx.emulator.caCert } },
      env: { KEY_VAULT_URL: s.vault.url },
      logger: captureLogger(),
    });
    expect(report.loaded).toBe(SECRETS.length);
  });
});

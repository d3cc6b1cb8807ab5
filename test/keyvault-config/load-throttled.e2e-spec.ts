/**
 * Throttling as Key Vault throttles (the emulator's default: a per-vault 10-second window, 429 without
 * Retry-After, rejected requests not counted) through the real SDK: a load that needs more requests
 * than one window allows waits and completes within its deadline, reporting the 429s, the time it
 * waited and the lowest concurrency; it fails with THROTTLED (with those counts) only when the
 * deadline cannot be met. A vault host that does not resolve fails fast, naming the host.
 */
import type { SeedSecret } from 'keyvault-emulator';
import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
afterEach(() => fx.emulator.faults.setThrottle(undefined));

const seed = (n: number): SeedSecret[] =>
  Array.from({ length: n }, (_, i) => ({ name: `S${String(i).padStart(3, '0')}`, value: secretValue(i) }));

/** The 429s the emulator answered to this vault (list, gets and challenge alike). */
const throttledAt = (vault: string): number =>
  fx.emulator.counters.log().filter((e) => e.vault === vault && e.status === 429).length;

describe('a throttled vault', () => {
  it('slows a load down instead of failing it: every secret, within the deadline, with the figures', async () => {
    // 60 gets + 3 pages + the challenge need two windows at 40 per 10 s.
    const vault = await fx.freshVault(seed(60));
    fx.emulator.faults.setThrottle(40);
    const { config, report } = await loadKeyVaultSecrets(vault.options({ timeoutMs: 45_000, maxRetries: 1 }));

    expect(report.loaded).toBe(60);
    expect(config.S059).toBe(secretValue(59));
    // More 429s than any retry count: throttling is bounded by the deadline, not by maxRetries.
    expect(report.throttling.responses429).toBeGreaterThan(2);
    expect(report.throttling.responses429).toBe(throttledAt(vault.name));
    expect(report.throttling.waitedMs).toBeGreaterThan(0);
    expect(report.throttling.waitedMs).toBeLessThanOrEqual(report.elapsedMs);
    expect(report.throttling.lowestConcurrency).toBeLessThan(32);
    expect(report.throttling.lowestConcurrency).toBeGreaterThanOrEqual(1);
    const line = vault.logger.infos().find((l) => l.startsWith('Loaded 60 secrets'));
    expect(line).toContain(`(throttled: ${report.throttling.responses429} responses 429, waited `);
    expect(line).toContain(`concurrency down to ${report.throttling.lowestConcurrency})`);
    expectNoCanary(report, vault.logger.lines);
  }, 60_000);

  it('fails with THROTTLED, the 429s and the wait, when the deadline cannot be met', async () => {
    const vault = await fx.freshVault(seed(30));
    fx.emulator.faults.setThrottle(10);
    const error = await rejectionOf(loadKeyVaultSecrets(vault.options({ timeoutMs: 3000 })));
    expect(error.code).toBe('THROTTLED');
    expect(error.message).toContain(
      `Key Vault ${new URL(vault.options().vaultUrl!).host} kept throttling (429)`,
    );
    expect(error.message).toMatch(
      /: \d+ responses 429, \d+\.\d s spent waiting \(concurrency lowered to \d+\)/,
    );
    expect(error.message).toContain('timeoutMs (3000 ms)');
    const received = Number(/: (\d+) responses 429/.exec(error.message)![1]);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(throttledAt(vault.name));
    expectNoCanary(error, vault.logger.lines);
  });

  it('reports zero throttling when the vault did not throttle', async () => {
    const vault = await fx.freshVault(seed(3));
    const { report } = await loadKeyVaultSecrets(vault.options());
    expect(report.throttling).toEqual({ responses429: 0, waitedMs: 0, lowestConcurrency: 32 });
    expect(vault.logger.infos().find((l) => l.startsWith('Loaded 3 secrets'))).not.toContain('throttled');
  });
});

describe('a vault host that does not resolve', () => {
  it('fails fast with VAULT_UNREACHABLE naming the host, after one retry (not the SDK’s four)', async () => {
    const vault = await fx.freshVault([]);
    // `.invalid` never resolves (RFC 6761); the network guard answers ENOTFOUND without a DNS query.
    // Before the fix the SDK retried ENOTFOUND 4 times with 1-8 s backoff: TIMEOUT at 5 s.
    const error = await rejectionOf(
      loadKeyVaultSecrets(
        vault.options({
          vaultUrl: 'https://no-such-vault.vault.invalid',
          vaultDnsSuffix: 'vault.invalid',
          timeoutMs: 5000,
        }),
      ),
    );
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('no-such-vault.vault.invalid could not be resolved (ENOTFOUND)');
  });
});

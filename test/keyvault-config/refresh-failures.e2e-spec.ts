/**
 * A vault failing during refresh — 503, connection reset, 429 without Retry-After — through the core
 * watcher (the plain-Express API) against the emulator: the last-known-good values stay, one warning
 * per failure streak, health turns degraded then down, and recovery restores it with one log line.
 * No value in any log line, summary, state or health payload.
 */
import type { FaultSpec } from 'keyvault-emulator';
import {
  watchKeyVaultSecrets,
  type KeyVaultChangeEvent,
  type KeyVaultRefreshSummary,
} from 'nestjs-keyvault-config';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
afterEach(() => fx.emulator.faults.clear());

async function watch(options: { refreshInterval?: string; timeoutMs?: number } = {}) {
  const vault = await fx.freshVault(
    [
      { name: 'Db--Password', value: secretValue('db1') },
      { name: 'Api-Key', value: secretValue('api') },
    ],
    // Fast retries: each failing cycle gives up after one quick retry.
    { clientOptions: { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } } },
  );
  const watcher = fx.afterTest(
    await watchKeyVaultSecrets(vault.options({ maxRetries: 1, ...options })),
    (w) => w.stop(),
  );
  return { name: vault.name, handle: vault.handle, watcher, logger: vault.logger };
}

const failureWarnings = (lines: string[]) =>
  lines.filter((l) => l.startsWith('warn ') && l.includes('refresh failed'));

describe('refresh failures', () => {
  it('keeps the last-known-good values through 503, reset and 429, warns once, goes degraded then down, recovers', async () => {
    // A persistent 429 is waited out until the cycle's deadline (not a retry count): keep it short.
    const { name, handle, watcher, logger } = await watch({ timeoutMs: 2000 });
    const summaries: KeyVaultRefreshSummary[] = [];
    watcher.on('refresh', (s) => summaries.push(s));
    expect(watcher.health()).toMatchObject({ status: 'up', secrets: 2, consecutiveFailures: 0 });

    // The secret rotates while the vault is failing: the old value stays until a cycle succeeds.
    handle.setSecret({ name: 'Db--Password', value: secretValue('db2') });

    const faults: Array<[FaultSpec, string, 'degraded' | 'down']> = [
      [{ route: 'secrets.list', vault: name, status: 503 }, 'VAULT_UNREACHABLE', 'degraded'],
      [{ route: 'secrets.list', vault: name, reset: true }, 'VAULT_UNREACHABLE', 'degraded'],
      [{ route: 'secrets.list', vault: name, status: 429 }, 'THROTTLED', 'down'],
    ];
    for (const [i, [fault, code, health]] of faults.entries()) {
      fx.emulator.faults.clear();
      fx.emulator.faults.add(fault);
      const summary = await watcher.refresh();
      expect(summary).toMatchObject({
        ok: false,
        error: { code },
        changes: { added: [], updated: [], removed: [] },
      });
      expect(watcher.get('Db.Password')).toBe(secretValue('db1'));
      expect(watcher.state).toMatchObject({ consecutiveFailures: i + 1, lastError: { code } });
      expect(watcher.health()).toMatchObject({ status: health, consecutiveFailures: i + 1, lastError: code });
    }
    expect(failureWarnings(logger.lines)).toHaveLength(1);
    expect(failureWarnings(logger.lines)[0]).toContain('VAULT_UNREACHABLE');
    expect(failureWarnings(logger.lines)[0]).toContain('last-known-good');
    expect(watcher.health(10).status).toBe('degraded'); // a caller's own threshold

    fx.emulator.faults.clear();
    const recovered = await watcher.refresh();
    expect(recovered.ok).toBe(true);
    expect(recovered.changes.updated.map((c) => c.key)).toEqual(['Db.Password']);
    expect(watcher.get('Db.Password')).toBe(secretValue('db2'));
    expect(watcher.health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
    expect(watcher.health().lastError).toBeUndefined();
    expect(logger.infos().filter((l) => l.includes('recovered'))).toHaveLength(1);

    // A new streak warns again, once.
    fx.emulator.faults.add({ route: 'secrets.list', vault: name, status: 503 });
    await watcher.refresh();
    await watcher.refresh();
    expect(failureWarnings(logger.lines)).toHaveLength(2);

    expect(summaries).toHaveLength(6);
    expectNoCanary(logger.lines, summaries, watcher.state, watcher.health(), watcher.report);
  });

  it('a failure in a fetch (not the list) fails the whole cycle: nothing of it is applied', async () => {
    const { name, handle, watcher } = await watch();
    handle.setSecret({ name: 'Db--Password', value: secretValue('db2') });
    handle.setSecret({ name: 'Api-Key', value: secretValue('api2') });
    fx.emulator.faults.add({ route: 'secrets.get', vault: name, status: 503 });
    const changes: KeyVaultChangeEvent[] = [];
    watcher.on('change', (e) => changes.push(e));
    expect((await watcher.refresh()).ok).toBe(false);
    expect(watcher.config).toEqual({ Db: { Password: secretValue('db1') }, Api_Key: secretValue('api') });
    expect(changes).toEqual([]);
    fx.emulator.faults.clear();
    expect((await watcher.refresh()).ok).toBe(true);
    expect(changes).toHaveLength(1);
    expect(watcher.config).toEqual({ Db: { Password: secretValue('db2') }, Api_Key: secretValue('api2') });
  });
});

describe('core watcher', () => {
  it('replaces config per changing cycle, emits change and onKeyChange, and stops', async () => {
    const { handle, watcher } = await watch({ refreshInterval: '1s' });
    const before = watcher.config;
    const seen: string[][] = [];
    const unsubscribe = watcher.onKeyChange('Db', (changes) => seen.push(changes.map((c) => c.key)));
    const changed = new Promise<KeyVaultChangeEvent>((resolve) => watcher.on('change', resolve));
    handle.setSecret({ name: 'Db--Password', value: secretValue('db2') });
    const event = await changed; // the 1 s timer picks it up
    expect(event.updated.map((c) => c.key)).toEqual(['Db.Password']);
    expect(seen).toEqual([['Db.Password']]);
    expect(watcher.get('Db.Password')).toBe(secretValue('db2'));
    expect(before).toEqual({ Db: { Password: secretValue('db1') }, Api_Key: secretValue('api') }); // untouched
    unsubscribe();

    await watcher.stop();
    expect(watcher.state).toMatchObject({ stopped: true, nextRefreshAt: undefined });
    expect(await watcher.refresh()).toMatchObject({ ok: false, error: { code: 'STOPPED' } });
  });
});

/**
 * Refresh in explicit mode with an identity that may get but not list (listing answers 403): every
 * cycle gets each named secret and never lists; rotations, disabled and deleted secrets take effect
 * without failing the cycle; a pinned version never moves. Also: refresh keeps working across token
 * expiry (the emulator issues short-lived tokens).
 */
import { watchKeyVaultSecrets, type KeyVaultConfigOptions } from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, secretValue } from '../support/load-harness.js';

const fx = useEmulator();

async function setup() {
  const vault = await fx.freshVault(
    [
      { name: 'Db--Password', value: secretValue('db1') },
      { name: 'Api-Key', value: secretValue('api1') },
      { name: 'Old', value: secretValue('old1') },
    ],
    // Get-only: this identity's list requests are refused.
    { faults: [{ route: 'secrets.list', status: 403 }] },
  );
  const watch = async (options: Partial<KeyVaultConfigOptions>) =>
    fx.afterTest(await watchKeyVaultSecrets(vault.options(options)), (w) => w.stop());
  return { ...vault, clientId: vault.identity.clientId, watch };
}

const count = (vault: string, route: 'secrets.list' | 'secrets.get') =>
  fx.emulator.counters.count({ route, vault });

describe('explicit mode refresh with a get-only identity', () => {
  it('gets each named secret per cycle, never lists, and applies rotations and revocations', async () => {
    const s = await setup();
    const pinned = s.handle.setSecret({ name: 'Old', value: secretValue('old2') });
    const logger = captureLogger();
    const watcher = await s.watch({
      logger,
      secrets: ['Db--Password', { name: 'Api-Key', key: 'Api.Key' }, { name: 'Old', version: pinned }],
    });
    expect(watcher.config).toEqual({
      Db: { Password: secretValue('db1') },
      Api: { Key: secretValue('api1') },
      Old: secretValue('old2'),
    });
    const gets = count(s.name, 'secrets.get');

    const rotated = s.handle.setSecret({ name: 'Db--Password', value: secretValue('db2') });
    s.handle.setSecret({ name: 'Old', value: secretValue('old3') }); // the pinned key must not move
    const first = await watcher.refresh();
    expect(first.ok).toBe(true);
    expect(first.changes.updated).toEqual([
      expect.objectContaining({ key: 'Db.Password', secretName: 'Db--Password', version: rotated }),
    ]);
    expect(watcher.get('Db.Password')).toBe(secretValue('db2'));
    expect(watcher.get('Old')).toBe(secretValue('old2'));
    expect(count(s.name, 'secrets.get') - gets).toBe(3);

    // Revocation takes effect without failing the cycle (a failed cycle would keep the revoked value).
    s.handle.updateSecret('Api-Key', { enabled: false });
    s.handle.deleteSecret('Db--Password');
    const second = await watcher.refresh();
    expect(second.ok).toBe(true);
    expect(second.changes.removed).toHaveLength(2);
    expect(second.changes.removed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'Api.Key', reason: 'disabled' }),
        expect.objectContaining({ key: 'Db.Password', reason: 'deleted' }),
      ]),
    );
    expect(watcher.config).toEqual({ Old: secretValue('old2') });

    s.handle.updateSecret('Api-Key', { enabled: true });
    const third = await watcher.refresh();
    expect(third.changes.added).toEqual([expect.objectContaining({ key: 'Api.Key' })]);
    expect(watcher.get('Api.Key')).toBe(secretValue('api1'));

    expect(count(s.name, 'secrets.list')).toBe(0);
    expect(watcher.health().status).toBe('up');
    expectNoCanary(logger.lines, first, second, third, watcher.report, watcher.state);
  });
});

describe('token expiry', () => {
  it('keeps refreshing after the token it started with has expired', async () => {
    const s = await setup();
    fx.emulator.setTokenLifetime(2);
    try {
      const watcher = await s.watch({ logger: captureLogger(), secrets: ['Db--Password'] });
      const tokens = fx.emulator.counters.count({ route: 'identity.appservice', clientId: s.clientId });
      // Outlive the token (2 s plus the emulator's 1 s clock skew allowance): waiting, not timing.
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      s.handle.setSecret({ name: 'Db--Password', value: secretValue('db2') });
      const summary = await watcher.refresh();
      expect(summary.ok).toBe(true);
      expect(watcher.get('Db.Password')).toBe(secretValue('db2'));
      expect(
        fx.emulator.counters.count({ route: 'identity.appservice', clientId: s.clientId }),
      ).toBeGreaterThan(tokens);
    } finally {
      fx.emulator.setTokenLifetime(3600);
    }
  });
});

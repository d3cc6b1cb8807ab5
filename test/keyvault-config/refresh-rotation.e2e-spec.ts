/**
 * Secret rotation without restart, through the Nest module against the emulator and the real SDK:
 * rotated, added, disabled, re-enabled, deleted and expired secrets reach ConfigService after the next
 * cycle; an unchanged vault costs only the list pages; references follow or stay pinned; a collision
 * fails the cycle and keeps the last-known-good values. Every value carries the canary.
 */
import { ConfigService } from '@nestjs/config';
import type { SeedSecret } from 'keyvault-emulator';
import {
  KeyVaultConfigModule,
  KeyVaultConfigWatcher,
  type KeyVaultChangeEvent,
  type KeyVaultConfigModuleOptions,
  type KeyVaultKeyChange,
} from 'nestjs-keyvault-config';
import { firstValueFrom, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, secretValue } from '../support/load-harness.js';
import { bootApp } from '../support/nest-app.js';

const fx = useEmulator();

/**
 * A fresh vault and identity, and a Nest app that loaded it (refresh on demand unless told otherwise).
 * `settle`: let the seeded secrets age first (see the unchanged-cycle test).
 */
async function boot(
  secrets: SeedSecret[],
  options: Partial<KeyVaultConfigModuleOptions> = {},
  settle = false,
) {
  const vault = await fx.freshVault(secrets);
  if (settle) await new Promise((resolve) => setTimeout(resolve, 2_100));
  const { logger } = vault;
  const app = await bootApp(fx, [
    await KeyVaultConfigModule.forRoot(vault.options({ ignoreEnvFile: true, ...options })),
  ]);
  const secretsService = app.get(KeyVaultConfigWatcher);
  const config = app.get(ConfigService);
  const events: KeyVaultChangeEvent[] = [];
  const configChanges: string[] = [];
  unsubscribeAfterTest(
    secretsService.changes$.subscribe((e) => events.push(e)),
    config.changes$.subscribe((e) => configChanges.push(e.path)),
  );
  return {
    name: vault.name,
    vault,
    handle: vault.handle,
    logger,
    secrets: secretsService,
    config,
    events,
    configChanges,
  };
}

/** Ends these subscriptions after the running test (before its app closes). */
function unsubscribeAfterTest(...subscriptions: Subscription[]): void {
  for (const subscription of subscriptions) fx.afterTest(subscription, (s) => s.unsubscribe());
}

const count = (vault: string, route: 'secrets.list' | 'secrets.get') =>
  fx.emulator.counters.count({ route, vault, status: 200 });

describe('refresh', () => {
  it('applies a rotated secret after the next cycle: ConfigService, changes$ once, ConfigService.changes$', async () => {
    const s = await boot([
      { name: 'Db--Password', value: secretValue('v1') },
      { name: 'Api-Key', value: secretValue('api') },
    ]);
    expect(s.config.get('Db.Password')).toBe(secretValue('v1'));
    const oldVersion = s.secrets.entry('Db.Password')!.version;

    const newVersion = s.handle.setSecret({ name: 'Db--Password', value: secretValue('v2') });
    const summary = await s.secrets.refresh();

    expect(summary.ok).toBe(true);
    expect(s.config.get('Db.Password')).toBe(secretValue('v2'));
    expect(s.config.get('Api_Key')).toBe(secretValue('api'));
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({
      added: [],
      removed: [],
      updated: [
        {
          key: 'Db.Password',
          secretName: 'Db--Password',
          kind: 'updated',
          version: newVersion,
          previousVersion: oldVersion,
          vault: new URL(s.vault.url).host,
        },
      ],
    });
    expect(summary.changes).toEqual(s.events[0]);
    expect(s.configChanges).toEqual(['Db.Password']);
    expect(s.secrets.entry('Db.Password')!.version).toBe(newVersion);
    expect(s.secrets.state).toMatchObject({ consecutiveFailures: 0, loaded: 2 });
    // The environment never receives a value (ConfigService.set would put one there).
    expect(JSON.stringify(process.env)).not.toContain(secretValue('v2'));
    expectNoCanary(s.events, summary, s.secrets.report, s.secrets.state, s.logger.lines);

    // The next cycle finds nothing new: no event.
    expect((await s.secrets.refresh()).changes.updated).toEqual([]);
    expect(s.events).toHaveLength(1);
  });

  it('on the interval timer too, once the app has bootstrapped', async () => {
    const s = await boot([{ name: 'Timed', value: secretValue('t1') }], { refreshInterval: '1s' });
    expect(s.secrets.state.intervalMs).toBe(1000);
    expect(s.secrets.state.nextRefreshAt).toBeInstanceOf(Date);
    const next = firstValueFrom(s.secrets.changesFor('Timed'));
    s.handle.setSecret({ name: 'Timed', value: secretValue('t2') });
    expect(await next).toMatchObject({ key: 'Timed', kind: 'updated' });
    expect(s.config.get('Timed')).toBe(secretValue('t2'));
  });

  it('an unchanged cycle costs ⌈N/25⌉ list requests and no get; k changes cost k gets', async () => {
    const n = 60;
    // A listing has no versions and one-second timestamps: a secret fetched within about two seconds
    // of its last change is fetched once more to be sure (a same-second rotation would look the same).
    // Seeded secrets that have aged that long are what an unchanged vault looks like.
    const s = await boot(
      Array.from({ length: n }, (_, i) => ({ name: `Item-${i}`, value: secretValue(i) })),
      {},
      true,
    );
    const lists = count(s.name, 'secrets.list');
    const gets = count(s.name, 'secrets.get');
    expect(gets).toBe(n);

    expect((await s.secrets.refresh()).ok).toBe(true);
    expect(count(s.name, 'secrets.list') - lists).toBe(Math.ceil(n / 25));
    expect(count(s.name, 'secrets.get') - gets).toBe(0);
    expect(s.events).toEqual([]);

    s.handle.setSecret({ name: 'Item-7', value: secretValue('7b') });
    s.handle.setSecret({ name: 'Item-8', value: secretValue('8b') });
    s.handle.setSecret({ name: 'Item-New', value: secretValue('new') });
    const summary = await s.secrets.refresh();
    expect(count(s.name, 'secrets.list') - lists).toBe(2 * Math.ceil((n + 1) / 25));
    expect(count(s.name, 'secrets.get') - gets).toBe(3);
    expect(summary.changes.updated.map((c) => c.key).sort()).toEqual(['Item_7', 'Item_8']);
    expect(summary.changes.added.map((c) => c.key)).toEqual(['Item_New']);
    expect(s.config.get('Item_New')).toBe(secretValue('new'));
    expect(s.secrets.state.loaded).toBe(n + 1);
  });

  it('removes a disabled secret (reported), brings it back when re-enabled, removes a deleted one', async () => {
    const s = await boot([
      { name: 'Leaked-Key', value: secretValue('leaked') },
      { name: 'Stays', value: secretValue('stays') },
      { name: 'Gone', value: secretValue('gone') },
    ]);
    s.handle.updateSecret('Leaked-Key', { enabled: false });
    s.handle.deleteSecret('Gone');
    const removed = await s.secrets.refresh();

    expect(removed.changes.removed).toHaveLength(2);
    expect(removed.changes.removed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: 'Leaked_Key',
          secretName: 'Leaked-Key',
          kind: 'removed',
          reason: 'disabled',
        }),
        expect.objectContaining({ key: 'Gone', secretName: 'Gone', kind: 'removed', reason: 'deleted' }),
      ]),
    );
    // Revocation takes effect: no stale value from ConfigService, its cache or process.env.
    expect(s.config.get('Leaked_Key')).toBeUndefined();
    expect(s.config.get('Leaked_Key', 'fallback')).toBe('fallback');
    expect(() => s.config.getOrThrow('Gone')).toThrow('"Gone" does not exist');
    expect(process.env.Leaked_Key).toBeUndefined();
    expect(s.config.get('Stays')).toBe(secretValue('stays'));
    expect(s.secrets.entry('Leaked_Key')).toMatchObject({ status: 'skipped', reason: 'disabled' });
    expect(s.configChanges.sort()).toEqual(['Gone', 'Leaked_Key']);

    s.handle.updateSecret('Leaked-Key', { enabled: true });
    const back = await s.secrets.refresh();
    expect(back.changes.added).toEqual([expect.objectContaining({ key: 'Leaked_Key', kind: 'added' })]);
    expect(s.config.get('Leaked_Key')).toBe(secretValue('leaked'));
    expect(s.events).toHaveLength(2);
    expectNoCanary(s.events, s.secrets.report, s.logger.lines);
  });

  it('does not serve a removed value from ConfigService’s cache (cache: true)', async () => {
    const s = await boot([{ name: 'Cached', value: secretValue('c1') }], { configModule: { cache: true } });
    s.handle.setSecret({ name: 'Cached', value: secretValue('c2') });
    await s.secrets.refresh();
    expect(s.config.get('Cached')).toBe(secretValue('c2'));
    s.handle.deleteSecret('Cached');
    await s.secrets.refresh();
    expect(s.config.get('Cached')).toBeUndefined();
  });

  it('re-applies the expiry policy every cycle', async () => {
    const s = await boot([{ name: 'Cert-Pass', value: secretValue('cert') }], { expiredSecrets: 'skip' });
    s.handle.updateSecret('Cert-Pass', { expires: Math.floor(Date.now() / 1000) - 60 });
    const summary = await s.secrets.refresh();
    expect(summary.changes.removed).toEqual([
      expect.objectContaining({ key: 'Cert_Pass', reason: 'expired' }),
    ]);
    expect(s.config.get('Cert_Pass')).toBeUndefined();
  });

  it('JSON secrets: a changed document is one updated key, observable from a key inside it', async () => {
    const s = await boot([
      {
        name: 'Database',
        value: JSON.stringify({ host: 'db1', password: secretValue('j1') }),
        contentType: 'application/json',
      },
    ]);
    expect(s.config.get('Database.host')).toBe('db1');
    const seen: KeyVaultKeyChange[] = [];
    unsubscribeAfterTest(s.secrets.changesFor('Database.password').subscribe((c) => seen.push(c)));
    s.handle.setSecret({
      name: 'Database',
      value: JSON.stringify({ host: 'db2', password: secretValue('j2') }),
      contentType: 'application/json',
    });
    await s.secrets.refresh();
    expect(s.config.get('Database.password')).toBe(secretValue('j2'));
    expect(s.config.get('Database.host')).toBe('db2');
    expect(seen).toEqual([expect.objectContaining({ key: 'Database', kind: 'updated' })]);
  });

  it('changesFor(key) emits only the changes of that key', async () => {
    const s = await boot([
      { name: 'Db--Password', value: secretValue('d1') },
      { name: 'Other', value: secretValue('o1') },
    ]);
    const forDb: KeyVaultKeyChange[] = [];
    const forDatabaseTree: KeyVaultKeyChange[] = [];
    unsubscribeAfterTest(
      s.secrets.changesFor('Db.Password').subscribe((c) => forDb.push(c)),
      s.secrets.changesFor('Db').subscribe((c) => forDatabaseTree.push(c)),
    );
    s.handle.setSecret({ name: 'Other', value: secretValue('o2') });
    await s.secrets.refresh();
    expect(forDb).toEqual([]);
    s.handle.setSecret({ name: 'Db--Password', value: secretValue('d2') });
    await s.secrets.refresh();
    expect(forDb).toEqual([expect.objectContaining({ key: 'Db.Password', kind: 'updated' })]);
    expect(forDatabaseTree).toHaveLength(1);
  });

  it('a key collision appearing in a cycle fails it and keeps the last-known-good values', async () => {
    const s = await boot([{ name: 'Db', value: secretValue('d1') }]);
    s.handle.setSecret({ name: 'Db', value: secretValue('d2') });
    // 'Db--Host' needs 'Db' to be an object: a value and an object on one path.
    s.handle.setSecret({ name: 'Db--Host', value: secretValue('clash') });
    const summary = await s.secrets.refresh();
    expect(summary).toMatchObject({ ok: false, error: { code: 'KEY_COLLISION' } });
    expect(s.config.get('Db')).toBe(secretValue('d1'));
    expect(s.events).toEqual([]);
    expect(s.secrets.state).toMatchObject({ consecutiveFailures: 1, lastError: { code: 'KEY_COLLISION' } });
    expect(s.logger.warnings().filter((w) => w.includes('KEY_COLLISION'))).toHaveLength(1);
    expectNoCanary(summary, s.logger.lines, s.secrets.state);
  });

  it('a rotated value that fails validationSchema fails the cycle; the old value stays', async () => {
    const s = await boot([{ name: 'Port', value: '8080' }], {
      validationSchema: z.object({ Port: z.string().regex(/^\d+$/) }),
    });
    s.handle.setSecret({ name: 'Port', value: secretValue('not-a-number') });
    const summary = await s.secrets.refresh();
    expect(summary).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(s.config.get('Port')).toBe('8080');
    expectNoCanary(summary, s.logger.lines);
  });

  it('references without a version follow the secret; pinned ones stay', async () => {
    const vault = await fx.freshVault([{ name: 'Shared', value: secretValue('r1') }]);
    const { handle } = vault;
    const pinned = handle.setSecret({ name: 'Pinned', value: secretValue('p1') });
    const app = await bootApp(fx, [
      await KeyVaultConfigModule.forRoot({
        credential: vault.credential(),
        clientOptions: fx.clientOptions(),
        ignoreEnvFile: true,
        logger: captureLogger(),
        env: {
          SHARED_SECRET: `@Microsoft.KeyVault(SecretUri=${vault.url}/secrets/Shared)`,
          PINNED_SECRET: `@Microsoft.KeyVault(SecretUri=${vault.url}/secrets/Pinned/${pinned})`,
        },
      }),
    ]);
    const config = app.get(ConfigService);
    const secrets = app.get(KeyVaultConfigWatcher);
    expect(config.get('SHARED_SECRET')).toBe(secretValue('r1'));

    const shared2 = handle.setSecret({ name: 'Shared', value: secretValue('r2') });
    handle.setSecret({ name: 'Pinned', value: secretValue('p2') });
    const summary = await secrets.refresh();
    expect(summary.changes.updated).toEqual([
      expect.objectContaining({ key: 'SHARED_SECRET', secretName: 'Shared', version: shared2 }),
    ]);
    expect(config.get('SHARED_SECRET')).toBe(secretValue('r2'));
    expect(config.get('PINNED_SECRET')).toBe(secretValue('p1'));
  });
});

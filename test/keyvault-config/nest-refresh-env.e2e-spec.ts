/**
 * No vault value in process.env, not even while ConfigService.changes$ subscribers run (issue 9, item
 * 5). ConfigService.set writes String(value) into process.env and emits synchronously; before the fix
 * the bridge restored the environment only after set returned, so a subscriber — and a child process it
 * spawned — saw the rotated secret in its environment.
 */
import { ConfigService } from '@nestjs/config';
import { spawnSync } from 'node:child_process';
import { KeyVaultConfigModule, KeyVaultConfigWatcher } from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { CANARY, secretValue } from '../support/load-harness.js';
import { bootApp } from '../support/nest-app.js';

const fx = useEmulator();

describe('ConfigService.changes$ subscribers during a rotation', () => {
  it('see the change as set(key) reports it, and no vault value in process.env or a child env', async () => {
    const vault = await fx.freshVault([
      { name: 'Db--Password', value: secretValue('e1') },
      { name: 'Api-Key', value: secretValue('k1') },
    ]);
    const app = await bootApp(fx, [
      await KeyVaultConfigModule.forRoot(vault.options({ ignoreEnvFile: true })),
    ]);
    const watcher = app.get(KeyVaultConfigWatcher);
    const config = app.get(ConfigService);
    const events: Array<{ path: string; oldValue: unknown; newValue: unknown }> = [];
    const environments: string[] = [];
    const children: string[] = [];
    const subscription = config.changes$.subscribe((event) => {
      events.push(event);
      environments.push(JSON.stringify(process.env));
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], {
        encoding: 'utf8',
      });
      children.push(child.stdout);
    });
    fx.afterTest(subscription, (s) => s.unsubscribe());

    vault.handle.setSecret({ name: 'Db--Password', value: secretValue('e2') });
    vault.handle.deleteSecret('Api-Key');
    const summary = await watcher.refresh();
    expect(summary.ok).toBe(true);
    expect(config.get('Db.Password')).toBe(secretValue('e2'));
    expect(config.get('Api_Key')).toBeUndefined();

    expect(events).toEqual([
      { path: 'Api_Key', oldValue: secretValue('k1'), newValue: undefined },
      { path: 'Db.Password', oldValue: secretValue('e1'), newValue: secretValue('e2') },
    ]);
    expect(children).toHaveLength(2);
    for (const seen of [...environments, ...children]) {
      expect(seen.length).toBeGreaterThan(2);
      expect(seen).not.toContain(CANARY);
    }
    expect(JSON.stringify(process.env)).not.toContain(CANARY);
  });
});

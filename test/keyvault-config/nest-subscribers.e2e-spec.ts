/**
 * Subscribers of changes$ / changesFor cannot hurt the library: one that throws (the README's "rebuild
 * the pool on rotation" when the new secret is bad), or one whose piped operator throws, is logged once
 * with the stream, the key and the error's type — never its message — and the refresh, the other
 * subscribers and later cycles go on. Before the fix rxjs rethrew asynchronously: an uncaught exception.
 */
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { KeyVaultConfigModule, KeyVaultConfigWatcher } from 'nestjs-keyvault-config';
import { map } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { CANARY, secretValue } from '../support/load-harness.js';
import { bootApp } from '../support/nest-app.js';

const fx = useEmulator();

describe('a throwing subscriber', () => {
  it('is logged once with its key and error type; the refresh and the other subscribers go on', async () => {
    const vault = await fx.freshVault([{ name: 'Db--Password', value: secretValue('d1') }]);
    const app = await bootApp(fx, [
      await KeyVaultConfigModule.forRoot(vault.options({ ignoreEnvFile: true })),
    ]);
    const watcher = app.get(KeyVaultConfigWatcher);
    const config = app.get(ConfigService);
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    fx.afterTest(errors, (spy) => spy.mockRestore());
    const seen: string[] = [];
    const subscriptions = [
      watcher.changesFor('Db.Password').subscribe(() => {
        throw new TypeError(`pool refused ${String(config.get('Db.Password'))}`);
      }),
      watcher.changes$.pipe(map(() => JSON.parse('{bad') as unknown)).subscribe(),
      watcher.changes$.subscribe((event) => seen.push(...event.updated.map((c) => c.key))),
    ];
    for (const s of subscriptions) fx.afterTest(s, (sub) => sub.unsubscribe());

    for (const round of ['d2', 'd3']) {
      vault.handle.setSecret({ name: 'Db--Password', value: secretValue(round) });
      const summary = await watcher.refresh();
      expect(summary.ok).toBe(true);
      expect(config.get('Db.Password')).toBe(secretValue(round));
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // rxjs rethrew on a timer
    expect(seen).toEqual(['Db.Password', 'Db.Password']);
    const lines = errors.mock.calls.map((call) => String(call[0]));
    expect(
      lines.filter((l) => l.includes("changesFor('Db.Password')") && l.includes('TypeError')),
    ).toHaveLength(1);
    expect(lines.filter((l) => l.includes("'changes$'") && l.includes('SyntaxError'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(CANARY);
  });
});

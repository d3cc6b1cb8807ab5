/**
 * The startup load's timeline (`report.timeline`): challenge → token → list pages → gets on the wire,
 * with milliseconds, names only. Recorded by the startup load; refresh cycles' reports keep it; a load
 * that fails under `optional: true` still has it.
 */
import { loadKeyVaultSecrets, watchKeyVaultSecrets } from 'nestjs-keyvault-config';
import { expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, secretValue } from '../support/load-harness.js';

const fx = useEmulator();

const seed = (count: number): Array<{ name: string; value: string }> =>
  Array.from({ length: count }, (_, i) => ({
    name: `S${String(i).padStart(2, '0')}`,
    value: secretValue(i),
  }));

it('a cold load: one challenge, the token, every list page with its count, every get by name, in order', async () => {
  const vault = await fx.freshVault(seed(30));
  const { report } = await loadKeyVaultSecrets(vault.options());
  expectNoCanary(report, vault.logger.lines);
  const timeline = report.timeline!;
  expect(timeline.slice(0, 3).map((e) => [e.step, e.vault, e.status])).toEqual([
    ['challenge', vault.host, 401],
    ['token', vault.host, undefined],
    ['list', vault.host, 200],
  ]);
  // Key Vault pages by 25: two pages for 30 secrets.
  expect(timeline.filter((e) => e.step === 'list').map((e) => [e.page, e.items])).toEqual([
    [1, 25],
    [2, 5],
  ]);
  const gets = timeline.filter((e) => e.step === 'get');
  expect(gets.map((e) => e.secretName).sort()).toEqual(report.entries.map((e) => e.secretName).sort());
  expect(gets.every((e) => e.status === 200)).toBe(true);
  const [challenge, token, page1] = timeline;
  // One after the other (each figure is rounded to the millisecond on its own, hence the 1).
  expect(token!.startMs).toBeGreaterThanOrEqual(challenge!.startMs + challenge!.durationMs - 1);
  expect(page1!.startMs).toBeGreaterThanOrEqual(token!.startMs + token!.durationMs - 1);
});

it('the reports of refresh cycles keep the startup timeline', async () => {
  const vault = await fx.freshVault(seed(2));
  const watcher = fx.afterTest(await watchKeyVaultSecrets(vault.options()), (w) => w.stop());
  const startup = watcher.report.timeline!;
  expect(startup.map((e) => e.step)).toEqual(['challenge', 'token', 'list', 'get', 'get']);
  const summary = await watcher.refresh();
  expect(summary.ok).toBe(true);
  expect(watcher.report.timeline).toEqual(startup);
});

it('optional: true — a failed load still says how far it got', async () => {
  const vault = await fx.freshVault(seed(1), { role: 'none' });
  const { report } = await loadKeyVaultSecrets(vault.options({ optional: true }));
  expect(report.error?.code).toBe('ACCESS_DENIED');
  expect(report.timeline!.map((e) => [e.step, e.vault, e.status])).toEqual([
    ['challenge', vault.host, 401],
    ['token', vault.host, undefined],
    ['list', vault.host, 403],
  ]);
});

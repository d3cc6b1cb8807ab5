/**
 * The startup load's timeline (`report.timeline`): challenge → token → list pages → gets on the wire,
 * with milliseconds, names only. Recorded by the startup load; refresh cycles keep it; a load that
 * fails under `optional: true` still has it.
 */
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential } from '@azure/identity';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import {
  loadKeyVaultSecrets,
  watchKeyVaultSecrets,
  type KeyVaultConfigOptions,
} from 'nestjs-keyvault-config';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { captureLogger, expectNoCanary, secretValue } from '../support/load-harness.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator?.close());

/** A fresh vault of `count` secrets and a fresh identity, so the load starts cold (challenge and token). */
async function coldOptions(count: number): Promise<KeyVaultConfigOptions & { host: string }> {
  const name = `t-${randomUUID().slice(0, 8)}`;
  const seed = Array.from({ length: count }, (_, i) => ({
    name: `S${String(i).padStart(2, '0')}`,
    value: secretValue(i),
  }));
  const vault = await emulator.addVault(name, { seed });
  const { clientId } = emulator.addIdentity({ clientId: randomUUID(), role: 'user' });
  return {
    host: new URL(vault.url).host,
    vaultUrl: vault.url,
    credential: new ManagedIdentityCredential({ clientId }),
    clientOptions: { tlsOptions: { ca: emulator.caCert } },
    env: {},
    logger: captureLogger(),
  };
}

it('a cold load: one challenge, the token, every list page with its count, every get by name, in order', async () => {
  const { host, ...options } = await coldOptions(30);
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  try {
    const { report } = await loadKeyVaultSecrets(options);
    expectNoCanary(report);
    const timeline = report.timeline!;
    expect(timeline.slice(0, 3).map((e) => [e.step, e.vault, e.status])).toEqual([
      ['challenge', host, 401],
      ['token', host, undefined],
      ['list', host, 200],
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
  } finally {
    delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  }
});

it('the reports of refresh cycles keep the startup timeline', async () => {
  const { host: _host, ...options } = await coldOptions(2);
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  const watcher = await watchKeyVaultSecrets(options);
  try {
    const startup = watcher.report.timeline!;
    expect(startup.map((e) => e.step)).toEqual(['challenge', 'token', 'list', 'get', 'get']);
    const summary = await watcher.refresh();
    expect(summary.ok).toBe(true);
    expect(watcher.report.timeline).toEqual(startup);
  } finally {
    await watcher.stop();
    delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  }
});

it('optional: true — a failed load still says how far it got', async () => {
  const { host, ...options } = await coldOptions(1);
  const { clientId } = emulator.addIdentity({ clientId: randomUUID(), role: 'none' });
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  try {
    const { report } = await loadKeyVaultSecrets({
      ...options,
      credential: new ManagedIdentityCredential({ clientId }),
      optional: true,
    });
    expect(report.error?.code).toBe('ACCESS_DENIED');
    expect(report.timeline!.map((e) => [e.step, e.vault, e.status])).toEqual([
      ['challenge', host, 401],
      ['token', host, undefined],
      ['list', host, 403],
    ]);
  } finally {
    delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  }
});

/**
 * Mounted secrets through the Nest module: a kubelet volume (as the Secrets Store CSI driver or a
 * Kubernetes Secret volume writes it) loads into ConfigService with the keys a vault would give;
 * a rotation swap reaches ConfigService and changes$ like a vault rotation; a broken swap keeps the
 * last-known-good values; beside a vault (emulator, real SDK) the order of sources is the precedence.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigService } from '@nestjs/config';
import {
  KeyVaultConfigModule,
  KeyVaultConfigWatcher,
  type KeyVaultChangeEvent,
  type KeyVaultConfigModuleOptions,
} from 'nestjs-keyvault-config';
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { KubeletVolume, tempMountRoot } from '../support/kubelet-volume.js';
import { captureLogger, CANARY, expectNoCanary, secretValue } from '../support/load-harness.js';
import { bootApp } from '../support/nest-app.js';

const fx = useEmulator();
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempMountRoot()));
afterEach(() => cleanup());

async function boot(options: KeyVaultConfigModuleOptions) {
  const logger = captureLogger();
  const app = await bootApp(fx, [
    await KeyVaultConfigModule.forRoot({ ignoreEnvFile: true, env: {}, logger, ...options }),
  ]);
  return { logger, config: app.get(ConfigService), secrets: app.get(KeyVaultConfigWatcher) };
}

describe('Nest: mountPath', () => {
  it('loads a kubelet volume into ConfigService; a swap reaches ConfigService and changes$', async () => {
    const volume = await KubeletVolume.create(join(root, 'csi'), {
      'Db--Password': secretValue('v1'),
      'Old-Key': secretValue('old'),
    });
    const s = await boot({ mountPath: volume.dir });
    expect(s.config.get('Db.Password')).toBe(secretValue('v1'));
    expect(s.secrets.entry('Db.Password')).toMatchObject({
      source: 'mount',
      path: join(volume.dir, 'Db--Password'),
    });
    expect(s.logger.infos().join('\n')).toMatch(/no credential, no network/);

    const next = firstValueFrom(s.secrets.changes$);
    await volume.write({ 'Db--Password': secretValue('v2'), 'New-Key': secretValue('new') });
    const event: KeyVaultChangeEvent = await next;

    expect(event.updated.map((c) => c.key)).toEqual(['Db.Password']);
    expect(event.added.map((c) => c.key)).toEqual(['New_Key']);
    expect(event.removed.map((c) => c.key)).toEqual(['Old_Key']);
    expect(s.config.get('Db.Password')).toBe(secretValue('v2'));
    expect(s.config.get('New_Key')).toBe(secretValue('new'));
    expect(s.config.get('Old_Key')).toBeUndefined();
    expectNoCanary(event);
    expectNoCanary(s.logger.lines);
    expect(Object.values(process.env).some((v) => v?.includes(CANARY))).toBe(false);
  });

  it('a swap that leaves a directory where a file was fails the cycle; ConfigService keeps its values', async () => {
    const volume = await KubeletVolume.create(join(root, 'lkg'), { Token: secretValue('t1') });
    const s = await boot({ mountPath: volume.dir });
    await volume.write(
      { Other: secretValue('o') },
      {
        onStep: async (step) => {
          if (step === 'timestamped directory written') await mkdir(join(await volume.nextDir(), 'Token'));
        },
      },
    );
    const summary = await s.secrets.refresh();
    expect(summary.ok).toBe(false);
    expect(summary.error?.code).toBe('MOUNT_UNREADABLE');
    expect(s.config.get('Token')).toBe(secretValue('t1'));
    expect(s.secrets.health().status).toBe('degraded');
  });
});

describe('Nest: mountPath beside a vault', () => {
  it('top level: the vault first, then the mount (a mounted file wins); in vaults: the order given', async () => {
    const vault = await fx.freshVault([
      { name: 'Db--Password', value: secretValue('vault') },
      { name: 'Vault-Only', value: secretValue('vo') },
    ]);
    const volume = await KubeletVolume.create(join(root, 'mixed'), { 'Db--Password': secretValue('mount') });

    const mountWins = await boot(vault.options({ ignoreEnvFile: true, mountPath: volume.dir }));
    expect(mountWins.config.get('Db.Password')).toBe(secretValue('mount'));
    expect(mountWins.config.get('Vault_Only')).toBe(secretValue('vo'));
    expect(mountWins.secrets.report.vaults).toEqual([vault.host]);
    expect(mountWins.secrets.report.mounts).toEqual([volume.dir]);

    const { vaultUrl, ...rest } = vault.options({ ignoreEnvFile: true });
    const vaultWins = await boot({ ...rest, vaults: [{ mountPath: volume.dir }, { vaultUrl }] });
    expect(vaultWins.config.get('Db.Password')).toBe(secretValue('vault'));
    expect(vaultWins.secrets.entry('Db.Password')).toMatchObject({ vault: vault.host, source: 'list' });
  });
});

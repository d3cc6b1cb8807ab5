/**
 * Refresh by watching mounted directories: a kubelet swap (CSI driver rotation), a new and a deleted
 * secret, a plain file rewritten in place, a file replaced by a directory (the cycle fails, the
 * last-known-good configuration stays), and nothing after stop(). Events carry names, never values.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeletVolume, tempMountRoot } from '../../../../../test/support/kubelet-volume.js';
import { captureLogger, expectNoCanary, secretValue } from '../../../../../test/support/load-harness.js';
import type {
  KeyVaultChangeEvent,
  KeyVaultConfigOptions,
  KeyVaultRefreshSummary,
  KeyVaultWatcher,
} from '../interfaces.js';
import { watchKeyVaultSecrets } from '../watch-secrets.js';

let root: string;
let cleanup: () => Promise<void>;
const watchers: KeyVaultWatcher[] = [];
beforeEach(async () => ({ root, cleanup } = await tempMountRoot()));
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
  await cleanup();
});

async function watch(options: KeyVaultConfigOptions): Promise<KeyVaultWatcher> {
  const watcher = await watchKeyVaultSecrets({ env: {}, logger: captureLogger(), ...options });
  watchers.push(watcher);
  return watcher;
}

/** The next `change` event (the test's timeout bounds the wait). */
const nextChange = (w: KeyVaultWatcher) =>
  new Promise<KeyVaultChangeEvent>((resolve) => {
    const on = (e: KeyVaultChangeEvent) => (w.off('change', on), resolve(e));
    w.on('change', on);
  });

/** The next finished cycle whose summary matches. */
const nextRefresh = (w: KeyVaultWatcher, match: (s: KeyVaultRefreshSummary) => boolean) =>
  new Promise<KeyVaultRefreshSummary>((resolve) => {
    const on = (s: KeyVaultRefreshSummary) => {
      if (!match(s)) return;
      w.off('refresh', on);
      resolve(s);
    };
    w.on('refresh', on);
  });

describe('watching a kubelet volume (no refreshInterval: the watch alone)', () => {
  it('a rotation, a new secret and a deleted secret arrive as one change event after the ..data swap', async () => {
    const volume = await KubeletVolume.create(join(root, 'csi'), {
      'Db--Password': secretValue('v1'),
      'Old-Key': secretValue('old'),
    });
    const watcher = await watch({ mountPath: volume.dir });
    expect(watcher.state.intervalMs).toBeUndefined();

    const change = nextChange(watcher);
    await volume.write({ 'Db--Password': secretValue('v2'), 'New-Key': secretValue('new') });
    const event = await change;

    expect(event.updated.map((c) => c.key)).toEqual(['Db.Password']);
    expect(event.added.map((c) => c.key)).toEqual(['New_Key']);
    expect(event.removed).toEqual([
      expect.objectContaining({ key: 'Old_Key', kind: 'removed', reason: 'deleted', vault: volume.dir }),
    ]);
    expectNoCanary(event);
    expect(watcher.config).toEqual({ Db: { Password: secretValue('v2') }, New_Key: secretValue('new') });
    expect(watcher.get('Db.Password')).toBe(secretValue('v2'));
  });

  it('a file replaced by a directory fails the cycle and keeps the last-known-good values; the next swap recovers', async () => {
    const volume = await KubeletVolume.create(join(root, 'lkg'), { Token: secretValue('t1') });
    const watcher = await watch({ mountPath: volume.dir });
    const failed = nextRefresh(watcher, (s) => !s.ok);
    // A version whose Token is a directory (what a broken projection would leave).
    await volume.write(
      { Other: secretValue('o') },
      {
        onStep: async (step) => {
          if (step === 'timestamped directory written') {
            const next = await volume.nextDir();
            await mkdir(join(next, 'Token'));
          }
        },
      },
    );
    const summary = await failed;
    expect(summary.error?.code).toBe('MOUNT_UNREADABLE');
    expect(summary.error?.message).toMatch(/Token' cannot be loaded: it is a directory/);
    expect(watcher.config).toEqual({ Token: secretValue('t1') });
    expect(watcher.state.consecutiveFailures).toBeGreaterThanOrEqual(1);

    const recovered = nextRefresh(watcher, (s) => s.ok);
    await volume.write({ Token: secretValue('t2') });
    expect((await recovered).changes.updated.map((c) => c.key)).toEqual(['Token']);
    expect(watcher.state.consecutiveFailures).toBe(0);
  });
});

describe('watching a plain directory', () => {
  it('a file rewritten in place, a new file and a removed file are picked up', async () => {
    const dir = join(root, 'plain');
    await mkdir(dir);
    await writeFile(join(dir, 'Api-Key'), secretValue('a1'));
    await writeFile(join(dir, 'Gone'), secretValue('g'));
    const watcher = await watch({ mountPath: dir });

    let change = nextChange(watcher);
    await writeFile(join(dir, 'Api-Key'), secretValue('a2'));
    expect((await change).updated.map((c) => c.key)).toEqual(['Api_Key']);

    change = nextChange(watcher);
    await writeFile(join(dir, 'Fresh'), secretValue('f'));
    expect((await change).added.map((c) => c.key)).toEqual(['Fresh']);

    change = nextChange(watcher);
    await rm(join(dir, 'Gone'));
    expect((await change).removed.map((c) => c.key)).toEqual(['Gone']);
    expect(watcher.config).toEqual({ Api_Key: secretValue('a2'), Fresh: secretValue('f') });
  });

  it('after stop() no cycle runs, whatever the directory does', async () => {
    const dir = join(root, 'stopped');
    await mkdir(dir);
    await writeFile(join(dir, 'Key'), secretValue('1'));
    const watcher = await watch({ mountPath: dir });
    const cycles: KeyVaultRefreshSummary[] = [];
    watcher.on('refresh', (s) => cycles.push(s));
    await watcher.stop();
    await writeFile(join(dir, 'Key'), secretValue('2'));
    await writeFile(join(dir, 'More'), secretValue('3'));
    // Several debounce windows: a watch still open would have run a cycle by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cycles).toEqual([]);
    expect(watcher.config).toEqual({ Key: secretValue('1') });
  });
});

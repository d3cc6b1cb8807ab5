/**
 * With only `mountPath`, no DefaultAzureCredential is constructed (it would probe the managed identity
 * endpoint on first use) and the load line says there is no credential and no network.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempMountRoot } from '../../../../../test/support/kubelet-volume.js';
import { captureLogger, secretValue } from '../../../../../test/support/load-harness.js';
import { resetCredentialCacheForTests, resolveCredential } from '../credential.js';
import { loadKeyVaultSecrets } from '../loader.js';

const constructed = vi.hoisted(() => ({ count: 0 }));
vi.mock('@azure/identity', async (importOriginal) => {
  const identity = await importOriginal<typeof import('@azure/identity')>();
  class CountingDefaultAzureCredential extends identity.DefaultAzureCredential {
    constructor(...args: ConstructorParameters<typeof identity.DefaultAzureCredential>) {
      super(...args);
      constructed.count++;
    }
  }
  return { ...identity, DefaultAzureCredential: CountingDefaultAzureCredential };
});

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ root, cleanup } = await tempMountRoot());
  resetCredentialCacheForTests();
  constructed.count = 0;
});
afterEach(() => cleanup());

describe('mountPath only: no credential, no network', () => {
  it('builds no DefaultAzureCredential; the report and the load line say so', async () => {
    const dir = join(root, 'only');
    await mkdir(dir);
    await writeFile(join(dir, 'Key'), secretValue('k'));
    const logger = captureLogger();
    const { report } = await loadKeyVaultSecrets({ mountPath: dir, env: {}, logger });
    expect(constructed.count).toBe(0);
    expect(report.credential?.name).toBe('none');
    expect(logger.infos()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Loaded 1 secret from ${dir} in \\d+ ms using none \\(mounted files only: no credential, no network\\)`,
        ),
      ),
    ]);
  });

  it('the counter sees a DefaultAzureCredential when one is built (the control)', () => {
    resolveCredential({ env: {} }, captureLogger());
    expect(constructed.count).toBe(1);
  });
});

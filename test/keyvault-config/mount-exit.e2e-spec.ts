/**
 * A process that watches a mounted directory and never calls stop() still exits on its own once its
 * work is done: the fs watch is not persistent and the debounce and interval timers are unref'd. The
 * bound below only detects a hang; it is not a timing assertion.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { tempMountRoot } from '../support/kubelet-volume.js';

const CHILD = fileURLToPath(new URL('./fixtures/mount-exit-child.mjs', import.meta.url));
const HANG_BOUND_MS = 20_000;

beforeAll(() => assertLibraryBuilt('dist/core/index.js'));

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempMountRoot()));
afterEach(() => cleanup());

it('a process watching a mount (never stopped) exits on its own after the change', async () => {
  const dir = join(root, 'secrets');
  await mkdir(dir);
  await writeFile(join(dir, 'Key'), 'first');
  const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | 'hung'>((resolve) => {
    const bound = setTimeout(() => (child.kill('SIGKILL'), resolve('hung')), HANG_BOUND_MS);
    child.on('exit', (c) => (clearTimeout(bound), resolve(c ?? -1)));
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(stdout.trim())).toEqual({ updated: ['Key'], credential: 'none' });
});

/**
 * `app.close()` stops every refresh timer: a process that boots a Nest app with refresh on, runs a
 * cycle and closes the app must exit on its own, with code 0. The bound below only detects a hang; it
 * is not a timing assertion.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { CANARY, secretValue } from '../support/load-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/refresh-shutdown-child.mjs', import.meta.url));
const HANG_BOUND_MS = 20_000;

// The child gets the emulator's App Service identity through its own environment (fx.childEnv).
const fx = useEmulator({ identity: 'none', seed: [{ name: 'Db--Password', value: secretValue('db') }] });
beforeAll(() => assertLibraryBuilt());

it('a process that boots and closes the app (refresh on) exits on its own', async () => {
  const child = spawn(process.execPath, [CHILD], {
    env: fx.childEnv({ KEY_VAULT_URL: fx.emulator.vaultUrl, NO_COLOR: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = await new Promise<{ code: number | null; hung: boolean }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, hung: true });
    }, HANG_BOUND_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, hung: false });
    });
  });

  expect(exit, `stdout: ${out}\nstderr: ${err}`).toEqual({ code: 0, hung: false });
  const result = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
  expect(result).toEqual({
    refreshed: true,
    loaded: 1,
    armedBeforeClose: true,
    stopped: true,
    nextRefreshAt: null,
  });
  expect(out + err).not.toContain(CANARY);
}, 30_000);

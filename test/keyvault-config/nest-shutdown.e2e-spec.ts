/**
 * `app.close()` stops every refresh timer: a process that boots a Nest app with refresh on, runs a
 * cycle and closes the app must exit on its own, with code 0. The bound below only detects a hang; it
 * is not a timing assertion.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CANARY, secretValue } from '../support/load-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/refresh-shutdown-child.mjs', import.meta.url));
const LIB = fileURLToPath(new URL('../../libs/keyvault-config/', import.meta.url));
const HANG_BOUND_MS = 20_000;

/** The child runs the built library: fail with the fix when dist/ is missing or older than src/. */
function assertLibraryBuilt(): void {
  const built = join(LIB, 'dist/index.js');
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory()
          ? newest(join(dir, e.name))
          : e.name.endsWith('.spec.ts')
            ? 0
            : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  if (!existsSync(built) || newest(join(LIB, 'src')) > statSync(built).mtimeMs) {
    throw new Error(
      `This test runs the BUILT library in a child process, and ${built} is ${existsSync(built) ? 'older than its sources' : 'missing'}. Run \`npm run build --workspace=nestjs-keyvault-config\` (\`npm test\` does it first).`,
    );
  }
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: [{ name: 'Db--Password', value: secretValue('db') }] });
});
afterAll(() => emulator?.close());

it('a process that boots and closes the app (refresh on) exits on its own', async () => {
  assertLibraryBuilt();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$)/i.test(key),
    ),
  );
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...env,
      KEY_VAULT_URL: emulator.env.KEY_VAULT_URL,
      IDENTITY_ENDPOINT: emulator.env.IDENTITY_ENDPOINT,
      IDENTITY_HEADER: emulator.env.IDENTITY_HEADER,
      NODE_EXTRA_CA_CERTS: emulator.env.NODE_EXTRA_CA_CERTS,
      NO_COLOR: '1',
    },
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

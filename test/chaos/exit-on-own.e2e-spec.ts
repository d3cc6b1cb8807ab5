/**
 * A process whose startup load failed because its token request never answered exits on its own
 * (no process.exit) within 2 s of the failure: neither a user's credential that ignores the abort
 * signal nor MSAL's hung request to Entra ID leaves a socket or a timer that keeps it alive. The 2 s
 * bound is the contract for "exits on its own", not a performance figure; the load itself
 * is bounded by its own timeoutMs.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { secretValue } from '../support/load-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/exit-child.mjs', import.meta.url));
const EXIT_BOUND_MS = 2_000;
const HANG_BOUND_MS = 30_000;
const fx = useEmulator();

beforeAll(() => assertLibraryBuilt('dist/core/index.js'));

interface ChildResult {
  code: number | 'hung';
  lines: Array<Record<string, unknown>>;
  stderr: string;
  /** ms from the child's result line to its exit. */
  exitMs: number;
}

function runChild(mode: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const child = spawn(process.execPath, [CHILD, mode], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let printedAt = 0;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    printedAt ||= Date.now();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const bound = setTimeout(() => child.kill('SIGKILL'), HANG_BOUND_MS);
    child.on('exit', (code) => {
      clearTimeout(bound);
      resolve({
        code: code ?? 'hung',
        lines: stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
        stderr,
        exitMs: printedAt ? Date.now() - printedAt : Number.NaN,
      });
    });
  });
}

function expectExitedOnItsOwn(result: ChildResult, secret: string): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.lines).toEqual([{ outcome: 'TIMEOUT', ms: expect.any(Number) }]);
  expect(result.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  expect(JSON.stringify(result.lines)).not.toContain(secret);
}

it("a user's credential that ignores the abort signal and never answers: TIMEOUT, then the process exits", async () => {
  const value = secretValue('exit-user');
  const vault = await fx.freshVault([{ name: 'Api--Key', value }]);
  const result = await runChild('user-hang', fx.childEnv({ KEY_VAULT_URL: vault.url }, { platform: 'none' }));
  expectExitedOnItsOwn(result, value);
});

it("MSAL's token request to a hung Entra ID: TIMEOUT, then the process exits", async () => {
  const value = secretValue('exit-entra');
  const vault = await fx.freshVault([{ name: 'Api--Key', value }]);
  const app = await fx.emulator.addApplication({ role: 'user', secret: true });
  const fault = fx.emulator.faults.add({ route: 'identity.entra', hang: true });
  try {
    const env = fx.childEnv(
      {
        KEY_VAULT_URL: vault.url,
        CHILD_TENANT_ID: fx.emulator.tenantId,
        CHILD_CLIENT_ID: app.clientId,
        CHILD_CLIENT_SECRET: app.secret,
        CHILD_AUTHORITY_HOST: fx.emulator.authorityHost,
      },
      { platform: 'none' },
    );
    const result = await runChild('entra-hang', env);
    expectExitedOnItsOwn(result, value);
    expect(JSON.stringify(result.lines)).not.toContain(app.secret!);
  } finally {
    fx.emulator.faults.remove(fault);
  }
});

/**
 * A process whose startup load failed because its token request never answered exits on its own
 * (no process.exit) within 2 s of the failure: a user's credential that ignores the abort signal
 * leaves no timer or promise that keeps it alive. (A hung identity *socket* — the SDK's managed
 * identity or MSAL's request to Entra ID — still does today: see the CHANGELOG's known issues.) The 2 s
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
const HANG_BOUND_MS = 20_000;
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

it("a user's credential that ignores the abort signal and never answers: TIMEOUT, then the process exits", async () => {
  const value = secretValue('exit-user');
  const vault = await fx.freshVault([{ name: 'Api--Key', value }]);
  const result = await runChild('user-hang', fx.childEnv({ KEY_VAULT_URL: vault.url }, { platform: 'none' }));
  expect({ code: result.code, stderr: result.stderr, lines: result.lines }).toEqual({
    code: 0,
    stderr: '',
    lines: [{ outcome: 'TIMEOUT', ms: expect.any(Number) }],
  });
  expect(result.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  expect(JSON.stringify(result.lines)).not.toContain(value);
});

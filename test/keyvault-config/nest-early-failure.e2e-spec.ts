/**
 * Early failures go through Nest, in a real process: a `KeyVaultConfigModule.forRoot` in `@Module`
 * that fails — INVALID_OPTIONS at once, or ACCESS_DENIED from the emulator through the real SDK — never
 * produces an unhandled rejection; Nest's (JSON) logger sees the error; `NestFactory.create(…,
 * { abortOnError: false })` rejects with the KeyVaultConfigError and `bootstrap().catch()` sees it; with
 * Nest's default `abortOnError` the process exits 1 after the logger saw it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { CANARY, secretValue } from '../support/load-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/early-failure-child.mjs', import.meta.url));

// The children get the emulator's identity through their own environment.
const fx = useEmulator({ seed: [{ name: 'Db--Password', value: secretValue('db') }], identity: 'none' });
beforeAll(() => {
  assertLibraryBuilt();
  fx.emulator.setRole('system', 'none');
});

interface Run {
  code: number | null;
  events: Array<Record<string, unknown>>;
  stderr: string;
}

function run(mode: 'invalid' | 'denied', abort: 'abort' | 'no-abort'): Promise<Run> {
  const child = spawn(process.execPath, [CHILD, mode, abort], {
    env: fx.childEnv({ ...fx.emulator.env, NO_COLOR: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, events, stderr });
    });
  });
}

const errorLines = (r: Run): string[] =>
  r.events.filter((e) => e.event === 'nest-log' && e.level === 'error').map((e) => String(e.text));

describe.each([
  ['invalid', 'INVALID_OPTIONS'],
  ['denied', 'ACCESS_DENIED'],
] as const)('forRoot failing with %s', (mode, code) => {
  it('with abortOnError: false, NestFactory.create rejects with it and bootstrap().catch() sees it', async () => {
    const r = await run(mode, 'no-abort');
    expect(r.events.find((e) => e.event === 'unhandledRejection')).toBeUndefined();
    expect(r.stderr).not.toMatch(/unhandled/i);
    expect(errorLines(r).some((line) => line.includes(code))).toBe(true);
    expect(r.events.find((e) => e.event === 'caught')).toEqual({
      event: 'caught',
      name: 'KeyVaultConfigError',
      code,
      isKeyVaultConfigError: true,
    });
    expect(r.events.find((e) => e.event === 'created')).toBeUndefined();
    expect(r.code).toBe(1);
    expect(JSON.stringify(r.events) + r.stderr).not.toContain(CANARY);
  });

  it("with Nest's default abortOnError, the logger sees it and the process exits 1", async () => {
    const r = await run(mode, 'abort');
    expect(r.events.find((e) => e.event === 'unhandledRejection')).toBeUndefined();
    expect(errorLines(r).some((line) => line.includes(code))).toBe(true);
    expect(r.code).toBe(1);
  });
});

/**
 * A sample that cannot read its vault must not start half-configured: it exits non-zero with one
 * readable error (code, what, what to do) and no stack trace — for an identity without access, and
 * for a vault that is down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/ports.js';
import {
  runSampleToExit,
  sampleEnv,
  startEmulatorCli,
  type EmulatorEnv,
  type Running,
} from './sample-process.js';

let work: string;
let seed: string;
const running: Running[] = [];

function expectOneReadableError(output: string, stderr: string, code: string) {
  const failures = stderr.split('\n').filter((line) => line.includes('Startup failed'));
  expect(failures).toHaveLength(1);
  expect(failures[0]).toContain(`[${code}]`);
  // Readable: no stack frames anywhere, and nothing that was never meant for people.
  expect(output).not.toMatch(/^\s+at .+\(?.+:\d+:\d+\)?$/m);
  expect(output).not.toMatch(/Listening on/);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kv-sample-fail-'));
  seed = join(work, 'seed.json');
  writeFileSync(seed, JSON.stringify([{ name: 'Sample--ApiKey', value: 'irrelevant-here' }]));
});

afterAll(async () => {
  await Promise.all(running.map((child) => child.stop()));
  rmSync(work, { recursive: true, force: true });
});

async function emulatorWith(args: string[]): Promise<EmulatorEnv> {
  const emulator = await startEmulatorCli(['--seed', seed, ...args]);
  running.push(emulator);
  return emulator.env;
}

// Independent processes: run side by side (the unreachable vault costs the library's retry budget).
describe.concurrent('sample startup failures', () => {
  it('exits non-zero with one ACCESS_DENIED message when the identity has no role on the vault', async () => {
    const env = await emulatorWith(['--role', 'none']);
    const result = await runSampleToExit(sampleEnv(env, { PORT: '0' }), work);
    expect(result.code).not.toBe(0);
    expectOneReadableError(result.output, result.stderr, 'ACCESS_DENIED');
    // The message says for whom and what to do.
    expect(result.stderr).toMatch(/Key Vault Secrets User/);
  });

  it('exits non-zero with one VAULT_UNREACHABLE message when the vault is down', async () => {
    const env = await emulatorWith([]);
    const down = { ...env, KEY_VAULT_URL: `https://127.0.0.1:${await closedPort()}` };
    const result = await runSampleToExit(sampleEnv(down, { PORT: '0' }), work);
    expect(result.code).not.toBe(0);
    expectOneReadableError(result.output, result.stderr, 'VAULT_UNREACHABLE');
    expect(result.stderr).toContain(new URL(down.KEY_VAULT_URL).host);
    // The library first spends its retry budget (4 retries, exponential backoff from 1 s: 8-15 s).
  }, 60_000);
});

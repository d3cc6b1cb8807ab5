/**
 * `npm start` and `npm run sample:rotate` as a person uses them (run through node directly: `npm start`
 * only adds the build, which `npm test` has done): the script starts the emulator and the sample,
 * prints the URL, the rotate command reaches the running emulator, and SIGTERM stops both.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, eventually, ROOT, runScript, startScript, type Running } from './sample-process.js';

let stateDir: string;
let started: Running;
let url: string;

const stateFile = () => join(stateDir, 'emulator.env');
const seededApiKey = (): string =>
  (
    JSON.parse(readFileSync(join(ROOT, 'apps/sample/seed.json'), 'utf8')) as {
      secrets: Array<{ name: string; value: string }>;
    }
  ).secrets.find((secret) => secret.name === 'Sample--ApiKey')!.value;

async function status(path: string, headers: Record<string, string> = {}): Promise<number | 'down'> {
  try {
    return (await fetch(`${url}${path}`, { headers })).status;
  } catch {
    return 'down';
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'kv-start-sample-'));
  started = startScript([join(ROOT, 'scripts/start-sample.mjs')], {
    ...cleanEnv(),
    PORT: '0',
    SAMPLE_REFRESH_INTERVAL: '1000',
    SAMPLE_STATE_DIR: stateDir,
  });
  url = await eventually(
    async () => /Sample: {3}(http:\/\/\S+)\//.exec(started.stdout())?.[1],
    `npm start to print the URL; output so far:\n${started.output()}`,
  );
});

afterAll(async () => {
  await started?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('npm start / npm run sample:rotate', () => {
  it('starts the emulator and the sample, prints the URL and writes the connection info', async () => {
    expect(await status('/')).toBe(200);
    expect(await status('/api/greeting', { 'x-api-key': seededApiKey() })).toBe(200);
    const state = readFileSync(stateFile(), 'utf8');
    for (const key of [
      'KEY_VAULT_URL',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'AZURE_POD_IDENTITY_AUTHORITY_HOST',
    ]) {
      expect(state).toMatch(new RegExp(`^${key}=\\S+$`, 'm'));
    }
    expect(started.stdout()).toContain('npm run sample:rotate -- Sample--ApiKey');
  });

  it('rotates Sample--ApiKey through the admin API; the sample follows without a restart', async () => {
    const env = { ...cleanEnv(), SAMPLE_STATE_DIR: stateDir };
    // The value is given, so the script prints nothing of it (it prints a value only when it generated
    // one for Sample--ApiKey, for a person to paste into curl; the test does not rely on that).
    const newKey = `rotated-${randomBytes(12).toString('hex')}`;
    const rotated = await runScript([join(ROOT, 'scripts/rotate-secret.mjs'), 'Sample--ApiKey', newKey], env);
    // On failure, say why: the script's own error and what npm start printed (a child that died).
    expect(rotated.code, `${rotated.stderr}\n--- npm start so far:\n${started.output()}`).toBe(0);
    expect(rotated.stdout).toMatch(/Rotated Sample--ApiKey in vault "emulator": new version [0-9a-f]{32}\./);
    expect(rotated.stdout + rotated.stderr).not.toContain(newKey);

    await eventually(
      async () => ((await status('/api/greeting', { 'x-api-key': newKey })) === 200 ? true : undefined),
      'the sample to accept the rotated key',
    );
    expect(await status('/api/greeting', { 'x-api-key': seededApiKey() })).toBe(401);

    // Other secrets: rotated too, but their new values are never printed.
    const signing = await runScript([join(ROOT, 'scripts/rotate-secret.mjs'), 'Sample--SigningKey'], env);
    expect(signing.code).toBe(0);
    expect(signing.stdout).toMatch(/new version [0-9a-f]{32}/);
    expect(signing.stdout).not.toMatch(/New API key|demo-/);
    expect(signing.stdout).toMatch(/Rotated Sample--SigningKey/);
  });

  it('stops both processes on SIGTERM and removes the connection info', async () => {
    started.child.kill('SIGTERM');
    const { code } = await started.exited;
    expect(code, `npm start printed:\n${started.output()}`).toBe(0);
    expect(await status('/')).toBe('down');
    expect(existsSync(stateFile())).toBe(false);
    const rotate = await runScript([join(ROOT, 'scripts/rotate-secret.mjs')], {
      ...cleanEnv(),
      SAMPLE_STATE_DIR: stateDir,
    });
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toMatch(/no running emulator found/);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './fixtures/identity-client.js';

const main = fileURLToPath(new URL('../../dist/apps/keyvault-emulator/main.js', import.meta.url));
const ENV_NAMES = [
  'KEY_VAULT_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'NODE_EXTRA_CA_CERTS',
];

interface RunningCli {
  child: ChildProcess;
  env: Record<string, string>;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the built command line and resolves once it printed its five lines. */
function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n');
      if (lines.length > ENV_NAMES.length) {
        const env = Object.fromEntries(
          lines.slice(0, ENV_NAMES.length).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
        );
        resolve({ child, env, stdout: () => stdout, stderr: () => stderr, exit });
      }
    });
    void exit.then(({ code }) =>
      reject(new Error(`the CLI exited (${code}) before it was ready: ${stderr}`)),
    );
  });
}

/** Runs the command line to completion (bad arguments, --help). */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('the emulator command line', () => {
  let dir: string;
  let seedFile: string;

  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build:emulator" first`);
    dir = mkdtempSync(join(tmpdir(), 'kv-cli-'));
    seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify([{ name: 'db-password', value: 'cli-seeded-value' }]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints exactly the five environment lines, serves the seed through the SDK, and exits 0 on SIGTERM', async () => {
    const cli = await startCli(['--port', '0', '--seed', seedFile]);
    try {
      expect(Object.keys(cli.env)).toEqual(ENV_NAMES);
      expect(cli.env.KEY_VAULT_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(cli.env.IDENTITY_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
      expect(cli.env.AZURE_POD_IDENTITY_AUTHORITY_HOST).toBe(
        cli.env.IDENTITY_ENDPOINT.replace('/msi/token', ''),
      );
      expect(cli.env.IDENTITY_HEADER).toMatch(/^\S{16,}$/);
      expect(existsSync(cli.env.NODE_EXTRA_CA_CERTS)).toBe(true);
      expect(cli.stderr()).not.toContain(cli.env.IDENTITY_HEADER);

      const [get] = await runClient(cli.env, {
        credential: 'managed',
        vaultUrl: cli.env.KEY_VAULT_URL,
        steps: [{ op: 'getSecret', name: 'db-password' }],
      });
      expect(get).toEqual({ ok: true, name: 'db-password', valueReceived: true });
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toEqual({ code: 0, signal: null });
    expect(cli.stdout().split('\n').filter(Boolean)).toHaveLength(5);
    expect(cli.stderr()).not.toContain('cli-seeded-value');
  });

  it('applies --role reader, --fault and --fail-identity, and exits 0 on SIGINT', async () => {
    const cli = await startCli([
      '--seed',
      seedFile,
      '--role',
      'reader',
      '--fault',
      'route=secrets.list,status=503,times=1',
      '--fail-identity',
      '1',
    ]);
    try {
      const [list503, list, get] = await runClient(cli.env, {
        credential: 'managed',
        vaultUrl: cli.env.KEY_VAULT_URL,
        retry: { maxRetries: 2, retryDelayInMs: 10 },
        steps: [{ op: 'listSecrets' }, { op: 'listSecrets' }, { op: 'getSecret', name: 'db-password' }],
      });
      expect(list503).toMatchObject({ ok: false, statusCode: 503 });
      expect(list).toEqual({ ok: true, names: ['db-password'] });
      expect(get).toMatchObject({ ok: false, statusCode: 403 });
      expect(get.message).toContain('Microsoft.KeyVault/vaults/secrets/getSecret/action');
      expect(cli.stderr()).toContain('role Key Vault Reader');
      // The admin API on the identity port, as documented: the first token request failed with 500.
      const counters = await fetch(`${cli.env.AZURE_POD_IDENTITY_AUTHORITY_HOST}/_emulator/counters`, {
        headers: { 'X-IDENTITY-HEADER': cli.env.IDENTITY_HEADER },
      });
      const { byRoute } = (await counters.json()) as { byRoute: Record<string, Record<string, number>> };
      expect(byRoute['identity.appservice']).toEqual({ '500': 1, '200': 1 });
      expect(byRoute['secrets.list']).toMatchObject({ '503': 1, '200': 1 });
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exit).toEqual({ code: 0, signal: null });
  });

  it.each([
    [['--port', 'eighty'], '--port must be an integer from 0 to 65535'],
    [['--role', 'admin'], 'Unknown role "admin"'],
    [['--fault', 'route=nowhere,status=500'], 'unknown route "nowhere"'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ])('rejects %j with one readable line and the usage on stderr, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain(message);
    expect(stderr).toContain('Usage: npm run emulator -- [options]');
  });

  it('reports an unreadable seed file as a bad argument', async () => {
    const { code, stdout, stderr } = await runCli(['--seed', join(dir, 'missing.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain('missing.json');
  });

  it('reports an unknown role in the seed file as a bad argument', async () => {
    const badSeed = join(dir, 'bad-role.json');
    writeFileSync(badSeed, JSON.stringify({ systemAssignedRole: 'owner', secrets: [] }));
    const { code, stdout, stderr } = await runCli(['--seed', badSeed]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain('Unknown role "owner"');
  });

  it('prints the usage for --help and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--fail-identity K[:hang]');
  });
});

// One cell of the matrix: a compiled consumer app booted on one Node against the emulator, driven
// through its HTTP probes. Every check compares fingerprints (sha-256 prefixes) — the apps never
// print or return a value — and the app's whole output is searched for the values.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual, promisify } from 'node:util';
import { join } from 'node:path';
import { COMPILER_OPTIONS, KINDS } from './matrix.mjs';

const exec = promisify(execFile);
const BOOT_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 15_000;
const fingerprint = (value) => createHash('sha256').update(value).digest('hex').slice(0, 12);

/** Compiles the set's app as `kind` into <dir>/apps/<kind>/dist with the set's own TypeScript. */
export async function compile(set, kind, setDir, appsDir) {
  const dir = join(setDir, 'apps', kind);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'src/main.ts'),
    cutModes(readFileSync(join(appsDir, set.app), 'utf8'), set.cut ?? []),
  );
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, type: KINDS[kind].type })}\n`);
  const compilerOptions = { ...COMPILER_OPTIONS, ...KINDS[kind].compilerOptions };
  if (set.libCheck?.includes(kind)) compilerOptions.skipLibCheck = false;
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions, include: ['src'] }, null, 2)}\n`,
  );
  const tsc = join(setDir, 'node_modules/typescript/bin/tsc');
  try {
    await exec(process.execPath, [tsc, '-p', dir], { cwd: dir });
  } catch (error) {
    throw new Error(`tsc (${kind}) failed:\n${error.stdout || error.message}`, { cause: error });
  }
  return dir;
}

/** A fresh vault for one cell, and the values it holds (never leaving this process). */
export async function cellVault(emulator, name) {
  const values = {
    password: `CANARYv1${randomBytes(12).toString('hex')}`,
    rotated: `CANARYv2${randomBytes(12).toString('hex')}`,
    apiKey: `CANARYapi${randomBytes(12).toString('hex')}`,
    gone: `CANARYgone${randomBytes(12).toString('hex')}`,
  };
  const vault = await emulator.addVault(name, {
    seed: [
      { name: 'Db--Password', value: values.password },
      { name: 'Api--Key', value: values.apiKey },
      { name: 'Gone--Soon', value: values.gone },
    ],
  });
  return { vault, values };
}

class App {
  constructor(child) {
    this.child = child;
    this.output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (this.output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async listening() {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const match = /LISTENING (\d+)/.exec(this.output);
      if (match) return (this.port = Number(match[1]));
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the app did not start (exit ${this.child.exitCode}):\n${this.output}`);
  }

  async request(method, path) {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.json() };
  }

  /** SIGTERM; the app must exit by itself (no timer or socket left holding it). */
  async stop() {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    const { code, signal } = await this.exited;
    clearTimeout(timer);
    if (signal === 'SIGKILL') throw new Error(`the app did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM`);
    if (code !== null && code !== 0) throw new Error(`the app exited with ${code}:\n${this.output}`);
  }
}

function expectEqual(what, actual, expected) {
  if (!isDeepStrictEqual(actual, expected))
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function expectProbe(what, probe, expected, values) {
  expectEqual(`${what}: ConfigService values`, probe.keys, expected.keys);
  if (expected.dbOptions !== undefined)
    expectEqual(`${what}: forRootAsync factory`, probe.dbOptions, expected.dbOptions);
  const leaked = Object.values(values)
    .map(fingerprint)
    .filter((sum) => probe.environment.includes(sum));
  expectEqual(`${what}: secret values in process.env`, leaked.length, 0);
}

/**
 * The app's source without the blocks a set cannot compile: `// compat:<mode> {` … `// } compat:<mode>`
 * becomes a throw, so the set's tsc checks everything else and the cell never starts that mode.
 */
function cutModes(source, modes) {
  return modes.reduce((text, mode) => {
    const block = new RegExp(`// compat:${mode} \\{[^\\n]*\\n[\\s\\S]*?// \\} compat:${mode}`);
    if (!block.test(text)) throw new Error(`compat: no '${mode}' block to cut in the app`);
    return text.replace(block, `throw new Error('${mode}: not generated for this set');`);
  }, source);
}

/**
 * Runs one cell: boots the app (`forroot` mode for Nest), checks the loaded values and the
 * forRootAsync consumer, rotates one secret and deletes another, refreshes (ConfigService with
 * `cache: true`), checks the values and health, stops it; then (Nest) boots the `load` mode.
 */
export async function runCell({ set, nodePath, appDir, env, emulator, vaultName }) {
  const { vault, values } = await cellVault(emulator, vaultName);
  const environment = { ...env, KEY_VAULT_URL: vault.url };
  const start = (mode) =>
    new App(
      spawn(nodePath, ['dist/main.js', mode], {
        cwd: appDir,
        env: environment,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  const fp = (name) => fingerprint(values[name]);
  const outputs = [];
  const apps = [];
  try {
    const app = start('forroot');
    apps.push(app);
    await app.listening();
    const before = { 'Db.Password': fp('password'), 'Api.Key': fp('apiKey'), 'Gone.Soon': fp('gone') };
    const probe = (await app.request('GET', '/probe')).body;
    expectProbe('startup', probe, { keys: before, dbOptions: fp('password') }, values);
    if (set.name === 'core')
      expectEqual('startup: a bad vault URL is one coded error', typeof probe.errorCode, 'string');

    vault.setSecret({ name: 'Db--Password', value: values.rotated });
    vault.deleteSecret('Gone--Soon');
    const refreshed = (await app.request('POST', '/refresh')).body;
    expectEqual('refresh', refreshed, { ok: true, updated: ['Db.Password'], removed: ['Gone.Soon'] });
    const after = { 'Db.Password': fp('rotated'), 'Api.Key': fp('apiKey'), 'Gone.Soon': null };
    expectProbe('after the rotation', (await app.request('GET', '/probe')).body, { keys: after }, values);

    await checkHealth(app, set, emulator, vaultName);
    await app.stop();
    outputs.push(app.output);

    if (set.name !== 'core' && !set.cut?.includes('load-mode')) {
      const load = start('load');
      apps.push(load);
      await load.listening();
      expectProbe(
        'keyVaultConfig() in load',
        (await load.request('GET', '/probe')).body,
        { keys: after, dbOptions: fp('rotated') },
        values,
      );
      await load.stop();
      outputs.push(load.output);
    }
    const output = outputs.join('\n');
    const printed = Object.entries(values)
      .filter(([, value]) => output.includes(value))
      .map(([name]) => name);
    expectEqual('values in the app output', printed, []);
  } catch (error) {
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGKILL');
    const last = apps.at(-1)?.output ?? '';
    throw new Error(`${error.message}${last ? `\n--- app output ---\n${redact(last, values)}` : ''}`, {
      cause: error,
    });
  }
}

/** What /health answers: [HTTP status, overall status, keyvault status, degraded flag]. */
async function health(app) {
  const { status, body } = await app.request('GET', '/health');
  const keyvault = body.details?.keyvault ?? body.error?.keyvault;
  return [status, body.status, keyvault?.status, keyvault?.degraded ?? false];
}

/**
 * Up; degraded after one failed refresh (terminus 12 and the core: `degraded`; terminus 10 and 11,
 * which have no such status: `up` with `degraded: true`); down with HTTP 503 after the third
 * (the default healthFailureThreshold); up again once the vault answers.
 */
async function checkHealth(app, set, emulator, vaultName) {
  expectEqual('health: up', await health(app), [200, 'ok', 'up', false]);
  const fault = emulator.faults.add({ route: 'secrets.list', vault: vaultName, status: 503 });
  const refresh = async () =>
    expectEqual('a failing refresh', (await app.request('POST', '/refresh')).body.ok, false);
  await refresh();
  const oldTerminus = set.terminusMajor !== undefined && set.terminusMajor < 12;
  const degraded = oldTerminus ? [200, 'ok', 'up', true] : [200, 'degraded', 'degraded', false];
  expectEqual('health: degraded', await health(app), degraded);
  await refresh();
  await refresh();
  expectEqual('health: down', await health(app), [503, 'error', 'down', false]);
  emulator.faults.remove(fault);
  expectEqual('refresh after recovery', (await app.request('POST', '/refresh')).body.ok, true);
  expectEqual('health: up again', await health(app), [200, 'ok', 'up', false]);
}

function redact(text, values) {
  return Object.values(values).reduce((out, value) => out.split(value).join('<value>'), text);
}

export function readVersions(setDir, names) {
  return names
    .map((name) => {
      try {
        return `${name.replace('@nestjs/', '')} ${JSON.parse(readFileSync(join(setDir, 'node_modules', name, 'package.json'), 'utf8')).version}`;
      } catch {
        return undefined;
      }
    })
    .filter(Boolean)
    .join(', ');
}

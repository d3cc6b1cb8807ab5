/**
 * Runs the emulator's command line and the built sample as child processes, the way `npm start` and a
 * user do, for the sample's e2e tests. Children inherit NODE_OPTIONS, so the network guard is loaded in
 * each of them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EMULATOR_MAIN = `${ROOT}dist/apps/keyvault-emulator/main.js`;
export const SAMPLE_MAIN = `${ROOT}dist/apps/sample/main.js`;

/** The five lines the emulator prints once ready, in order. */
export const EMULATOR_LINES = [
  'KEY_VAULT_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'NODE_EXTRA_CA_CERTS',
] as const;
export type EmulatorEnv = Record<(typeof EMULATOR_LINES)[number], string>;

/** What App Service gives an app (plus the emulator's CA); the sample gets these and nothing else. */
export const APP_SERVICE_VARIABLES = [
  'KEY_VAULT_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'NODE_EXTRA_CA_CERTS',
] as const;

const CREDENTIAL_VARIABLE = /^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$)/;
const READY_TIMEOUT_MS = 20_000;

/** A child process with its output collected. */
export interface Running {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved in arrival order. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited after a while. */
  stop(): Promise<void>;
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Running {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let all = '';
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
    out += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `read()` matches `pattern`, the process exits, or the bound passes. */
async function waitForOutput(running: Running, read: () => string, pattern: RegExp, what: string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  void running.exited.then(() => (exited = true));
  while (!pattern.test(read())) {
    if (exited) throw new Error(`${what} exited before it was ready:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`${what} was not ready in time:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pattern.exec(read())!;
}

/** The environment a child starts from: ours, without anything that could pick a credential. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !CREDENTIAL_VARIABLE.test(key)));
}

/** Starts the emulator's command line and reads its five KEY=VALUE lines. */
export async function startEmulatorCli(
  args: string[],
): Promise<Running & { env: EmulatorEnv; adminHost: string }> {
  const running = run([EMULATOR_MAIN, ...args], cleanEnv());
  const lines = new RegExp(EMULATOR_LINES.map((key) => `^${key}=.*$`).join('\\n'), 'm');
  try {
    await waitForOutput(running, running.stdout, lines, 'the emulator');
  } catch (error) {
    await running.stop();
    throw error;
  }
  const env = {} as EmulatorEnv;
  for (const key of EMULATOR_LINES) env[key] = new RegExp(`^${key}=(.*)$`, 'm').exec(running.stdout())![1];
  return Object.assign(running, { env, adminHost: env.AZURE_POD_IDENTITY_AUTHORITY_HOST });
}

/** The sample's environment: cleaned, plus the App Service variables and `extra`. */
export function sampleEnv(emulator: EmulatorEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv();
  for (const key of APP_SERVICE_VARIABLES) env[key] = emulator[key];
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Starts the built sample and waits for its "Listening on" line. */
export async function startSample(env: NodeJS.ProcessEnv, cwd: string): Promise<Running & { url: string }> {
  const running = run([SAMPLE_MAIN], env, cwd);
  try {
    const plain = () => stripVTControlCharacters(running.output());
    const match = await waitForOutput(running, plain, /Listening on (http:\/\/\S+)/, 'the sample');
    return Object.assign(running, { url: match[1] });
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** Runs the built sample expecting it to exit on its own (a failed startup); bounded. */
export async function runSampleToExit(env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 60_000) {
  const running = run([SAMPLE_MAIN], env, cwd);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await running.exited;
  clearTimeout(timer);
  return { code, signal, stdout: running.stdout(), stderr: running.stderr(), output: running.output() };
}

/** Runs a Node script of the repository to its end and returns its output (bounded). */
export async function runScript(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000) {
  const running = run(args, env);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  const { code } = await running.exited;
  clearTimeout(timer);
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** Starts a Node script of the repository that keeps running (e.g. `scripts/start-sample.mjs`). */
export function startScript(args: string[], env: NodeJS.ProcessEnv): Running {
  return run(args, env);
}

const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );

/**
 * The environment a running child of `parent` was started with, read from /proc (Linux): the child whose
 * command line contains `script`. For asserting exactly which variables a launcher gave a process.
 */
export function childEnvironment(parent: ChildProcess, script: string): Record<string, string> {
  const pid = childrenOf(parent.pid!).find((child) =>
    readFileSync(`/proc/${child}/cmdline`, 'utf8')
      .split('\0')
      .some((arg) => arg.endsWith(script)),
  );
  if (pid === undefined) throw new Error(`no child process of ${parent.pid} runs ${script}`);
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

/** Polls `check` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Sets a new version of a secret through the emulator's admin API; returns the response body. */
export async function adminSetSecret(
  emulator: EmulatorEnv,
  secret: { name: string; value: string; contentType?: string },
  vault = 'emulator',
): Promise<Record<string, unknown>> {
  const response = await fetch(
    new URL(`/_emulator/vaults/${vault}/secrets`, emulator.AZURE_POD_IDENTITY_AUTHORITY_HOST),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-identity-header': emulator.IDENTITY_HEADER },
      body: JSON.stringify(secret),
    },
  );
  if (!response.ok) throw new Error(`admin API answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Reads a secret's current version the way any client would: a token from the App Service identity
 * endpoint, then GET on the vault (trusting the emulator's CA). The value is dropped at once.
 */
export async function secretVersion(emulator: EmulatorEnv, name: string): Promise<string> {
  const tokenUrl = new URL(emulator.IDENTITY_ENDPOINT);
  tokenUrl.searchParams.set('resource', 'https://vault.azure.net');
  tokenUrl.searchParams.set('api-version', '2019-08-01');
  const tokenResponse = await fetch(tokenUrl, { headers: { 'x-identity-header': emulator.IDENTITY_HEADER } });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const ca = readFileSync(emulator.NODE_EXTRA_CA_CERTS, 'utf8');
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      new URL(`/secrets/${name}?api-version=7.5`, emulator.KEY_VAULT_URL),
      { ca, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(data) : reject(new Error(`GET ${name}: ${res.statusCode}`)),
        );
      },
    );
    req.once('error', reject).end();
  });
  const { id } = JSON.parse(body) as { id: string };
  return id.split('/').pop()!;
}

// `npm start`: the sample app against the local Key Vault emulator, wired the way App Service wires a
// real app — the app gets KEY_VAULT_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER and (for the emulator's
// self-signed CA) NODE_EXTRA_CA_CERTS, and nothing else: no client secret, no key, no connection string.
//
//   npm start                          build (prestart), start the emulator + the sample, print the URL
//   npm start -- --role none           extra arguments go to the emulator (here: an identity without
//                                      access, to see the sample refuse to start with a readable error)
//   PORT=8080 npm start                the sample's port (default 3000); HOST, SAMPLE_REFRESH_INTERVAL too
//
// Ctrl-C (or SIGTERM) stops both processes. While it runs, `npm run sample:rotate -- Sample--ApiKey`
// rotates a secret through the emulator's admin API, using the connection info written to
// .sample/emulator.env (SAMPLE_STATE_DIR overrides the directory).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EMULATOR_MAIN = join(ROOT, 'dist/apps/keyvault-emulator/main.js');
const SAMPLE_MAIN = join(ROOT, 'dist/apps/sample/main.js');
const SEED = join(ROOT, 'apps/sample/seed.json');
const STATE_DIR = process.env.SAMPLE_STATE_DIR || join(ROOT, '.sample');
const STATE_FILE = join(STATE_DIR, 'emulator.env');

/** The emulator's command-line contract: five KEY=VALUE lines on stdout once it is ready. */
const EMULATOR_LINES = [
  'KEY_VAULT_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'NODE_EXTRA_CA_CERTS',
];
/** What App Service gives an app with a managed identity (plus the CA a real vault does not need). */
const APP_SERVICE_VARIABLES = [
  'KEY_VAULT_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'NODE_EXTRA_CA_CERTS',
];
/**
 * Inherited variables that would change which credential the sample uses (a developer's service
 * principal, a workload identity, an IMDS override): dropped, so the demo always shows the managed
 * identity path and never silently uses something else.
 */
const CREDENTIAL_VARIABLE = /^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$)/;
const READY_TIMEOUT_MS = 60_000;
const LISTENING = /Listening on (http:\/\/\S+)/;

const children = new Map(); // name -> ChildProcess
let stopping = false;
let exitCode = 0;

function say(line) {
  process.stdout.write(`${line}\n`);
}

function fail(message) {
  process.stderr.write(`npm start: ${message}\n`);
}

function forward(stream, target, prefix, onLine) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (onLine?.(line)) return;
    target.write(`${prefix}${line}\n`);
  });
}

function start(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      // One process ended on its own: the demo is over; stop the other one too.
      fail(`${name} exited (${signal ?? `code ${code}`}); stopping.`);
      exitCode = code || 1;
      stop();
    }
    if (children.size === 0) finish();
  });
  return child;
}

function stop(signal = 'SIGTERM') {
  stopping = true;
  for (const child of children.values()) child.kill(signal);
}

function finish() {
  rmSync(STATE_FILE, { force: true });
  process.exit(exitCode);
}

function writeState(values) {
  mkdirSync(STATE_DIR, { recursive: true });
  const body = Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  // The identity header authenticates the emulator's admin API: readable by this user only.
  writeFileSync(STATE_FILE, `${body}\n`, { mode: 0o600 });
}

let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts === 1) say('\nStopping the sample and the emulator…');
    // A second Ctrl-C does not wait for a graceful shutdown.
    stop(interrupts === 1 ? 'SIGTERM' : 'SIGKILL');
    if (children.size === 0) finish();
  });
}

for (const [file, what] of [
  [EMULATOR_MAIN, 'the emulator'],
  [SAMPLE_MAIN, 'the sample'],
]) {
  if (!existsSync(file)) {
    fail(`${what} is not built (${file} is missing). Run \`npm run build\` — \`npm start\` does it first.`);
    process.exit(1);
  }
}

// 1. The emulator, seeded with the sample's secrets; extra arguments of `npm start -- …` go to it.
const emulator = start('emulator', [EMULATOR_MAIN, '--seed', SEED, ...process.argv.slice(2)], process.env);
const contract = {};
const ready = new Promise((resolve, reject) => {
  const timer = setTimeout(
    () => reject(new Error(`the emulator printed no connection info within ${READY_TIMEOUT_MS / 1000} s`)),
    READY_TIMEOUT_MS,
  );
  timer.unref();
  emulator.once('exit', () => reject(new Error('the emulator exited before it was ready')));
  forward(emulator.stdout, process.stdout, '[emulator] ', (line) => {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (!match || !EMULATOR_LINES.includes(match[1]) || match[1] in contract) return false;
    contract[match[1]] = match[2];
    if (EMULATOR_LINES.every((key) => key in contract)) {
      clearTimeout(timer);
      resolve();
    }
    return true;
  });
});
forward(emulator.stderr, process.stderr, '[emulator] ');

try {
  await ready;
} catch (error) {
  fail(error.message);
  exitCode = 1;
  stop();
  if (children.size === 0) finish();
  await new Promise(() => {}); // finish() exits once the emulator is gone
}
writeState(contract);

// 2. The sample, with exactly the App Service variables added to a cleaned environment.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CREDENTIAL_VARIABLE.test(key)));
for (const key of APP_SERVICE_VARIABLES) env[key] = contract[key];
// Nest colours its log unless NO_COLOR is set: keep colours for a terminal, plain text for a pipe or file.
if (!process.stdout.isTTY && !('FORCE_COLOR' in env)) env.NO_COLOR = '1';
say(
  `Emulated vault ${contract.KEY_VAULT_URL}; starting the sample with only ${APP_SERVICE_VARIABLES.join(', ')}.`,
);

const sample = start('sample', [SAMPLE_MAIN], env);
forward(sample.stderr, process.stderr, '');
forward(sample.stdout, process.stdout, '', (line) => {
  // Match the plain text, whether or not the line is coloured.
  const url = LISTENING.exec(stripVTControlCharacters(line))?.[1];
  if (!url) return false;
  process.stdout.write(`${line}\n`);
  writeState({ ...contract, SAMPLE_URL: url, SAMPLE_REFRESH_INTERVAL: env.SAMPLE_REFRESH_INTERVAL || '5s' });
  say(
    [
      '',
      `  Sample:   ${url}/  (status page: vault, identity, keys and versions — never values)`,
      `  Health:   ${url}/health`,
      `  API key:  curl -i -H "x-api-key: <key>" ${url}/api/greeting`,
      '            (the seeded demo key is Sample--ApiKey in apps/sample/seed.json)',
      '  Rotate:   npm run sample:rotate -- Sample--ApiKey   (in another terminal; prints the new key)',
      '  Stop:     Ctrl-C',
      '',
    ].join('\n'),
  );
  return true;
});

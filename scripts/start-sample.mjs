// `npm start`: the sample app against the local Key Vault emulator, wired the way an Azure platform wires a
// real app — by default App Service: the app gets KEY_VAULT_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER and
// (for the emulator's self-signed CA) NODE_EXTRA_CA_CERTS, and nothing else: no client secret, no key, no
// connection string.
//
//   npm start                          build (prestart), start the emulator + the sample, print the URL
//   npm start -- --identity workload   the identity path to run (IDENTITY_PATHS below): app-service (the
//                                      default), imds, workload (AKS workload identity) or
//                                      service-principal (a client secret: the sample warns about it)
//   npm start -- --role none           other arguments go to the emulator (here: an identity without
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
/**
 * The identity paths of `--identity`: the emulator's flags for each, and exactly the variables that
 * platform gives an app (plus the emulator's CA, which a real vault does not need).
 */
const IDENTITY_PATHS = {
  'app-service': {
    label: 'App Service managed identity (IDENTITY_ENDPOINT, 2019-08-01 protocol)',
    emulatorFlags: [],
    variables: ['KEY_VAULT_URL', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'NODE_EXTRA_CA_CERTS'],
  },
  imds: {
    // A VM has no variable at all: IMDS sits at 169.254.169.254. Locally that address is off limits, so
    // AZURE_POD_IDENTITY_AUTHORITY_HOST (which @azure/identity honours for IMDS) points at the emulator's.
    label:
      "managed identity through IMDS (VM, scale set), the emulator's IMDS via AZURE_POD_IDENTITY_AUTHORITY_HOST",
    emulatorFlags: [],
    variables: ['KEY_VAULT_URL', 'AZURE_POD_IDENTITY_AUTHORITY_HOST', 'NODE_EXTRA_CA_CERTS'],
  },
  workload: {
    label: 'AKS workload identity (federated token file exchanged at Entra ID)',
    emulatorFlags: ['--workload-identity'],
    variables: [
      'KEY_VAULT_URL',
      'AZURE_AUTHORITY_HOST',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_FEDERATED_TOKEN_FILE',
      'NODE_EXTRA_CA_CERTS',
    ],
  },
  'service-principal': {
    label: 'service principal with a client secret (the master secret this project exists to remove)',
    emulatorFlags: ['--service-principal'],
    variables: [
      'KEY_VAULT_URL',
      'AZURE_AUTHORITY_HOST',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'NODE_EXTRA_CA_CERTS',
    ],
  },
};
const DEFAULT_IDENTITY = 'app-service';
/** Emulator flags `--identity` sets; given directly, the sample would get the wrong variables. */
const IDENTITY_FLAGS = { '--workload-identity': 'workload', '--service-principal': 'service-principal' };
/**
 * Inherited variables that would change which credential the sample uses (a developer's service
 * principal, a workload identity, an IMDS override): dropped, so the demo shows exactly the chosen
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

/** Splits `--identity NAME` / `--identity=NAME` off the arguments; the rest go to the emulator. */
function parseArguments(argv) {
  let identity;
  const rest = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const flag = arg.split('=', 1)[0];
    if (flag in IDENTITY_FLAGS) {
      throw new Error(
        `${flag} is set by --identity: use \`npm start -- --identity ${IDENTITY_FLAGS[flag]}\``,
      );
    }
    if (flag !== '--identity') {
      rest.push(arg);
      continue;
    }
    if (identity !== undefined) throw new Error('--identity given more than once');
    identity = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[(i += 1)];
    if (!Object.hasOwn(IDENTITY_PATHS, identity ?? '')) {
      throw new Error(
        `--identity must be one of ${Object.keys(IDENTITY_PATHS).join(', ')}, got ${identity === undefined ? 'nothing' : `"${identity}"`}`,
      );
    }
  }
  return { identity: identity ?? DEFAULT_IDENTITY, emulatorArgs: rest };
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

let parsed;
try {
  parsed = parseArguments(process.argv.slice(2));
} catch (error) {
  fail(error.message);
  process.exit(2);
}
const identityPath = IDENTITY_PATHS[parsed.identity];
/** What the emulator prints and the script waits for: its five lines and the chosen path's variables. */
const EXPECTED_LINES = [...new Set([...EMULATOR_LINES, ...identityPath.variables])];

for (const [file, what] of [
  [EMULATOR_MAIN, 'the emulator'],
  [SAMPLE_MAIN, 'the sample'],
]) {
  if (!existsSync(file)) {
    fail(`${what} is not built (${file} is missing). Run \`npm run build\` — \`npm start\` does it first.`);
    process.exit(1);
  }
}

// 1. The emulator, seeded with the sample's secrets, with the identity path's flags; the other arguments
//    of `npm start -- …` go to it.
const emulator = start(
  'emulator',
  [EMULATOR_MAIN, '--seed', SEED, ...identityPath.emulatorFlags, ...parsed.emulatorArgs],
  process.env,
);
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
    if (!match) return false;
    // Every KEY=VALUE line is kept from the terminal, not just the expected ones: with
    // --service-principal one of them is a client secret.
    if (!(match[1] in contract)) contract[match[1]] = match[2];
    if (EXPECTED_LINES.every((key) => key in contract)) {
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
/** The state file holds the five lines only (the admin API needs them), never a client secret. */
const state = Object.fromEntries(EMULATOR_LINES.map((key) => [key, contract[key]]));
writeState(state);

// 2. The sample, with exactly the identity path's variables added to a cleaned environment.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CREDENTIAL_VARIABLE.test(key)));
for (const key of identityPath.variables) env[key] = contract[key];
// Nest colours its log unless NO_COLOR is set: keep colours for a terminal, plain text for a pipe or file.
if (!process.stdout.isTTY && !('FORCE_COLOR' in env)) env.NO_COLOR = '1';
say(`Identity path: ${parsed.identity} — ${identityPath.label}.`);
say(
  `Emulated vault ${contract.KEY_VAULT_URL}; starting the sample with only ${identityPath.variables.join(', ')}.`,
);

const sample = start('sample', [SAMPLE_MAIN], env);
forward(sample.stderr, process.stderr, '');
forward(sample.stdout, process.stdout, '', (line) => {
  // Match the plain text, whether or not the line is coloured.
  const url = LISTENING.exec(stripVTControlCharacters(line))?.[1];
  if (!url) return false;
  process.stdout.write(`${line}\n`);
  writeState({ ...state, SAMPLE_URL: url, SAMPLE_REFRESH_INTERVAL: env.SAMPLE_REFRESH_INTERVAL || '5s' });
  say(
    [
      '',
      `  Sample:   ${url}/  (status page: vault, identity, keys and versions — never values)`,
      `  Status:   ${url}/api/status  (the same as JSON)`,
      `  Identity: ${parsed.identity} (npm start -- --identity ${Object.keys(IDENTITY_PATHS).join('|')})`,
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

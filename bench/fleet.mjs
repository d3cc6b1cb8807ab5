/**
 * Fleet startup benchmark: R replicas (separate Node processes, as application instances are) start
 * at the same moment against one emulator vault that throttles like Key Vault (a 10-second window
 * per vault, 429 without Retry-After, rejected requests not counted). The emulator runs in a process
 * of its own. No assertions: it prints figures.
 *
 *   npm run bench:fleet                                   # 10 × 60 secrets at 250 per 10 s, 20 ms
 *   npm run bench:fleet -- --replicas 1 --secrets 400 --throttle 150
 *   npm run bench:fleet -- --runs library                 # only the library's fleet
 *
 * Flags:
 *   --replicas R     replica processes (default 10)
 *   --secrets N      secrets in the vault (default 60)
 *   --throttle T     vault transactions per 10 s (default 250; 0 = no throttle)
 *   --latency MS     emulator latency per vault request (default 20)
 *   --runs LIST      fleets to run, from FLEET_RUNS below (default: all)
 *
 * Printed per fleet: each replica ready/failed (with the error code) and its time to ready, the
 * fleet's wall time beside the throttle bound, the 429s the vault answered, and the replicas' CPU.
 * The bound: the fleet needs R × (N gets + ⌈N/25⌉ pages + 1 challenge) transactions; at T per 10 s
 * the last of them can be served at the earliest in window k = ⌈total / T⌉, i.e. between
 * (k − 1) × 10 s and k × 10 s. Wall time / bound compares with the window's end.
 */
import { fork } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PAGE_SIZE } from './bench-seed.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WINDOW_MS = 10_000;

/**
 * The fleets compared. Add an entry to benchmark another source (e.g. mounted files): `strategy` is a
 * strategies.mjs name run by fleet-replica.mjs; `env` is added to each replica's environment.
 */
export const FLEET_RUNS = [
  { name: 'library', strategy: 'library', what: 'this library (throttle controller, deadline 60 s)' },
  {
    name: 'sdk-default',
    strategy: 'sdk-listfirst',
    what: 'bare JS SDK, its default retry (no 429 retry without Retry-After)',
  },
  {
    name: 'dotnet',
    strategy: 'dotnet-retry',
    what: ".NET provider's loader with Azure.Core's default retry (3 × 429, 0.8 s exponential)",
  },
];

const { values: flags } = parseArgs({
  options: {
    replicas: { type: 'string', default: '10' },
    secrets: { type: 'string', default: '60' },
    throttle: { type: 'string', default: '250' },
    latency: { type: 'string', default: '20' },
    runs: { type: 'string', default: FLEET_RUNS.map((r) => r.name).join(',') },
  },
});
const int = (name, min) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`bench:fleet: --${name} must be an integer ≥ ${min}.`);
    process.exit(2);
  }
  return v;
};
const R = int('replicas', 1);
const N = int('secrets', 1);
const T = int('throttle', 0);
const LATENCY = int('latency', 0);
const RUNS = flags.runs.split(',').map((name) => {
  const run = FLEET_RUNS.find((r) => r.name === name.trim());
  if (!run) {
    console.error(`bench:fleet: unknown run '${name}' (known: ${FLEET_RUNS.map((r) => r.name).join(', ')}).`);
    process.exit(2);
  }
  return run;
});

const TOTAL = R * (N + Math.ceil(N / PAGE_SIZE) + 1);
const WINDOWS = T > 0 ? Math.ceil(TOTAL / T) : 0;
const BOUND_MS = WINDOWS * WINDOW_MS;

async function startEmulator() {
  const args = ['--n', String(N), '--latency', String(LATENCY), ...(T > 0 ? ['--throttle', String(T)] : [])];
  const child = fork(join(ROOT, 'bench/emulator-process.mjs'), args, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const env = {};
  for await (const line of createInterface({ input: child.stdout })) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    if (Object.keys(env).length >= 5) break;
  }
  const admin = (path, method = 'GET', body) =>
    fetch(`${env.AZURE_POD_IDENTITY_AUTHORITY_HOST}/_emulator/${path}`, {
      method,
      headers: { 'x-identity-header': env.IDENTITY_HEADER, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).then(async (res) => {
      if (!res.ok) throw new Error(`admin API ${method} ${path}: ${res.status}`);
      return res.status === 204 ? undefined : res.json();
    });
  return { child, env, admin };
}

/** The first IPC message of `type` from a replica; rejects if it exits first. */
const message = (child, type) =>
  new Promise((resolveMessage, reject) => {
    child.on('message', (m) => m?.type === type && resolveMessage(m));
    child.once('exit', (code) => reject(new Error(`replica exited (${code}) before '${type}'`)));
  });

/** Forks R replicas, waits until every one is armed, then starts them together. */
async function runFleet(emulator, run) {
  // A fresh window for every fleet: the throttle forgets earlier usage when it is set.
  if (T > 0) await emulator.admin('throttle', 'POST', { perTenSeconds: T });
  await emulator.admin('counters/reset', 'POST');
  const replicas = Array.from({ length: R }, () =>
    fork(join(ROOT, 'bench/fleet-replica.mjs'), ['--strategy', run.strategy, '--n', String(N)], {
      env: { ...process.env, ...emulator.env, ...run.env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(replicas.map((c) => message(c, 'armed')));
  const results = replicas.map((c) => message(c, 'result'));
  const started = performance.now();
  for (const c of replicas) c.send({ type: 'go' });
  const settled = await Promise.all(
    results.map((p) => p.then((r) => ({ ...r, at: performance.now() - started }))),
  );
  const wallMs = performance.now() - started;
  const log = await emulator.admin('log');
  const throttled = log.entries.filter((e) => e.status === 429).length;
  return { run, results: settled, wallMs, throttled };
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
function print({ run, results, wallMs, throttled }) {
  const ready = results.filter((r) => r.ok);
  const cpu = results.map((r) => r.cpuMs).sort((a, b) => a - b);
  console.log(`\n${run.name}: ${run.what}`);
  results.forEach((r, i) => {
    const t = r.throttling;
    const figures =
      t && t.responses429 > 0
        ? `  (429s ${t.responses429}, waited ${s(t.waitedMs)}, lowest concurrency ${t.lowestConcurrency})`
        : '';
    console.log(
      `  replica ${String(i + 1).padStart(2)}: ${r.ok ? 'ready ' : `FAILED ${r.code}`} ${s(r.elapsedMs).padStart(7)}  cpu ${Math.round(r.cpuMs)} ms${figures}`,
    );
  });
  const ratio = BOUND_MS > 0 ? ` = ${(wallMs / BOUND_MS).toFixed(2)}× the bound` : '';
  console.log(
    `  ready ${ready.length}/${results.length}; fleet wall ${s(wallMs)}${ratio}; 429s answered ${throttled}; client CPU median ${Math.round(cpu[cpu.length >> 1])} ms, total ${Math.round(cpu.reduce((a, b) => a + b, 0))} ms`,
  );
}

const emulator = await startEmulator();
console.log(
  `bench:fleet — ${R} replicas × ${N} secrets, latency ${LATENCY} ms, throttle ${T > 0 ? `${T} per 10 s (429 without Retry-After)` : 'off'}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (T > 0) {
  console.log(
    `  ${TOTAL} transactions (R × (N + ⌈N/25⌉ + 1)) → the last can be served in window ${WINDOWS}: ${s((WINDOWS - 1) * WINDOW_MS)}–${s(BOUND_MS)}; bound = ${s(BOUND_MS)}`,
  );
}
try {
  for (const run of RUNS) print(await runFleet(emulator, run));
} finally {
  emulator.child.kill('SIGTERM');
}

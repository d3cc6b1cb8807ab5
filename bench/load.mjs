/**
 * Startup load benchmark: N secrets behind a fixed per-request latency, loaded cold (a fresh client
 * process per load) by this library and, for comparison, by the .NET provider's strategy and two naive
 * ones, all through the real SDK and an App Service managed identity. The emulator runs in a process
 * of its own, so client and server never share an event loop. No assertions: it prints figures.
 *
 *   npm run bench:load                              # N=1000, 20 ms, 5 runs, ~40 s (builds what is stale)
 *   npm run bench:load -- --n 1000 --latency 20 --concurrency 32 --runs 5
 *   npm run bench:load -- --strategies library,dotnet --profile
 *
 * Flags:
 *   --n N               secrets in the vault (default 1000)
 *   --latency MS        emulator latency per vault request (default 20)
 *   --concurrency C     fetches in flight for every strategy but the naive ones (default: the library's
 *                       default, 32; dotnet 32). A list (16,32,64) runs a sweep: one column per value
 *   --runs R            timed loads per strategy, interleaved (default 5)
 *   --naive-runs R      timed loads of each naive strategy (default 2: they are slow and far off)
 *   --strategies LIST   comma-separated, from library,dotnet,naive-all (the default) and naive-serial
 *                       (20+ s), library-explicit (explicit mode, no list), sdk-listfirst (the
 *                       library's request order on the bare SDK), dotnet-als (dotnet with Node's
 *                       promise hooks on, as any AsyncLocalStorage use turns them on)
 *   --core DIR          benchmark another build of the core for `library*` (a directory with its
 *                       index.js, e.g. a copy of libs/keyvault-config/dist/core taken before a change)
 *   --emulator KIND     `process` (bench/emulator-process.mjs: also counts TLS connections; default) or
 *                       `cli` (dist/apps/keyvault-emulator/main.js)
 *   --profile           one extra `library` load under node --cpu-prof; prints a summary and the file
 *   --no-build          do not rebuild stale dist/ output
 *   --json              also print every run as JSON lines
 *
 * What it reports, per strategy (median of the runs, with min–max for the elapsed time): elapsed ms and
 * its ratio to the floor (the serial chain of list pages, ⌈N/25⌉ × latency), request counts by route
 * and status (the emulator's counters), TLS handshakes (server side, full and resumed), the peak number
 * of gets in flight at the server and of listed secrets waiting for their get, a breakdown of the
 * elapsed time from the emulator's request log (until the first authorized request, the list chain with its
 * per-page client turnaround, the gets after the last page, the work after the last response), CPU
 * time of the client and of the emulator, and the client's peak RSS and V8 heap. The machine's load
 * average is printed too: other processes on the same CPUs make every figure noisy.
 */
import { spawn, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { benchSeed, EXTRA_STRATEGIES, PAGE_SIZE, STRATEGIES as DEFAULT_STRATEGIES } from './bench-seed.mjs';
import { formatSummary, summarise } from './profile-summary.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALL_STRATEGIES = [...DEFAULT_STRATEGIES, ...EXTRA_STRATEGIES];

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'naive-runs': { type: 'string', default: '2' },
    strategies: { type: 'string', default: DEFAULT_STRATEGIES.join(',') },
    core: { type: 'string' },
    emulator: { type: 'string', default: 'process' },
    profile: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function positiveInt(name, raw, min = 1) {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) fail(`--${name} must be an integer ≥ ${min} (got '${raw}').`);
  return value;
}
function fail(message) {
  console.error(`bench:load: ${message}`);
  process.exit(2);
}

const N = positiveInt('n', flags.n);
const LATENCY_MS = positiveInt('latency', flags.latency, 0);
/** One value, or several for a sweep (each strategy but the naive ones runs at each). */
const CONCURRENCIES =
  flags.concurrency === undefined
    ? [undefined]
    : flags.concurrency.split(',').map((c) => positiveInt('concurrency', c.trim()));
const CONCURRENCY = CONCURRENCIES.length === 1 ? CONCURRENCIES[0] : CONCURRENCIES.join(',');
const RUNS = positiveInt('runs', flags.runs);
const NAIVE_RUNS = positiveInt('naive-runs', flags['naive-runs']);
const STRATEGIES = flags.strategies
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of STRATEGIES)
  if (!ALL_STRATEGIES.includes(s)) fail(`unknown strategy '${s}' (known: ${ALL_STRATEGIES.join(', ')}).`);
if (!['process', 'cli'].includes(flags.emulator)) fail(`--emulator must be 'process' or 'cli'.`);
const FLOOR_MS = Math.ceil(N / PAGE_SIZE) * LATENCY_MS;
const CORE_DIR = flags.core === undefined ? undefined : resolve(flags.core);
if (CORE_DIR && !existsSync(join(CORE_DIR, 'index.js'))) fail(`--core: no index.js in ${CORE_DIR}.`);

// --------------------------------------------------------------------------------------------- build

/** Newest mtime of the non-spec .ts files under `dir`. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Rebuilds each stale output; a build with type errors that still emitted is used, with a warning. */
function ensureBuilt() {
  const targets = [
    {
      name: 'nestjs-keyvault-config',
      sources: ['libs/keyvault-config/src'],
      output: 'libs/keyvault-config/dist/core/index.js',
      command: ['run', 'build', '--workspace=nestjs-keyvault-config'],
    },
    {
      name: 'keyvault-emulator',
      sources: ['libs/keyvault-emulator/src'],
      output: 'libs/keyvault-emulator/dist/index.js',
      command: ['run', 'build', '--workspace=keyvault-emulator'],
    },
  ];
  if (flags.emulator === 'cli') {
    targets.push({
      name: 'the emulator CLI',
      sources: ['apps/keyvault-emulator/src', 'libs/keyvault-emulator/src'],
      output: 'dist/apps/keyvault-emulator/main.js',
      command: ['run', 'build:emulator'],
    });
  }
  for (const target of targets) {
    const output = join(ROOT, target.output);
    const newest = Math.max(...target.sources.map((s) => newestSource(join(ROOT, s))));
    const stale = !existsSync(output) || statSync(output).mtimeMs < newest;
    if (flags['no-build']) {
      if (!existsSync(output)) fail(`${target.output} is missing; run \`npm ${target.command.join(' ')}\`.`);
      if (stale)
        console.error(`bench:load: warning: ${target.output} is older than its sources (--no-build).`);
      continue;
    }
    if (!stale) continue;
    const before = existsSync(output) ? statSync(output).mtimeMs : 0;
    console.error(`bench:load: building ${target.name} (npm ${target.command.join(' ')}) …`);
    const result = spawnSync('npm', target.command, { cwd: ROOT, encoding: 'utf8' });
    if (result.status === 0) continue;
    const emitted = existsSync(output) && statSync(output).mtimeMs > before;
    const errors = `${result.stdout ?? ''}${result.stderr ?? ''}`
      .split('\n')
      .filter((l) => /error/i.test(l))
      .slice(0, 8)
      .join('\n  ');
    if (!emitted) {
      fail(
        `could not build ${target.name} (npm ${target.command.join(' ')} exited ${result.status}):\n  ${errors}\nFix the build, or pass --no-build to use the existing ${target.output}.`,
      );
    }
    console.error(
      `bench:load: warning: ${target.name} built with type errors (output emitted, benchmarking it):\n  ${errors}`,
    );
  }
}

// ------------------------------------------------------------------------------------------ emulator

/** Reads the five KEY=VALUE lines the emulator prints once ready. */
function readEnv(child, label) {
  return new Promise((resolveEnv, reject) => {
    const env = {};
    const lines = createInterface({ input: child.stdout });
    const onExit = (code) => reject(new Error(`${label} exited (${code}) before printing its environment`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const eq = line.indexOf('=');
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
      if (Object.keys(env).length === 5) {
        child.off('exit', onExit);
        lines.close();
        resolveEnv(env);
      }
    });
  });
}

/** Starts the emulator in its own process; returns its env and helpers. */
async function startEmulatorProcess() {
  let child;
  let seedDir;
  if (flags.emulator === 'cli') {
    seedDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
    const seedFile = join(seedDir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(benchSeed(N)));
    child = spawn(
      process.execPath,
      [
        join(ROOT, 'dist/apps/keyvault-emulator/main.js'),
        '--port',
        '0',
        '--latency',
        String(LATENCY_MS),
        '--seed',
        seedFile,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } else {
    child = fork(
      join(ROOT, 'bench/emulator-process.mjs'),
      ['--n', String(N), '--latency', String(LATENCY_MS)],
      {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
  }
  const env = await readEnv(child, `emulator (${flags.emulator})`);
  const admin = (path, method = 'GET') =>
    fetch(`${env.AZURE_POD_IDENTITY_AUTHORITY_HOST}/_emulator/${path}`, {
      method,
      headers: { 'x-identity-header': env.IDENTITY_HEADER },
    }).then(async (res) => {
      if (!res.ok) throw new Error(`admin API ${method} ${path}: ${res.status}`);
      return res.status === 204 ? undefined : res.json();
    });
  const ipc = (type) =>
    child.connected
      ? new Promise((resolveMessage) => {
          const onMessage = (message) => {
            if (message?.type !== type) return;
            child.off('message', onMessage);
            resolveMessage(message);
          };
          child.on('message', onMessage);
          child.send({ type });
        })
      : Promise.resolve(undefined);
  /** CPU time of the emulator process in ms (Linux /proc; undefined elsewhere). */
  const procCpuMs = () => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
    } catch {
      return undefined;
    }
  };
  let cpuAtReset;
  return {
    env,
    async reset() {
      await admin('counters/reset', 'POST');
      await ipc('reset');
      cpuAtReset = procCpuMs();
    },
    async collect() {
      const [counters, log, stats] = await Promise.all([admin('counters'), admin('log'), ipc('stats')]);
      const cpuNow = procCpuMs();
      const cpuMs =
        stats?.cpuMs ?? (cpuNow !== undefined && cpuAtReset !== undefined ? cpuNow - cpuAtReset : undefined);
      return { counters, entries: log.entries, stats, emulatorCpuMs: cpuMs };
    },
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      if (seedDir) rmSync(seedDir, { recursive: true, force: true });
    },
  };
}

// -------------------------------------------------------------------------------------------- client

/** One cold load in a fresh process. */
function runClient(env, { strategy, concurrency }, { cpuProfDir } = {}) {
  const args = [
    ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
    join(ROOT, 'bench/load-client.mjs'),
    '--strategy',
    strategy,
    '--n',
    String(N),
    ...(concurrency !== undefined ? ['--concurrency', String(concurrency)] : []),
  ];
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env, ...(CORE_DIR ? { BENCH_CORE: CORE_DIR } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line)
        return reject(new Error(`${strategy} client failed (exit ${code}):\n${err}${out}`));
      resolveRun(JSON.parse(line));
    });
  });
}

// ------------------------------------------------------------------------------------------ analysis

/** Figures the emulator's request log gives about one run. */
function analyse(run, entries) {
  const requests = entries
    .filter((e) => e.route.startsWith('secrets.'))
    .map((e) => {
      const end = Date.parse(e.time);
      return { route: e.route, status: e.status, start: end - e.durationMs, end, duration: e.durationMs };
    });
  const lists = requests
    .filter((r) => r.route === 'secrets.list' && r.status === 200)
    .sort((a, b) => a.start - b.start);
  const gets = requests.filter((r) => r.route === 'secrets.get');
  const result = {};
  if (lists.length > 0) {
    const first = lists[0];
    const last = lists[lists.length - 1];
    const listServer = lists.reduce((sum, r) => sum + r.duration, 0);
    const chain = last.end - first.start;
    result.listChainMs = chain;
    result.listTurnaroundMs = lists.length > 1 ? (chain - listServer) / (lists.length - 1) : 0;
    const lastGetEnd = Math.max(...gets.map((g) => g.end), last.end);
    result.tailMs = lastGetEnd - last.end;
    result.afterLastResponseMs = run.endedAt - Math.max(lastGetEnd, last.end);
  }
  // Peak backlog: secrets listed (page responses sent) but whose get has not reached the server yet.
  const getStarts = gets.map((g) => g.start).sort((x, y) => x - y);
  result.peakBacklog = 0;
  lists.forEach((list, k) => {
    const listed = Math.min((k + 1) * PAGE_SIZE, N);
    const started = getStarts.filter((t) => t <= list.end).length;
    result.peakBacklog = Math.max(result.peakBacklog, listed - started);
  });
  if (gets.length > 0 && lists.length === 0) {
    result.afterLastResponseMs = run.endedAt - Math.max(...gets.map((g) => g.end));
  }
  // Until the first authorized request: credential, the 401 challenge round trip, the token, cold code.
  const authorized = requests.filter((r) => r.status !== 401);
  if (authorized.length > 0) {
    result.toAuthorizedMs = Math.min(...authorized.map((r) => r.start)) - run.startedAt;
  }
  // Peak number of gets in flight at the server (sweep over starts and ends).
  const events = gets.flatMap((g) => [
    [g.start, 1],
    [g.end, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let inFlight = 0;
  result.peakGetsInFlight = 0;
  for (const [, delta] of events)
    result.peakGetsInFlight = Math.max(result.peakGetsInFlight, (inFlight += delta));
  return result;
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const round = (x, digits = 0) => (x === undefined ? '–' : Number(x.toFixed(digits)));

/** Vault requests of one run (any route, any status). */
function vaultRequests(byRoute) {
  let total = 0;
  for (const [route, byStatus] of Object.entries(byRoute)) {
    if (route.startsWith('secrets.')) for (const n of Object.values(byStatus)) total += n;
  }
  return total;
}

/** `secrets.list 200×40 401×1` style counts of one run. */
function routeCounts(byRoute) {
  const order = ['identity.appservice', 'identity.imds', 'secrets.list', 'secrets.get'];
  const routes = Object.keys(byRoute).sort(
    (a, b) => ((order.indexOf(a) + 99) % 99) - ((order.indexOf(b) + 99) % 99),
  );
  return Object.fromEntries(
    routes.map((route) => [
      route,
      Object.entries(byRoute[route])
        .map(([status, n]) => `${n}×${status}`)
        .join(' '),
    ]),
  );
}

// -------------------------------------------------------------------------------------------- main

ensureBuilt();
const emulator = await startEmulatorProcess();
/** What runs: each strategy, at each concurrency of a sweep (naive strategies have none). */
const VARIANTS = STRATEGIES.flatMap((strategy) =>
  strategy.startsWith('naive')
    ? [{ label: strategy, strategy }]
    : CONCURRENCIES.map((concurrency) => ({
        label: CONCURRENCIES.length > 1 ? `${strategy} c=${concurrency}` : strategy,
        strategy,
        concurrency,
      })),
);
const results = new Map(VARIANTS.map((v) => [v.label, []]));
try {
  console.error(
    `bench:load: N=${N}, latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY ?? 'default'}, ${RUNS} run(s) per strategy, emulator: ${flags.emulator} (pid separate from each client)`,
  );
  const loadBefore = loadavg()[0];
  // Warm the emulator (JIT, TLS session cache) with one untimed load.
  await emulator.reset();
  await runClient(emulator.env, { strategy: 'library' });

  const schedule = [];
  for (let r = 0; r < Math.max(RUNS, NAIVE_RUNS); r++) {
    // Rotate the order so that no strategy always runs first or last.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]);
    for (const variant of order) {
      const runs = variant.strategy.startsWith('naive') ? NAIVE_RUNS : RUNS;
      if (r < runs) schedule.push(variant);
    }
  }
  for (const variant of schedule) {
    await emulator.reset();
    const run = await runClient(emulator.env, variant);
    const collected = await emulator.collect();
    const figures = {
      ...run,
      ...analyse(run, collected.entries),
      routes: routeCounts(collected.counters.byRoute),
      requests: vaultRequests(collected.counters.byRoute),
      connections: collected.stats?.connections,
      handshakes: collected.stats?.handshakes,
      resumed: collected.stats?.resumed,
      emulatorCpuMs: collected.emulatorCpuMs,
    };
    results.get(variant.label).push(figures);
    process.stderr.write(`  ${variant.label.padEnd(18)} ${Math.round(run.elapsedMs)} ms\n`);
    if (flags.json) console.log(JSON.stringify(figures));
  }

  // ------------------------------------------------------------------------------------------ report
  const loadAfter = loadavg()[0];
  const rows = {};
  const row = (name, strategy, value) => ((rows[name] ??= {})[strategy] = value);
  for (const [strategy, runs] of results) {
    if (runs.length === 0) continue;
    const m = (key) => median(runs.map((r) => r[key]));
    const elapsed = runs.map((r) => r.elapsedMs);
    const routes = runs[runs.length - 1].routes;
    row('runs', strategy, runs.length);
    row('elapsed ms (median)', strategy, round(m('elapsedMs')));
    row(
      'elapsed ms (min–max)',
      strategy,
      `${Math.round(Math.min(...elapsed))}–${Math.round(Math.max(...elapsed))}`,
    );
    row('× floor', strategy, FLOOR_MS > 0 ? round(m('elapsedMs') / FLOOR_MS, 2) : '–');
    row('secrets loaded', strategy, runs[0].loaded);
    row('token requests', strategy, routes['identity.appservice'] ?? routes['identity.imds'] ?? '0');
    row('secrets.list (by status)', strategy, routes['secrets.list'] ?? '0');
    row('secrets.get (by status)', strategy, routes['secrets.get'] ?? '0');
    row(
      'TLS handshakes (resumed)',
      strategy,
      m('handshakes') === undefined ? 'n/a (cli)' : `${round(m('handshakes'))} (${round(m('resumed'))})`,
    );
    row('peak gets in flight (server)', strategy, round(m('peakGetsInFlight')));
    row('peak backlog (listed, get not sent)', strategy, round(m('peakBacklog')));
    row('start → 1st authorized request ms', strategy, round(m('toAuthorizedMs')));
    row('list chain ms', strategy, round(m('listChainMs')));
    row('  client turnaround per page ms', strategy, round(m('listTurnaroundMs'), 1));
    row('gets after last page ms', strategy, round(m('tailMs')));
    row('last response → done ms', strategy, round(m('afterLastResponseMs')));
    row('client CPU ms', strategy, round(m('cpuMs')));
    row(
      'client CPU per request ms',
      strategy,
      round(median(runs.map((r) => r.cpuMs / (r.requests || 1))), 2),
    );
    row('emulator CPU ms', strategy, round(m('emulatorCpuMs')));
    row('client peak RSS MB', strategy, round(m('peakRssMb'), 1));
    row(
      'client peak heap MB (before)',
      strategy,
      `${round(m('peakHeapMb'), 1)} (${round(m('heapBeforeMb'), 1)})`,
    );
  }
  console.log(
    `\nN = ${N} secrets, latency = ${LATENCY_MS} ms per vault request, concurrency = ${CONCURRENCY ?? 'library default (32); dotnet 32'}${CORE_DIR ? `, core = ${CORE_DIR}` : ''}`,
  );
  console.log(
    `floor = ⌈N/${PAGE_SIZE}⌉ × latency = ${Math.ceil(N / PAGE_SIZE)} × ${LATENCY_MS} = ${FLOOR_MS} ms (list mode)`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs, load average ${loadBefore.toFixed(2)} before / ${loadAfter.toFixed(2)} after${loadBefore > 0.5 || loadAfter > 2.5 ? '  (other processes compete for the CPUs: expect noise)' : ''}`,
  );
  console.table(rows);
  console.log(
    "Counts are of the last run; other rows are medians. Timings of requests come from the emulator's log (1 ms resolution).",
  );

  if (flags.profile) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-load-prof-'));
    await emulator.reset();
    const run = await runClient(
      emulator.env,
      { strategy: 'library', concurrency: CONCURRENCIES[0] },
      { cpuProfDir: dir },
    );
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    console.log(
      `\nCPU profile of one library load (${Math.round(run.elapsedMs)} ms, profiler on): ${join(dir, file)}`,
    );
    console.log('(the profile covers the whole client process, module loading included)');
    console.log(formatSummary(summarise(JSON.parse(readFileSync(join(dir, file), 'utf8'))), 20));
  }
} finally {
  await emulator.close();
}

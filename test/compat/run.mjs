// The compatibility matrix (issue 11): the packed library, installed with plain `npm install` into
// generated Nest 10/11/12 apps (CommonJS and ESM) and a core-only Express app, each booted on Node
// 20/22/24 against the emulator; and the ConfigService bridge spec against each set's @nestjs/config.
// One line per cell; exits 1 when any cell fails.
//
//   node test/compat/run.mjs [--node 22=/path/to/node ...] [--jobs N] [--only nest11,core] [--prebuilt]
//
// The running Node installs and compiles; cells run on the Node given for their major (the running
// Node is always available under its own major). Installs are cached in $KV_CI_CACHE/compat (default
// ~/.cache/nestjs-keyvault-config-ci/compat). Needs the emulator built (npm run build:emulator);
// --prebuilt packs the library's current dist/ (after `npm run build`) instead of building a copy.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { compile, readVersions, runCell } from './cell.mjs';
import { installSet, packLibrary, temporaryDirectory } from './install.mjs';
import { cells, SETS } from './matrix.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APPS = fileURLToPath(new URL('./apps/', import.meta.url));
const GUARD = join(ROOT, 'test/support/network-guard.mjs');
const EMULATOR = join(ROOT, 'libs/keyvault-emulator/dist/index.js');
const BRIDGE_SPEC = join(ROOT, 'libs/keyvault-config/src/nest/config-service.bridge.spec.ts');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const exec = promisify(execFile);
const VERSIONS = [
  '@nestjs/common',
  '@nestjs/config',
  '@nestjs/terminus',
  'express',
  '@azure/identity',
  '@azure/keyvault-secrets',
];

const { values: args } = parseArgs({
  options: {
    node: { type: 'string', multiple: true, default: [] },
    jobs: { type: 'string', default: '3' },
    only: { type: 'string' },
    prebuilt: { type: 'boolean', default: false },
  },
});
const nodes = new Map([[Number(process.versions.node.split('.')[0]), process.execPath]]);
for (const entry of args.node) {
  const [major, path] = entry.split('=');
  nodes.set(Number(major), path);
}
const only = args.only?.split(',');
const cacheDir = process.env.KV_CI_CACHE || join(homedir(), '.cache/nestjs-keyvault-config-ci');
const started = Date.now();
const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

/** Runs `tasks` (functions returning promises) `limit` at a time; resolves to their settled results. */
async function pool(tasks, limit) {
  const results = Array.from({ length: tasks.length });
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]().then(
        (value) => ({ ok: true, value }),
        (error) => ({ ok: false, error }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * The Nest layer's ConfigService bridge spec against the set's own @nestjs/config (and the Nest it
 * peers with): what the bridge relies on in ConfigService, pinned on every major.
 */
async function bridgeSpec(set, setDir) {
  const label = `node${process.versions.node.split('.')[0]} ${set.label.padEnd(24)} bridge`;
  const t0 = Date.now();
  try {
    const { stdout } = await exec(
      process.execPath,
      [VITEST, 'run', '--config', 'test/compat/bridge.vitest.config.mjs'],
      {
        cwd: ROOT,
        env: { ...process.env, KV_COMPAT_SET_DIR: setDir, NO_COLOR: '1' },
        maxBuffer: 16 << 20,
      },
    );
    const tests = /Tests\s+(\d+) passed/.exec(stdout)?.[1] ?? '?';
    return { ok: true, line: `ok    ${label}  ConfigService bridge spec, ${tests} tests (${seconds(t0)})` };
  } catch (error) {
    return { ok: false, line: `FAIL  ${label} (${seconds(t0)})\n${error.stdout || error.message}` };
  }
}

/** The environment App Service gives an app (plus the emulator's CA), with the loopback guard. */
function appEnvironment(emulator, guardLog) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$|npm_)/i.test(key),
    ),
  );
  return {
    ...env,
    IDENTITY_ENDPOINT: emulator.env.IDENTITY_ENDPOINT,
    IDENTITY_HEADER: emulator.env.IDENTITY_HEADER,
    NODE_EXTRA_CA_CERTS: emulator.env.NODE_EXTRA_CA_CERTS,
    NODE_OPTIONS: `--import=${pathToFileURL(GUARD).href}`,
    NETWORK_GUARD_LOG: guardLog,
    NO_COLOR: '1',
  };
}

async function main() {
  if (!existsSync(EMULATOR)) throw new Error(`${EMULATOR} is missing: run \`npm run build:emulator\` first.`);
  const { startEmulator } = await import(pathToFileURL(EMULATOR).href);
  const work = temporaryDirectory();
  const sets = SETS.filter((set) => !only || only.includes(set.name));
  let failed = 0;
  const emulator = await startEmulator();
  try {
    let t0 = Date.now();
    const tarball = await packLibrary(ROOT, work, { prebuilt: args.prebuilt });
    console.log(`pack     ${tarball.split('/').at(-1)} (${seconds(t0)})`);

    // Installs two at a time (npm is mostly waiting on the registry and the disk), then compiles.
    const installs = await pool(
      sets.map((set) => async () => {
        const installed = await installSet(set, tarball, cacheDir);
        const compiled = {};
        for (const kind of ['cjs', 'esm']) compiled[kind] = await compile(set, kind, installed.dir, APPS);
        return { ...installed, compiled };
      }),
      2,
    );
    const ready = new Map();
    sets.forEach((set, index) => {
      const result = installs[index];
      if (result.ok) {
        ready.set(set.name, result.value);
        const how = result.value.cached ? 'cached deps' : 'fresh install';
        console.log(
          `install  ${set.label}: ${readVersions(result.value.dir, VERSIONS)} (${how}, ${result.value.seconds.toFixed(1)}s)`,
        );
      } else {
        failed++;
        console.log(`FAIL     install ${set.label}\n${result.error.message}`);
      }
    });

    t0 = Date.now();
    const todo = cells().filter(({ set }) => ready.has(set.name));
    const guardLog = join(work, 'network-guard.log');
    const env = appEnvironment(emulator, guardLog);
    const bridges = existsSync(BRIDGE_SPEC)
      ? sets.filter((set) => set.name !== 'core' && ready.has(set.name))
      : [];
    const lines = await pool(
      [
        ...bridges.map((set) => () => bridgeSpec(set, ready.get(set.name).dir)),
        ...todo.map((cell, index) => async () => {
          const label = `node${cell.node} ${cell.set.label.padEnd(24)} ${cell.kind}`;
          const nodePath = nodes.get(cell.node);
          if (!nodePath)
            return {
              ok: false,
              line: `FAIL  ${label}: no Node ${cell.node} given (--node ${cell.node}=PATH)`,
            };
          const c0 = Date.now();
          try {
            await runCell({
              set: cell.set,
              nodePath,
              appDir: ready.get(cell.set.name).compiled[cell.kind],
              env,
              emulator,
              vaultName: `cell${index}`,
            });
            const what =
              cell.set.name === 'core'
                ? 'watch, load, rotation, health'
                : cell.set.cut?.includes('load-mode')
                  ? 'forRoot, forRootAsync, rotation, health'
                  : 'forRoot, forRootAsync, load, rotation, health';
            return { ok: true, line: `ok    ${label}  ${what} (${seconds(c0)})` };
          } catch (error) {
            return { ok: false, line: `FAIL  ${label} (${seconds(c0)})\n${error.message}` };
          }
        }),
      ],
      Number(args.jobs),
    );
    for (const result of lines) {
      const { ok, line } = result.value;
      if (!ok) failed++;
      console.log(line);
    }
    if (existsSync(guardLog)) {
      failed++;
      console.log('FAIL  an app tried to reach a non-loopback address (see the network guard log)');
    }
    console.log(
      `cells    ${lines.length - lines.filter((r) => !r.value.ok).length}/${lines.length} ok (${seconds(t0)}); total ${seconds(started)}`,
    );
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

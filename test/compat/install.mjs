// Packs the library and installs it, with plain `npm install`, into one cached app per set.
//
// The pack runs in a copy of libs/keyvault-config laid out like the monorepo, without dist/: prepack
// builds everything from sources, and the repository's own dist/ is left alone. Each set's
// dependencies are installed once into $KV_CI_CACHE/compat/<set>-<hash> (the hash covers the set's
// dependencies, the installing Node major and the ISO week, so new Nest releases arrive weekly); each
// run then only installs the new tarball into it — no --legacy-peer-deps, no links, no aliases.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const require = createRequire(import.meta.url);
const semver = require('semver');
const INSTALL_TIMEOUT_MS = 300_000;

/** npm without an outer npm's npm_* variables (a nested npm would read them as its config). */
export function npmEnv() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
  );
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  // The registry is the one non-loopback host an install talks to: no loopback guard for npm itself.
  env.NODE_OPTIONS = (env.NODE_OPTIONS ?? '')
    .split(' ')
    .filter((option) => !option.includes('network-guard'))
    .join(' ');
  return env;
}

async function npm(args, cwd) {
  try {
    await exec('npm', args, { cwd, env: npmEnv(), timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 << 20 });
  } catch (error) {
    throw new Error(`npm ${args.join(' ')} in ${cwd} failed:\n${error.stderr || error.message}`, {
      cause: error,
    });
  }
}

/**
 * `npm pack` of the library; resolves to the tarball's path. With `prebuilt` (CI, right after the
 * build) it packs libs/keyvault-config as it is, without running prepack; otherwise it packs a
 * dist-less, monorepo-shaped copy, so prepack builds everything from sources.
 */
export async function packLibrary(root, work, { prebuilt = false } = {}) {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  if (prebuilt) {
    await npm(
      ['pack', '--silent', '--ignore-scripts', '--pack-destination', packs],
      join(root, 'libs/keyvault-config'),
    );
    return join(
      packs,
      readdirSync(packs).find((file) => file.endsWith('.tgz')),
    );
  }
  const lib = join(root, 'libs/keyvault-config');
  const copy = join(work, 'repo');
  cpSync(lib, join(copy, 'libs/keyvault-config'), {
    recursive: true,
    filter: (source) => {
      const path = relative(lib, source).split(sep);
      return !path.includes('dist') && !path.includes('node_modules') && !source.endsWith('.tgz');
    },
  });
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) cpSync(join(root, file), join(copy, file));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  await npm(['pack', '--silent', '--pack-destination', packs], join(copy, 'libs/keyvault-config'));
  const [name] = readdirSync(packs).filter((file) => file.endsWith('.tgz'));
  return join(packs, name);
}

function isoWeek(date = new Date()) {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
  const start = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  return `${day.getUTCFullYear()}w${Math.ceil(((day - start) / 86_400_000 + 1) / 7)}`;
}

/** Packages in the app's lockfile whose `engines.node` rejects `version`. */
function enginesRejecting(dir, version) {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path && entry.engines?.node && !semver.satisfies(version, entry.engines.node))
    .map(
      ([path, entry]) => `${path.replace(/^node_modules\//, '')}@${entry.version} (${entry.engines.node})`,
    );
}

/**
 * The set's app directory with its dependencies (from the cache when present) and `tarball`
 * installed. Resolves to `{ dir, cached, seconds }`; throws with npm's output when an install fails.
 */
export async function installSet(set, tarball, cacheDir) {
  const t0 = Date.now();
  const spec = { dependencies: set.dependencies, overrides: set.overrides ?? {} };
  const key = createHash('sha256')
    .update(JSON.stringify([spec, process.versions.node.split('.')[0], isoWeek()]))
    .digest('hex')
    .slice(0, 12);
  const dir = join(cacheDir, 'compat', `${set.name}-${key}`);
  const cached = existsSync(join(dir, '.installed'));
  if (!cached) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const manifest = { name: `kv-compat-${set.name}`, private: true, ...spec };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    writeFileSync(join(dir, '.installed'), `${new Date().toISOString()}\n`);
  }
  // A new file name per build, so npm never mistakes a new tarball for the one it installed before.
  const sum = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 12);
  const tarballs = join(dir, 'tarballs');
  rmSync(tarballs, { recursive: true, force: true });
  mkdirSync(tarballs);
  const local = join(tarballs, `nestjs-keyvault-config-${sum}.tgz`);
  cpSync(tarball, local);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', `./${relative(dir, local)}`], dir);

  const rejecting = enginesRejecting(dir, process.versions.node);
  if (rejecting.length > 0)
    throw new Error(
      `${set.name}: installed packages reject Node ${process.versions.node}: ${rejecting.join(', ')}`,
    );
  const present = (set.absent ?? []).filter((name) => existsSync(join(dir, 'node_modules', name)));
  if (present.length > 0) throw new Error(`${set.name}: node_modules holds ${present.join(', ')}`);
  return { dir, cached, seconds: (Date.now() - t0) / 1000 };
}

export function temporaryDirectory() {
  return mkdtempSync(join(tmpdir(), 'kv-compat-'));
}

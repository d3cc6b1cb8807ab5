// `npm run lint:package`: lints the package as npm would publish it. Packs libs/keyvault-config (its
// current dist/: `npm run lint:package` builds first) and runs, offline under the loopback guard:
//   publint --strict                  the manifest, exports and files
//   attw (@arethetypeswrong/cli)      every entry point in every resolution mode: node10,
//                                     node16 from CJS, node16 from ESM, bundler
// Exits non-zero when either reports a problem.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIB = join(ROOT, 'libs/keyvault-config');
const GUARD = pathToFileURL(join(ROOT, 'test/support/network-guard.mjs')).href;
const BIN = join(ROOT, 'node_modules/.bin');

if (!existsSync(join(LIB, 'dist/index.js')) || !existsSync(join(LIB, 'dist/cjs/index.js'))) {
  console.error('lint:package: libs/keyvault-config/dist is missing; run `npm run build` first.');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'kv-lint-package-'));
const guardLog = join(work, 'network-guard.log');
let failed = false;
try {
  const pack = spawnSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], {
    cwd: LIB,
    encoding: 'utf8',
  });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const tarball = join(
    work,
    readdirSync(work).find((file) => file.endsWith('.tgz')),
  );
  const env = {
    ...process.env,
    NODE_OPTIONS: `--import=${GUARD}`,
    NETWORK_GUARD_LOG: guardLog,
    NO_COLOR: '1',
  };
  for (const [tool, args] of [
    ['publint', ['run', tarball, '--strict']],
    ['attw', [tarball, '--format', 'table-flipped']],
  ]) {
    console.log(`\n$ ${tool} ${args.join(' ').replace(work, '<tmp>')}`);
    const result = spawnSync(join(BIN, tool), args, { cwd: work, env, stdio: 'inherit' });
    if (result.status !== 0) {
      failed = true;
      console.error(`lint:package: ${tool} reported problems (exit ${result.status}).`);
    }
  }
  if (existsSync(guardLog)) {
    failed = true;
    console.error('lint:package: a tool tried to reach the network (it must run offline).');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

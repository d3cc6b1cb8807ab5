// Fails when the lockfile holds a package whose `engines.node` rejects the oldest Node we support.
// npm only warns (EBADENGINE) about these; on a Node 20 host they can crash at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const semver = require('semver');
// The oldest Node we support; CI also runs the suite on Node 22 and 24.
const OLDEST = ['20.19.0'];
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const bad = [];
for (const [path, pkg] of Object.entries(lock.packages ?? {})) {
  const range = pkg.engines?.node;
  if (!path || !range) continue;
  const rejected = OLDEST.filter((v) => !semver.satisfies(v, range));
  if (rejected.length > 0)
    bad.push(
      `${path.replace(/^.*node_modules\//, '')}@${pkg.version}: engines.node "${range}" rejects ${rejected.join(', ')}`,
    );
}
if (bad.length > 0) {
  console.error(
    `Lockfile packages that do not support every Node we claim (${OLDEST.join(', ')}):\n  ${bad.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `engines: all ${Object.keys(lock.packages).length - 1} locked packages accept Node ${OLDEST.join(', ')}`,
);

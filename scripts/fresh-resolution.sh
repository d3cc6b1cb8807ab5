#!/usr/bin/env bash
# Fresh resolution: the workspace installed WITHOUT package-lock.json — the newest versions every
# range allows on the running Node (on Node 22: Azure SDK releases that need 22, which the lockfile,
# kept on Node 20, never holds) — in a temporary copy, then the library's unit tests and its e2e
# tests of loading, refresh, credentials and the Nest module (test/keyvault-config). Catches a new SDK or Nest release that breaks the library before a
# user's fresh install does. Prints which versions differ from the lockfile.
#
#   scripts/fresh-resolution.sh            (CI runs it with Node 22 first on PATH)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kv-fresh-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The checkout's files (tracked and new, not ignored): no node_modules, no dist, no lockfile.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$WORK"
rm -f "$WORK/package-lock.json"
cd "$WORK"
echo "Node $(node --version): npm install without the lockfile"
# The registry is the one non-loopback host the install talks to: no loopback guard for npm itself.
env -u NODE_OPTIONS npm install --no-audit --no-fund --loglevel=error

# What resolved differently from the lockfile (the packages the library and its tests stand on).
node - "$ROOT/package-lock.json" "$WORK/package-lock.json" <<'JS'
const fs = require('node:fs');
const [locked, fresh] = process.argv.slice(2).map((file) => JSON.parse(fs.readFileSync(file, 'utf8')).packages);
const watched = /^node_modules\/(@azure\/[^/]+|@azure-rest\/[^/]+|@nestjs\/[^/]+|rxjs|typescript|vitest)$/;
const changed = Object.keys(fresh)
  .filter((path) => watched.test(path) && locked[path]?.version !== fresh[path].version)
  .map((path) => `${path.slice('node_modules/'.length)} ${locked[path]?.version ?? '(new)'} -> ${fresh[path].version}`);
console.log(changed.length ? `fresh versions: ${changed.join(', ')}` : 'fresh versions: same as the lockfile');
JS

# The libraries only: some e2e tests run the built library in a child process.
npm run build --silent --workspace=nestjs-keyvault-config --workspace=keyvault-emulator
npx vitest run libs test/keyvault-config/load- test/keyvault-config/refresh- \
  test/keyvault-config/credential- test/keyvault-config/nest-module

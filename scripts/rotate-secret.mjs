// `npm run sample:rotate -- [NAME] [VALUE]`: sets a new version of a secret in the emulator that
// `npm start` is running, through the emulator's admin API (POST /_emulator/vaults/{vault}/secrets on
// the identity host, authenticated by X-IDENTITY-HEADER). The sample picks the new version up at its
// next refresh — no restart.
//
//   NAME   secret name (default Sample--ApiKey)
//   VALUE  new value (default: random)
//
// It prints the new version. It prints the new VALUE only for Sample--ApiKey — the one value of the
// demo a person has to type (into curl) — and only when it generated it; other values never leave the
// vault. Connection info comes from .sample/emulator.env (written by `npm start`; SAMPLE_STATE_DIR
// overrides the directory). SAMPLE_VAULT_NAME picks another emulated vault (default: emulator).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STATE_FILE = join(process.env.SAMPLE_STATE_DIR || join(ROOT, '.sample'), 'emulator.env');
const API_KEY_SECRET = 'Sample--ApiKey';
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const TIMEOUT_MS = 10_000;

function die(message) {
  process.stderr.write(`sample:rotate: ${message}\n`);
  process.exit(1);
}

const [name = API_KEY_SECRET, given] = process.argv.slice(2);
if (!SECRET_NAME.test(name)) die(`"${name}" is not a Key Vault secret name (1-127 of 0-9, a-z, A-Z, -).`);
if (!existsSync(STATE_FILE))
  die(`no running emulator found (${STATE_FILE} is missing). Start it with \`npm start\`.`);

const state = Object.fromEntries(
  readFileSync(STATE_FILE, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
    .filter(Boolean)
    .map((match) => [match[1], match[2]]),
);
const adminHost = state.AZURE_POD_IDENTITY_AUTHORITY_HOST;
const header = state.IDENTITY_HEADER;
if (!adminHost || !header) die(`${STATE_FILE} lacks AZURE_POD_IDENTITY_AUTHORITY_HOST or IDENTITY_HEADER.`);

const vault = process.env.SAMPLE_VAULT_NAME || 'emulator';
const value = given ?? `demo-${randomBytes(18).toString('base64url')}`;
const url = new URL(`/_emulator/vaults/${encodeURIComponent(vault)}/secrets`, adminHost);

let response;
try {
  response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-identity-header': header },
    body: JSON.stringify({ name, value, contentType: 'text/plain' }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
} catch (error) {
  die(
    `cannot reach the emulator at ${adminHost} (${error.cause?.code ?? error.message}). Is \`npm start\` running?`,
  );
}
const text = await response.text();
if (!response.ok) die(`the emulator answered ${response.status}: ${text.slice(0, 300)}`);

let version;
try {
  const body = JSON.parse(text);
  version = body.version ?? body.id?.split('/').pop();
} catch {
  version = undefined;
}
console.log(`Rotated ${name} in vault "${vault}": new version ${version ?? '(not reported)'}.`);
const interval = state.SAMPLE_REFRESH_INTERVAL || '5s';
console.log(
  `The sample picks it up at its next refresh (every ${interval}); the previous version stops working then.`,
);
if (name === API_KEY_SECRET && given === undefined) {
  // Printed on purpose, for this demo key only: it is what you type into curl to try the rotation.
  console.log(`New API key (shown because ${API_KEY_SECRET} is the key you send as x-api-key): ${value}`);
  if (state.SAMPLE_URL) console.log(`  curl -i -H "x-api-key: ${value}" ${state.SAMPLE_URL}/api/greeting`);
}

/**
 * The sample as a user runs it: the emulator's command line and the built sample (`node
 * dist/apps/sample/main.js`) as child processes, the sample given only what App Service gives an app.
 * Seeded with random canary values that must never show up outside the vault and the HTTP exchanges
 * that legitimately carry them (the test's own x-api-key header).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSetSecret,
  eventually,
  ROOT,
  sampleEnv,
  secretVersion,
  startEmulatorCli,
  startSample,
  type EmulatorEnv,
  type Running,
} from './sample-process.js';

const canary = (label: string): string => `CANARY${label}${randomBytes(12).toString('hex')}`;
const API_KEY = canary('ApiKey');
const SIGNING_KEY = canary('SigningKey');
const CONNECTION_STRING = `Server=tcp:db.example.invalid;Password=${canary('Db')};`;
const ROTATED_API_KEY = canary('Rotated');
const CANARIES = [API_KEY, SIGNING_KEY, CONNECTION_STRING, ROTATED_API_KEY];
const SECRET_NAMES = ['Sample--ApiKey', 'Sample--SigningKey', 'Sample--Database--ConnectionString'];

let work: string;
let appDir: string;
let emulator: Running & { env: EmulatorEnv };
let sample: Running & { url: string };
/** The API key the sample accepts now: the seeded one until the rotation case has run. */
let apiKey = API_KEY;
/** Every response body the sample sent, for the canary check at the end. */
const bodies: string[] = [];

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${sample.url}${path}`, { headers });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, text, headers: response.headers };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${sample.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, text };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kv-sample-e2e-'));
  // The sample runs in a directory of its own, so "its files" are exactly what it leaves there.
  appDir = mkdtempSync(join(tmpdir(), 'kv-sample-cwd-'));
  const seed = join(work, 'seed.json');
  writeFileSync(
    seed,
    JSON.stringify({
      secrets: [
        { name: 'Sample--ApiKey', value: API_KEY },
        { name: 'Sample--SigningKey', value: SIGNING_KEY },
        { name: 'Sample--Database--ConnectionString', value: CONNECTION_STRING },
      ],
    }),
  );
  emulator = await startEmulatorCli(['--seed', seed]);
  sample = await startSample(sampleEnv(emulator.env, { PORT: '0', SAMPLE_REFRESH_INTERVAL: '1000' }), appDir);
});

afterAll(async () => {
  await sample?.stop();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

describe('sample app against the emulator (real processes)', () => {
  it('starts as the managed identity and names the credential in its startup log', () => {
    expect(sample.output()).toMatch(/ManagedIdentityCredential/);
    expect(sample.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('shows vault, identity and every key with secret name and version on the status page', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain(new URL(emulator.env.KEY_VAULT_URL).host);
    expect(page.text).toContain('ManagedIdentityCredential');
    for (const name of SECRET_NAMES) {
      expect(page.text).toContain(name);
      expect(page.text).toContain(await secretVersion(emulator.env, name));
    }
    expect(page.text).toMatch(/Object id \(oid\)<\/dt><dd><code>[0-9a-f-]{36}<\/code>/);
    expect(page.text).toMatch(/Tenant id \(tid\)<\/dt><dd><code>[0-9a-f-]{36}<\/code>/);
    expect(page.text).toContain('every 1 s');
  });

  it('shows how its own startup got the secrets: challenge, token, list page, one get per secret', async () => {
    const page = await get('/');
    const section = page.text.slice(
      page.text.indexOf('How the app got its secrets'),
      page.text.indexOf('<h2>Refresh'),
    );
    const steps = [
      ...section.matchAll(
        /<tr><td>\+\d+ ms<\/td><td>\d+ ms<\/td><td>(\w+)[^<]*<\/td><td><code>[^<]+<\/code><\/td><td>(\d+)?/g,
      ),
    ].map((m) => `${m[1]} ${m[2] ?? ''}`.trim());
    expect(steps.slice(0, 3)).toEqual(['challenge 401', 'token', 'list 200']);
    expect(steps.slice(3)).toEqual(SECRET_NAMES.map(() => 'get 200'));
    for (const name of SECRET_NAMES) expect(section).toContain(`get ${name}`);
  });

  it('reports health through terminus with the Key Vault indicator', async () => {
    const health = await get('/health');
    expect(health.status).toBe(200);
    const body = JSON.parse(health.text) as { status: string; info: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.info.keyvault.status).toBe('up');
  });

  it('shows the connection string only as "loaded, version …"', async () => {
    const database = await get('/api/database');
    expect(database.status).toBe(200);
    expect(JSON.parse(database.text)).toEqual({
      connectionString: 'loaded',
      secretName: 'Sample--Database--ConnectionString',
      version: await secretVersion(emulator.env, 'Sample--Database--ConnectionString'),
    });
  });

  it('lets the right API key through and answers 401 with no hint otherwise', async () => {
    expect((await get('/api/greeting', { 'x-api-key': apiKey })).status).toBe(200);
    const unauthorized = JSON.stringify({ message: 'Unauthorized', statusCode: 401 });
    const wrong: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'wrong' },
      { 'x-api-key': apiKey.slice(0, -1) },
    ];
    for (const headers of wrong) {
      const response = await get('/api/greeting', headers);
      expect(response.status).toBe(401);
      expect(response.text).toBe(unauthorized);
    }
  });

  it('issues HMAC tokens to API-key holders and verifies them; tampered ones are rejected', async () => {
    expect((await post('/api/tokens', { subject: 'alice' })).status).toBe(401);
    expect((await post('/api/tokens', { subject: 'no spaces' }, { 'x-api-key': apiKey })).status).toBe(400);

    const issued = await post('/api/tokens', { subject: 'alice' }, { 'x-api-key': apiKey });
    expect(issued.status).toBe(201);
    const { token, tokenType } = JSON.parse(issued.text) as { token: string; tokenType: string };
    expect(tokenType).toBe('Bearer');

    const verified = await get('/api/tokens/verify', { authorization: `Bearer ${token}` });
    expect(verified.status).toBe(200);
    expect(JSON.parse(verified.text)).toMatchObject({ valid: true, subject: 'alice' });

    const [payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'mallory' }),
    ).toString('base64url');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    for (const bad of [`${forged}.${signature}`, `${payload}.${flipped}`, 'garbage', '']) {
      expect((await get('/api/tokens/verify', { authorization: `Bearer ${bad}` })).status).toBe(401);
    }
    expect((await get('/api/tokens/verify')).status).toBe(401);
  });

  it('picks up a rotated API key without a restart: the old key stops working, the new one works', async () => {
    const pid = sample.child.pid;
    const before = await secretVersion(emulator.env, 'Sample--ApiKey');
    await adminSetSecret(emulator.env, { name: 'Sample--ApiKey', value: ROTATED_API_KEY });
    const after = await secretVersion(emulator.env, 'Sample--ApiKey');
    expect(after).not.toBe(before);

    // Bounded wait for the next refresh cycle (1 s in this test).
    await eventually(async () => {
      const { status } = await get('/api/greeting', { 'x-api-key': ROTATED_API_KEY });
      return status === 200 ? true : undefined;
    }, 'the sample to accept the rotated API key');
    apiKey = ROTATED_API_KEY;
    expect((await get('/api/greeting', { 'x-api-key': API_KEY })).status).toBe(401);

    const page = await get('/');
    expect(page.text).toContain(after);
    expect(page.text).toMatch(/updated <code>Sample\.ApiKey<\/code>/);
    expect(sample.child.pid).toBe(pid);
    expect(sample.child.exitCode).toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    'runs with what App Service gives an app and no credential or secret variable',
    () => {
      const names = readFileSync(`/proc/${sample.child.pid}/environ`, 'utf8')
        .split('\0')
        .map((entry) => entry.split('=')[0]);
      expect(names).toEqual(
        expect.arrayContaining([
          'KEY_VAULT_URL',
          'IDENTITY_ENDPOINT',
          'IDENTITY_HEADER',
          'NODE_EXTRA_CA_CERTS',
        ]),
      );
      expect(names.filter((name) => /^AZURE_|SECRET|PASSWORD|CONNECTION|API_?KEY/i.test(name))).toEqual([]);
    },
  );

  it('never shows a secret value: page, health, logs, the environment and the files hold no canary', async () => {
    // One more round of every page, after the rotation.
    await get('/');
    await get('/health');
    await get('/api/database');

    const places: Array<[string, string]> = [
      ...bodies.map((body, index): [string, string] => [`response #${index}`, body]),
      ['sample output', sample.output()],
      ['emulator output', emulator.output()],
    ];
    if (process.platform === 'linux') {
      places.push(['sample environment', readFileSync(`/proc/${sample.child.pid}/environ`, 'utf8')]);
    }
    for (const file of [...filesUnder(appDir), ...filesUnder(join(ROOT, 'dist/apps/sample'))]) {
      places.push([file, readFileSync(file, 'latin1')]);
    }
    for (const file of filesUnder(join(ROOT, 'apps/sample')))
      places.push([file, readFileSync(file, 'latin1')]);

    const leaks = places.flatMap(([where, text]) =>
      CANARIES.filter((value) => text.includes(value)).map((value) => `${where}: ${value.slice(0, 12)}…`),
    );
    expect(leaks).toEqual([]);
  });
});

/**
 * `npm start -- --identity …` on each identity path (run through node directly: `npm start` only adds the
 * build): the script starts the emulator with the path's flag and the sample with exactly the variables
 * that platform gives an app; the sample loads through the real @azure/identity against the emulator,
 * and its log, status page and JSON status name the credential and whether a master secret is in its
 * configuration — the service principal's warning included — without a secret value anywhere. The
 * network guard is loaded in every child (NODE_OPTIONS), so nothing left loopback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childEnvironment,
  cleanEnv,
  eventually,
  ROOT,
  runScript,
  startScript,
  type Running,
} from './sample-process.js';

const SCRIPT = join(ROOT, 'scripts/start-sample.mjs');
const CREDENTIAL_VARIABLE = /^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$)/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Path {
  identity: 'app-service' | 'imds' | 'workload' | 'service-principal';
  /** The credential variables the sample must get, and no other. */
  variables: string[];
  credential: string;
  detail: string;
  masterSecret: boolean;
}

const NONE = { present: false, variables: [] };
const CLIENT_SECRET = { present: true, variables: [{ name: 'AZURE_CLIENT_SECRET', kind: 'client secret' }] };
/** What the page, the JSON status and the log say on a path without / with a master secret. */
const SAYS = {
  false: {
    masterSecrets: NONE,
    page: ['No master secret'],
    notOnPage: ['class="warn"'],
    log: /LOG \[Sample\] No master secret in this app's configuration/,
    notInLog: 'WARN [Sample] Master secret',
  },
  true: {
    masterSecrets: CLIENT_SECRET,
    page: [
      '<code>AZURE_CLIENT_SECRET</code> (client secret)',
      'library exists to remove',
      'az webapp identity assign',
    ],
    notOnPage: ['No master secret'],
    log: /WARN \[Sample\] Master secret in this app's configuration: AZURE_CLIENT_SECRET \(client secret\)\. .*workload identity/,
    notInLog: 'No master secret',
  },
} as const;

const PATHS: Path[] = [
  {
    identity: 'app-service',
    variables: ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'KEY_VAULT_URL'],
    credential: 'ManagedIdentityCredential',
    detail: 'App Service',
    masterSecret: false,
  },
  {
    identity: 'imds',
    variables: ['AZURE_POD_IDENTITY_AUTHORITY_HOST', 'KEY_VAULT_URL'],
    credential: 'ManagedIdentityCredential',
    detail: 'IMDS',
    masterSecret: false,
  },
  {
    identity: 'workload',
    variables: [
      'AZURE_AUTHORITY_HOST',
      'AZURE_CLIENT_ID',
      'AZURE_FEDERATED_TOKEN_FILE',
      'AZURE_TENANT_ID',
      'KEY_VAULT_URL',
    ],
    credential: 'WorkloadIdentityCredential',
    detail: 'AKS workload identity',
    masterSecret: false,
  },
  {
    identity: 'service-principal',
    variables: [
      'AZURE_AUTHORITY_HOST',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_TENANT_ID',
      'KEY_VAULT_URL',
    ],
    credential: 'EnvironmentCredential',
    detail: 'service principal, client secret',
    masterSecret: true,
  },
];

const SEEDED_VALUES = (
  JSON.parse(readFileSync(join(ROOT, 'apps/sample/seed.json'), 'utf8')) as {
    secrets: Array<{ value: string }>;
  }
).secrets.map((secret) => secret.value);

interface Run {
  started: Running;
  stateDir: string;
  url: string;
  /** The environment the sample process was started with. */
  sampleEnv: Record<string, string>;
  page: string;
  status: Record<string, unknown> & {
    credential: Record<string, string>;
    masterSecrets: { present: boolean; variables: Array<{ name: string; kind: string }> };
  };
}

const runs = new Map<Path['identity'], Run>();

async function launch(path: Path): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), `kv-sample-${path.identity}-`));
  const started = startScript([SCRIPT, '--identity', path.identity], {
    ...cleanEnv(),
    PORT: '0',
    SAMPLE_STATE_DIR: stateDir,
  });
  runs.set(path.identity, { started, stateDir } as Run);
  const url = await eventually(
    async () => /Sample: {3}(http:\/\/\S+)\//.exec(started.stdout())?.[1],
    `npm start --identity ${path.identity} to print the URL; output so far:\n${started.output()}`,
    45_000,
  );
  const sampleEnv = childEnvironment(started.child, 'dist/apps/sample/main.js');
  const page = await (await fetch(`${url}/`)).text();
  const status = (await (await fetch(`${url}/api/status`)).json()) as Run['status'];
  runs.set(path.identity, { started, stateDir, url, sampleEnv, page, status });
}

beforeAll(async () => {
  // The four paths side by side: each is its own emulator and sample on free ports.
  await Promise.all(PATHS.map(launch));
}, 120_000);

afterAll(async () => {
  await Promise.all(
    [...runs.values()].map(async (run) => {
      await run.started.stop();
      rmSync(run.stateDir, { recursive: true, force: true });
    }),
  );
});

describe.each(PATHS)('npm start -- --identity $identity', (path) => {
  const run = (): Run => runs.get(path.identity)!;

  it('gives the sample exactly the variables that platform gives an app', () => {
    const { sampleEnv, started } = run();
    const credentialVariables = Object.keys(sampleEnv)
      .filter((key) => CREDENTIAL_VARIABLE.test(key))
      .sort();
    expect(credentialVariables).toEqual(path.variables);
    expect(sampleEnv.NODE_EXTRA_CA_CERTS).toMatch(/ca\.pem$/);
    expect(started.stdout()).toContain(`Identity path: ${path.identity} — `);
  });

  it('loads through the credential of that path and names it with the identity from the claims', () => {
    const { status, started } = run();
    expect(status.credential).toMatchObject({ name: path.credential, detail: path.detail });
    expect(status.credential.objectId).toMatch(UUID);
    expect(status.credential.clientId).toMatch(UUID);
    // The client id the platform gave (workload identity, service principal) is the one the claims name.
    expect([undefined, status.credential.clientId]).toContain(run().sampleEnv.AZURE_CLIENT_ID);
    expect(status.entries).toHaveLength(3);
    expect(started.stdout()).toMatch(
      new RegExp(`Authenticated to Key Vault using ${path.credential} \\(${path.detail}\\) as oid=`),
    );
  });

  it('says on the page, in the JSON status and in the log whether a master secret is configured', () => {
    const { page, status, started } = run();
    expect(page).toContain(`<code>${path.credential}</code> (${path.detail})`);
    expect(page).toContain(`id="master-secret" data-present="${path.masterSecret}"`);
    const says = SAYS[`${path.masterSecret}`];
    expect(status.masterSecrets).toEqual(says.masterSecrets);
    for (const text of says.page) expect(page).toContain(text);
    for (const text of says.notOnPage) expect(page).not.toContain(text);
    expect(started.stdout()).toMatch(says.log);
    expect(started.stdout()).not.toContain(says.notInLog);
  });

  it('shows no secret value: not the vault’s, not the client secret, not the federated token', () => {
    const { page, status, started, sampleEnv, stateDir } = run();
    const tokenFile = sampleEnv.AZURE_FEDERATED_TOKEN_FILE;
    const values = [
      ...SEEDED_VALUES,
      sampleEnv.AZURE_CLIENT_SECRET,
      tokenFile && readFileSync(tokenFile, 'utf8').trim(),
    ].filter((value): value is string => typeof value === 'string');
    expect(values.every((value) => value.length >= 16)).toBe(true);
    const state = readFileSync(join(stateDir, 'emulator.env'), 'utf8');
    for (const text of [page, JSON.stringify(status), started.output(), state]) {
      for (const value of values) expect(text).not.toContain(value);
    }
  });
});

describe('npm start -- --identity: bad arguments', () => {
  it('refuses an unknown path and the emulator flags that --identity owns, naming the choices', async () => {
    const unknown = await runScript([SCRIPT, '--identity', 'client-secret'], cleanEnv());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--identity must be one of app-service, imds, workload, service-principal, got "client-secret"',
    );
    const direct = await runScript([SCRIPT, '--workload-identity'], cleanEnv());
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain('use `npm start -- --identity workload`');
  });
});

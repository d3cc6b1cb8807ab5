/**
 * A process whose startup load failed because its token request never answered exits on its own
 * (no process.exit) within 2 s of the failure: a user's credential that ignores the abort signal
 * leaves no timer or promise that keeps it alive, and the hung identity socket of a credential the
 * library builds (the SDK's managed identity on App Service or IMDS, MSAL's request to Entra ID for a
 * service principal) is destroyed when its token request is given up. The 2 s
 * bound is the contract for "exits on its own", not a performance figure; the load itself
 * is bounded by its own timeoutMs.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultSpec } from 'keyvault-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator, type FreshVault } from '../support/emulator.fixture.js';
import { secretValue } from '../support/load-harness.js';
import { fakeAzBin, fakeAzCalls, fakeAzLogFile } from '../keyvault-config/fixtures/credential-child.js';
import { DEVELOPER_TOOL_TIMEOUT_MS } from '../../libs/keyvault-config/src/core/constants.js';

const CHILD = fileURLToPath(new URL('./fixtures/exit-child.mjs', import.meta.url));
const EXIT_BOUND_MS = 2_000;
const HANG_BOUND_MS = 25_000;
// With the emulated AKS workload identity (a federated token file and Entra ID's token exchange).
const fx = useEmulator({ workloadIdentity: true });

beforeAll(() => assertLibraryBuilt('dist/core/index.js'));
afterEach(() => fx.emulator.faults.clear());

interface ChildResult {
  code: number | 'hung';
  lines: Array<Record<string, unknown>>;
  stderr: string;
  /** ms from the child's result line to its exit. */
  exitMs: number;
}

/**
 * Runs the child in `mode` until it exits (killed after HANG_BOUND_MS). With `onLoaded` (mode `watch`),
 * that is awaited when the child says its startup load is done, then the child is told to go on.
 */
function runChild(
  mode: string,
  env: NodeJS.ProcessEnv,
  onLoaded?: () => Promise<void>,
): Promise<ChildResult> {
  const child = spawn(process.execPath, [CHILD, mode], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (!onLoaded) child.stdin.end();
  let stdout = '';
  let stderr = '';
  let printedAt = 0;
  let told = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // The exit is timed from the result line (the last one), not from `loaded`.
    printedAt = Date.now();
    if (onLoaded && !told && stdout.includes('"phase":"loaded"')) {
      told = true;
      void onLoaded().then(() => child.stdin.end('go\n'));
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const bound = setTimeout(() => child.kill('SIGKILL'), HANG_BOUND_MS);
    child.on('exit', (code) => {
      clearTimeout(bound);
      resolve({
        code: code ?? 'hung',
        lines: stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
        stderr,
        exitMs: printedAt ? Date.now() - printedAt : Number.NaN,
      });
    });
  });
}

it("a user's credential that ignores the abort signal and never answers: TIMEOUT, then the process exits", async () => {
  const value = secretValue('exit-user');
  const vault = await fx.freshVault([{ name: 'Api--Key', value }]);
  const result = await runChild('user-hang', fx.childEnv({ KEY_VAULT_URL: vault.url }, { platform: 'none' }));
  expect({ code: result.code, stderr: result.stderr, lines: result.lines }).toEqual({
    code: 0,
    stderr: '',
    lines: [{ outcome: 'TIMEOUT', ms: expect.any(Number) }],
  });
  expect(result.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  expect(JSON.stringify(result.lines)).not.toContain(value);
});

/** The library's DefaultAzureCredential against an identity endpoint that accepts and never answers. */
interface HungEndpoint {
  name: string;
  route: 'identity.appservice' | 'identity.imds' | 'identity.entra';
  platform: 'app-service' | 'imds' | 'none';
  /** The child's identity variables (besides the platform's). */
  vars: (vault: FreshVault) => Promise<Record<string, string>> | Record<string, string>;
}

const entra = (vars: Record<string, string>): Record<string, string> => ({
  AZURE_AUTHORITY_HOST: fx.emulator.authorityHost,
  AZURE_TENANT_ID: fx.emulator.tenantId,
  ...vars,
});

const HUNG_ENDPOINTS: HungEndpoint[] = [
  {
    name: 'App Service managed identity',
    route: 'identity.appservice',
    platform: 'app-service',
    vars: (vault) => ({ AZURE_CLIENT_ID: vault.identity.clientId }),
  },
  {
    // @azure/identity 4.13 builds this one-credential chain without the options it was given.
    name: 'App Service managed identity, AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential',
    route: 'identity.appservice',
    platform: 'app-service',
    vars: (vault) => ({
      AZURE_CLIENT_ID: vault.identity.clientId,
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
    }),
  },
  {
    name: 'IMDS managed identity',
    route: 'identity.imds',
    platform: 'imds',
    vars: (vault) => ({ AZURE_CLIENT_ID: vault.identity.clientId }),
  },
  {
    // DefaultAzureCredential would go on to ManagedIdentityCredential, whose token exchange builds a
    // WorkloadIdentityCredential of its own without the HTTP client it was given (@azure/identity 4.13).
    name: 'AKS workload identity (federated token → Entra ID)',
    route: 'identity.entra',
    platform: 'none',
    vars: () => {
      const { clientId, tokenFile } = fx.emulator.workloadIdentity!;
      return entra({ AZURE_CLIENT_ID: clientId, AZURE_FEDERATED_TOKEN_FILE: tokenFile });
    },
  },
  {
    name: 'service principal (MSAL → Entra ID)',
    route: 'identity.entra',
    platform: 'none',
    vars: async () => {
      const principal = await fx.emulator.addApplication({ role: 'user', secret: true });
      return entra({ AZURE_CLIENT_ID: principal.clientId, AZURE_CLIENT_SECRET: principal.secret! });
    },
  },
];

it.each(HUNG_ENDPOINTS)('$name whose endpoint hangs: TIMEOUT, then the process exits', async (c) => {
  const value = secretValue('exit-hung');
  const vault = await fx.freshVault([{ name: 'Api--Key', value }]);
  const vars = { KEY_VAULT_URL: vault.url, ...(await c.vars(vault)) };
  fx.emulator.faults.add({ route: c.route, hang: true });
  const result = await runChild('default', fx.childEnv(vars, { platform: c.platform }));
  expect({ code: result.code, stderr: result.stderr, lines: result.lines }).toEqual({
    code: 0,
    stderr: '',
    lines: [{ outcome: 'TIMEOUT', ms: expect.any(Number) }],
  });
  expect(result.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  // The hang was met (not, say, a credential that gave up before asking).
  expect(fx.emulator.counters.count({ route: c.route })).toBeGreaterThan(0);
});

/** A chain that may meet an `az` on PATH that never answers, and what it must do with it. */
interface HungAzCase {
  name: string;
  vars: () => Record<string, string>;
  /** Entra ID's token endpoint hangs too (the workload identity's request is given up first). */
  entraHangs: boolean;
  /** The fake `az`'s calls, by their first two arguments. */
  azCalls: string[][];
  /** Longest the process may live on after its TIMEOUT line. */
  exitBoundMs: number;
}

/**
 * A developer tool that never answers: `az` refreshing its login over a network that drops packets.
 * @azure/identity runs it without a timeout unless told, and ignores the abort signal: the process was
 * held until `az` gave up by itself.
 * - On a laptop (`dev`) the tool is asked: the library's 13 s timeout stops it, then the process exits.
 * - The chain the library builds for AKS workload identity ends when its hung Entra ID request is given
 *   up: the tool is never asked (it was, and held the process 13 s, while the chain went on).
 */
const HUNG_AZ: HungAzCase[] = [
  {
    name: "a developer's laptop (AZURE_TOKEN_CREDENTIALS=dev)",
    vars: () => ({ AZURE_TOKEN_CREDENTIALS: 'dev' }),
    entraHangs: false,
    azCalls: [['account', 'get-access-token']],
    exitBoundMs: DEVELOPER_TOOL_TIMEOUT_MS + EXIT_BOUND_MS,
  },
  {
    name: 'AKS workload identity whose Entra ID request hangs',
    vars: () => {
      const { clientId, tokenFile } = fx.emulator.workloadIdentity!;
      return entra({ AZURE_CLIENT_ID: clientId, AZURE_FEDERATED_TOKEN_FILE: tokenFile });
    },
    entraHangs: true,
    azCalls: [],
    exitBoundMs: EXIT_BOUND_MS,
  },
];

it.each(HUNG_AZ)(
  '$name, with an `az` that never answers: TIMEOUT, then the process exits',
  async (c) => {
    const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue('exit-az') }]);
    const azLog = fakeAzLogFile();
    if (c.entraHangs) fx.emulator.faults.add({ route: 'identity.entra', hang: true });
    const env = fx.childEnv(
      { KEY_VAULT_URL: vault.url, FAKE_AZ_MODE: 'hang', FAKE_AZ_LOG: azLog, ...c.vars() },
      { platform: 'none', pathPrefix: fakeAzBin() },
    );
    const result = await runChild('default', env);
    expect({ code: result.code, stderr: result.stderr, lines: result.lines }).toEqual({
      code: 0,
      stderr: '',
      lines: [{ outcome: 'TIMEOUT', ms: expect.any(Number) }],
    });
    expect(fakeAzCalls(azLog).map((args) => args.slice(0, 2))).toEqual(c.azCalls);
    expect(result.exitMs).toBeLessThanOrEqual(c.exitBoundMs);
  },
  40_000,
);

/**
 * The chaos matrix's kinds of fault (chaos-matrix.e2e-spec.ts runs every case in this process) with the
 * library's own credential, in a process of their own: after the startup load (whatever its outcome),
 * and after a faulted refresh cycle and `stop()`, the process exits on its own within 2 s. One case per
 * kind (body, status, connection, hang, identity), in sequence: identity faults are not per vault.
 */
interface ExitCase {
  name: string;
  faults: Array<Omit<FaultSpec, 'vault'>>;
  /** The fault is the identity endpoint's: the refresh starts with 1-second tokens, so its cycle asks. */
  identity?: true;
}

const EXIT_CASES: ExitCase[] = [
  { name: 'get: 200 truncated', faults: [{ route: 'secrets.get', body: 'truncated' }] },
  { name: 'list: HTML 200', faults: [{ route: 'secrets.list', body: 'html', status: 200 }] },
  { name: 'get: 503', faults: [{ route: 'secrets.get', status: 503 }] },
  { name: 'list: connection reset', faults: [{ route: 'secrets.list', reset: true }] },
  { name: 'get: hang', faults: [{ route: 'secrets.get', hang: true }] },
  { name: 'identity: 500', faults: [{ route: 'identity.appservice', status: 500 }], identity: true },
];

function addFaults(c: ExitCase, vault: FreshVault): void {
  for (const fault of c.faults) fx.emulator.faults.add(c.identity ? fault : { ...fault, vault: vault.name });
}

async function exitVault(label: string): Promise<{ vault: FreshVault; env: NodeJS.ProcessEnv }> {
  const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue(label) }]);
  const env = fx.childEnv({ KEY_VAULT_URL: vault.url, AZURE_CLIENT_ID: vault.identity.clientId });
  return { vault, env };
}

const exits: Array<{ case: string; phase: string; outcome: string; exitMs: number }> = [];

/** Keeps a row of the printed table (case, phase, outcome, ms to exit). */
function row(c: ExitCase, phase: string, result: ChildResult): void {
  const outcome = String(result.lines.at(-1)?.outcome ?? result.code);
  exits.push({ case: c.name, phase, outcome, exitMs: result.exitMs });
}

afterAll(() => {
  const table = exits.map(
    (r) =>
      `| ${r.case.padEnd(24)} | ${r.phase.padEnd(7)} | ${r.outcome.padEnd(24)} | ${String(r.exitMs).padStart(5)} ms |`,
  );
  // oxlint-disable-next-line no-console -- the table is the suite's report
  console.log(['| case | phase | outcome | exit after |', '|---|---|---|---|', ...table].join('\n'));
});

describe.each(EXIT_CASES)('$name', (c) => {
  afterEach(() => fx.emulator.setTokenLifetime(3600));

  it('startup load: an outcome, then the process exits on its own', async () => {
    const { vault, env } = await exitVault('exit-load');
    addFaults(c, vault);
    const result = await runChild('default', env);
    row(c, 'load', result);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.lines).toEqual([
      { outcome: expect.stringMatching(/^config$|^[A-Z_]+$/), ms: expect.any(Number) },
    ]);
    expect(result.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  });

  it('refresh cycle and stop(): an outcome, then the process exits on its own', async () => {
    const { vault, env } = await exitVault('exit-refresh');
    if (c.identity) fx.emulator.setTokenLifetime(1);
    const asked = fx.emulator.counters.count({ route: 'identity.appservice' });
    const result = await runChild('watch', env, async () => {
      // Past the startup token's expiry, so the cycle must ask the failing endpoint.
      if (c.identity) await new Promise((done) => setTimeout(done, 1_200));
      addFaults(c, vault);
    });
    row(c, 'refresh', result);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    // An identity case cannot get a token, so its cycle keeps the last-known-good configuration.
    const outcome = c.identity ? /^kept \([A-Z_]+\)$/ : /^config$|^kept \([A-Z_]+\)$/;
    expect(result.lines).toEqual([
      { phase: 'loaded' },
      { outcome: expect.stringMatching(outcome), ms: expect.any(Number) },
    ]);
    // The startup load asked once; an identity case's cycle asked (and met the fault) again.
    const tokenRequests = fx.emulator.counters.count({ route: 'identity.appservice' }) - asked;
    expect(tokenRequests).toBeGreaterThan(c.identity ? 1 : 0);
    expect(result.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  });
});

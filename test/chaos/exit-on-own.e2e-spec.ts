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
import { afterEach, beforeAll, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator, type FreshVault } from '../support/emulator.fixture.js';
import { secretValue } from '../support/load-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/exit-child.mjs', import.meta.url));
const EXIT_BOUND_MS = 2_000;
const HANG_BOUND_MS = 20_000;
const fx = useEmulator();

beforeAll(() => assertLibraryBuilt('dist/core/index.js'));
afterEach(() => fx.emulator.faults.clear());

interface ChildResult {
  code: number | 'hung';
  lines: Array<Record<string, unknown>>;
  stderr: string;
  /** ms from the child's result line to its exit. */
  exitMs: number;
}

function runChild(mode: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const child = spawn(process.execPath, [CHILD, mode], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let printedAt = 0;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    printedAt ||= Date.now();
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

// Not AKS workload identity: when its token request to Entra ID is given up, DefaultAzureCredential
// goes on to ManagedIdentityCredential, whose token exchange builds a WorkloadIdentityCredential of its
// own without the options it was given (@azure/identity 4.13), so no HTTP client of ours reaches that
// second request — see the CHANGELOG's known issues.
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

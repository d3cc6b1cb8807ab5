/**
 * The chaos matrix (issue #9): every hostile fault of the emulator × {startup load, refresh cycle},
 * through the real SDK — vault bodies and statuses, 403 with Key Vault's Forbidden body (no role, Reader),
 * 404 (explicit secret, deleted between list and get), DNS failure, token expiry mid-refresh, identity
 * endpoints failing, hanging or malformed, and Entra ID's token endpoint (service principal) failing and
 * hanging, and token answers without `access_token` or with a missing or garbage expiry. Each case must
 * end in a whole configuration or one coded KeyVaultConfigError within its deadline; a failed refresh
 * keeps the last-known-good configuration; the canary (and any token) is in no log line, error
 * (inspected to full depth, cause chain included), report or health payload; no unhandled rejection.
 * A refresh-phase identity case starts its watcher with 1-second tokens, so the cycle must ask the
 * identity endpoint again (the SDK's cached token cannot hide the fault): the spec asserts the endpoint
 * was hit during the cycle. After every case (the load settled, or the watcher stopped) the worker's
 * active resources are back to what they were before it within 2 s (test/support/exit-probe.ts: the
 * emulator's side of a connection is unref'd, as if it were another process): nothing the library
 * started holds the process — except a case marked `holdsProcess`, a known issue asserted as such.
 * The matrix is printed as a table (case, phase, outcome, time, exit). That the process really exits
 * on its own after each kind of fault is also checked in processes of their own, by
 * exit-on-own.e2e-spec.ts, which prints its table (case, outcome, exit after).
 */
import { inspect } from 'node:util';
import { ClientSecretCredential } from '@azure/identity';
import type { FaultSpec, VaultRoleAlias } from 'keyvault-emulator';
import { isKeyVaultConfigError, loadKeyVaultSecrets, watchKeyVaultSecrets } from 'nestjs-keyvault-config';
import { afterAll, describe, expect, it } from 'vitest';
import { useEmulator, type FreshVault, type VaultLoadOptions } from '../support/emulator.fixture.js';
import { activeResources, backToBaseline } from '../support/exit-probe.js';
import { CANARY, expectNoCanary, expectNoToken, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
const DEADLINE_MS = 1_500;
/** The issue's contract for "the process exits on its own" after a settled load or a stop(). */
const EXIT_BOUND_MS = 2_000;
const rows: Array<{ case: string; phase: string; outcome: string; ms: number; exit: number }> = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
process.on('unhandledRejection', onRejection);

type Fault = Omit<FaultSpec, 'vault'>;
interface ChaosCase {
  name: string;
  faults?: Fault[];
  identity?: 500 | 'hang';
  /** The fault makes every get a 404: the listed secrets are skipped (load) or removed (refresh). */
  gone?: boolean;
  /** One listed secret is gone between list and get: the others load, it is skipped or removed. */
  partial?: boolean;
  /** Faults on identity routes (they name no vault). */
  identityFaults?: Fault[];
  /**
   * The token route the case's credential uses, for a case about the token: the refresh phase starts
   * with short-lived tokens and asserts this route was asked during the cycle.
   */
  tokenRoute?: 'identity.appservice' | 'identity.entra';
  /**
   * Why a case about the token ends its refresh cycle in a whole config (otherwise it must keep the
   * last-known-good configuration with one coded error).
   */
  refreshSucceeds?: string;
  /** Role of the vault's identity in the faulted phase (the refresh phase starts with 'user'). */
  role?: VaultRoleAlias;
  /** Options of the case (explicit secrets, another vault URL, another credential). */
  options?: (vault: FreshVault) => Partial<VaultLoadOptions>;
  /** Done before the faulted load or refresh (after the watcher started). */
  before?: (vault: FreshVault) => void | Promise<void>;
  /**
   * Why the process is still held after the case (a known issue): the check then asserts it is held,
   * so it fails once that is fixed.
   */
  holdsProcess?: string;
  /** Why the case has no refresh phase. */
  noRefresh?: string;
  /** What the startup load's error message must say (the fix it offers). */
  message?: RegExp;
}

const CASES: ChaosCase[] = [
  // First, before any case builds a ManagedIdentityCredential of its own: MSAL Node keeps the first
  // managed-identity source of a process (with that credential's HTTP client) for every later one, so
  // only then do these requests go through the library's HTTP client (CHANGELOG, known issues).
  {
    name: "identity: 500 (library's credential)",
    identity: 500,
    tokenRoute: 'identity.appservice',
    options: libraryCredential,
    // The endpoint answered: the TIMEOUT says with what, not that it "did not answer".
    message: /the token request \(the identity endpoint answered HTTP 500 to \d+ requests?/,
  },
  {
    name: "identity: hang (library's credential)",
    identity: 'hang',
    tokenRoute: 'identity.appservice',
    options: libraryCredential,
    message: /the token request \(the identity endpoint did not answer\)/,
  },
  { name: 'get: 200 truncated', faults: [{ route: 'secrets.get', body: 'truncated' }] },
  { name: 'list: 200 truncated', faults: [{ route: 'secrets.list', body: 'truncated' }] },
  { name: 'get: HTML 502', faults: [{ route: 'secrets.get', body: 'html', status: 502 }] },
  { name: 'get: HTML 200', faults: [{ route: 'secrets.get', body: 'html', status: 200 }] },
  { name: 'list: empty 403', faults: [{ route: 'secrets.list', body: 'empty', status: 403 }] },
  { name: 'get: empty 401', faults: [{ route: 'secrets.get', body: 'empty', status: 401 }] },
  { name: 'get: empty 404', faults: [{ route: 'secrets.get', body: 'empty', status: 404 }], gone: true },
  { name: 'get: empty 500', faults: [{ route: 'secrets.get', body: 'empty', status: 500 }] },
  {
    name: 'list: empty pages with nextLink',
    faults: [{ route: 'secrets.list', body: 'emptyPage', times: 3 }],
  },
  { name: 'get: 429 without Retry-After', faults: [{ route: 'secrets.get', status: 429 }] },
  {
    name: 'get: 429 with Retry-After',
    faults: [{ route: 'secrets.get', status: 429, retryAfterSeconds: 0, times: 1 }],
  },
  { name: 'get: 503', faults: [{ route: 'secrets.get', status: 503 }] },
  { name: 'list: connection reset', faults: [{ route: 'secrets.list', reset: true }] },
  { name: 'get: hang', faults: [{ route: 'secrets.get', hang: true }] },
  { name: 'list: hang', faults: [{ route: 'secrets.list', hang: true }] },
  {
    name: 'identity: 500',
    identity: 500,
    tokenRoute: 'identity.appservice',
  },
  { name: 'identity: hang', identity: 'hang', tokenRoute: 'identity.appservice' },
  { name: 'list: 403 Forbidden (no role)', role: 'none', message: /az role assignment create/ },
  { name: 'get: 403 Forbidden (Reader role)', role: 'reader', message: /az role assignment create/ },
  {
    name: 'get: 404 explicit secret',
    options: () => ({ secrets: ['Api--Key', 'Db--Password'] }),
    faults: [{ route: 'secrets.get', status: 404, times: 2 }],
    gone: true,
  },
  {
    name: 'get: deleted between list and get',
    faults: [{ route: 'secrets.get', status: 404, times: 1 }],
    partial: true,
  },
  {
    name: 'DNS failure (.invalid host)',
    options: () => ({ vaultUrl: 'https://chaos-vault.invalid' }),
    message: /chaos-vault\.invalid/,
    noRefresh: 'a watcher cannot change its vault URL',
  },
  {
    name: 'token expiry mid-refresh',
    tokenRoute: 'identity.appservice',
    refreshSucceeds: 'no fault: the expired token is replaced',
    before: async () => {
      fx.emulator.setTokenLifetime(1);
      await new Promise((done) => setTimeout(done, 1_100));
    },
  },
  {
    name: 'identity: HTML 200',
    tokenRoute: 'identity.appservice',
    identityFaults: [{ route: 'identity.appservice', body: 'html', status: 200, times: 3 }],
  },
  {
    name: 'identity: 200 truncated',
    tokenRoute: 'identity.appservice',
    identityFaults: [{ route: 'identity.appservice', body: 'truncated', times: 3 }],
  },
  ...(['400', '403'] as const).map((status) => ({
    name: `identity: ${status}`,
    tokenRoute: 'identity.appservice' as const,
    identityFaults: [{ route: 'identity.appservice' as const, status: Number(status), times: 3 }],
  })),
  ...tokenShapeCases('identity', 'identity.appservice'),
  {
    name: 'Entra token: 500',
    tokenRoute: 'identity.entra',
    options: () => ({ credential: entraCredential() }),
    identityFaults: [{ route: 'identity.entra', status: 500 }],
  },
  {
    name: 'Entra token: hang',
    tokenRoute: 'identity.entra',
    options: () => ({ credential: entraCredential() }),
    identityFaults: [{ route: 'identity.entra', hang: true }],
    holdsProcess:
      "the user's own credential: the library cannot close its hung socket (CHANGELOG, known issues)",
  },
  ...tokenShapeCases('Entra token', 'identity.entra'),
];

/**
 * The library's own DefaultAzureCredential (no `credential` option) for the vault's identity, through the
 * emulator's App Service endpoint: one credential per client id, so a fresh vault gets a fresh one.
 */
function libraryCredential(vault: FreshVault): Partial<VaultLoadOptions> {
  return { credential: undefined, managedIdentityClientId: vault.identity.clientId };
}

/** A 200 token answer without access_token, without its expiry, or with a garbage expiry (issue #9 item 8). */
function tokenShapeCases(label: string, route: 'identity.appservice' | 'identity.entra'): ChaosCase[] {
  const shapes = [
    ['noAccessToken', '200 without access_token'],
    ['noExpiry', '200 without expiry'],
    ['badExpiry', '200 with a garbage expiry'],
  ] as const;
  return shapes.map(([body, what]) => ({
    name: `${label}: ${what}`,
    tokenRoute: route,
    identityFaults: [{ route, body, times: 3 }],
    // The token itself is good: MSAL takes a missing or unreadable expiry as NaN, so the SDK uses the
    // token and asks again on the next request (never a stale token kept past its real expiry).
    ...(body === 'noAccessToken' ? {} : { refreshSucceeds: 'a usable token with an unknown expiry' }),
    ...(route === 'identity.entra' ? { options: () => ({ credential: entraCredential() }) } : {}),
  }));
}

let principal: { clientId: string; secret?: string } | undefined;
/** A service principal's credential against the emulated Entra ID (a new token cache per call). */
function entraCredential(): ClientSecretCredential {
  return new ClientSecretCredential(fx.emulator.tenantId, principal!.clientId, principal!.secret!, {
    authorityHost: fx.emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: fx.emulator.caCert },
  });
}

const SEED = [
  { name: 'Api--Key', value: secretValue('api') },
  { name: 'Db--Password', value: secretValue('db') },
];

/** Token requests the case's token route has received so far (0 for a case not about the token). */
function tokenRequests(c: ChaosCase): number {
  return c.tokenRoute ? fx.emulator.counters.count({ route: c.tokenRoute }) : 0;
}

/**
 * Waits until the SDK holds the startup load's tokens (1-second lifetime) for expired. Their `exp` is
 * the issuing second + 1; MSAL's App Service source keeps that instant, its confidential client counts
 * `expires_in` from its clock rounded to the second — so up to half a second later.
 */
async function startupTokenExpired(route: NonNullable<ChaosCase['tokenRoute']>): Promise<void> {
  const second = route === 'identity.entra' ? Math.round : Math.floor;
  const expired = (second(Date.now() / 1000) + 1) * 1000 + 50;
  await new Promise((done) => setTimeout(done, expired - Date.now()));
}

/** The failure streak and the error a refresh state holds. */
function failureOf(state: { consecutiveFailures: number; lastError?: { code: string } }) {
  return { failures: state.consecutiveFailures, code: state.lastError?.code };
}

function outcomeOf(error: unknown): string {
  expect(isKeyVaultConfigError(error), `not a KeyVaultConfigError: ${inspect(error)}`).toBe(true);
  return (error as { code: string }).code;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  try {
    return { value: await run(), ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

async function vaultFor(c: ChaosCase, faultsNow: boolean) {
  principal ??= await fx.emulator.addApplication({ role: 'user', secret: true });
  const vault = await fx.freshVault(SEED, {
    faults: faultsNow ? c.faults : [],
    role: faultsNow ? c.role : 'user',
    clientOptions: { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
  });
  if (faultsNow) await injectFaults(c, vault);
  fx.afterTest(undefined, () => {
    fx.emulator.faults.clear();
    fx.emulator.setTokenLifetime(3600);
  });
  return vault;
}

async function injectFaults(c: ChaosCase, vault: FreshVault): Promise<void> {
  await c.before?.(vault);
  if (c.identity) fx.emulator.faults.failIdentity(3, c.identity);
  for (const fault of c.identityFaults ?? []) fx.emulator.faults.add(fault);
}

/** A config of exactly one key (a partial case: one secret skipped). */
const ONE_KEY: unknown = expect.toSatisfy(
  (config: Record<string, unknown>) => Object.keys(config).length === 1,
);

function expectedConfig(c: ChaosCase, api: string): unknown {
  if (c.gone) return {};
  if (c.partial) return ONE_KEY;
  return { Api: { Key: secretValue(api) }, Db: { Password: secretValue('db') } };
}

/**
 * Nothing the load or the watcher started still holds the process (see exit-probe.ts), within the
 * issue's 2 s — or, for a known issue, something still does.
 */
function expectExit(c: ChaosCase, left: string[], when: string): void {
  const message = c.holdsProcess
    ? `no longer held ${when}: ${c.holdsProcess}`
    : `held ${when}: ${left.join(', ')}`;
  expect(left.length > 0, message).toBe(c.holdsProcess !== undefined);
}

describe.each(CASES)('$name', (c) => {
  it('startup load: a whole config or one coded error, in time, leaking nothing', async () => {
    const vault = await vaultFor(c, true);
    const options = vault.options({ timeoutMs: DEADLINE_MS, maxRetries: 1, ...c.options?.(vault) });
    const baseline = activeResources();
    const run = await timed(() => loadKeyVaultSecrets(options));
    const exit = await backToBaseline(baseline, EXIT_BOUND_MS);
    const outcome =
      run.error === undefined ? `config (${run.value!.report.loaded} keys)` : outcomeOf(run.error);
    expect(run.value?.config ?? null).toEqual(run.error === undefined ? expectedConfig(c, 'api') : null);
    expect(run.ms).toBeLessThan(DEADLINE_MS + 1_000);
    // A case with a message: the error says it (an empty pattern otherwise, which any message matches).
    expect((run.error as Error | undefined)?.message ?? '').toMatch(c.message ?? /(?:)/);
    expect(inspect(run.error, { depth: Infinity })).not.toContain(CANARY);
    expectNoCanary(run.error, run.value?.report, vault.logger.lines);
    expectNoToken(run.error, run.value?.report, vault.logger.lines);
    rows.push({ case: c.name, phase: 'load', outcome, ms: Math.round(run.ms), exit: exit.ms });
    expectExit(c, exit.left, 'after the load');
  });

  it.skipIf(c.noRefresh !== undefined)(
    'refresh cycle: the new config or last-known-good kept, in time, leaking nothing',
    async () => {
      const vault = await vaultFor(c, false);
      // A case about the token: 1-second tokens from the start, so the cycle cannot use a cached one.
      if (c.tokenRoute) fx.emulator.setTokenLifetime(1);
      const baseline = activeResources();
      const watcher = await watchKeyVaultSecrets(
        vault.options({ timeoutMs: DEADLINE_MS, maxRetries: 1, ...c.options?.(vault) }),
      );
      fx.afterTest(watcher, (w) => w.stop());
      vault.handle.setSecret({ name: 'Api--Key', value: secretValue('api2') });
      for (const fault of c.faults ?? []) fx.emulator.faults.add({ ...fault, vault: vault.name });
      if (c.role) fx.emulator.setRole(vault.identity.clientId, c.role);
      // Past the startup token's expiry: the SDK must get a new one before any request of the cycle
      // (a token still valid would let the SDK retry in the background until it expires).
      if (c.tokenRoute) await startupTokenExpired(c.tokenRoute);
      await injectFaults(c, vault);
      const asked = tokenRequests(c);
      const run = await timed(() => watcher.refresh());
      const summary = run.value!;
      // The identity endpoint really was asked during the cycle (and met the fault).
      expect(tokenRequests(c) - asked).toBeGreaterThan(c.tokenRoute ? 0 : -1);
      // The new value (or the secret removed), or the last-known-good one kept with a coded error.
      // A partial case that succeeded: one key left; otherwise the Api.Key the outcome implies.
      const partial = summary.ok && c.partial === true;
      const actual = partial ? Object.keys(watcher.config).length : watcher.get<string>('Api.Key');
      const wanted = partial
        ? 1
        : summary.ok
          ? c.gone
            ? undefined
            : secretValue('api2')
          : secretValue('api');
      expect(actual).toBe(wanted);
      expect(summary.ok || /^[A-Z_]+$/.test(summary.error?.code ?? '')).toBe(true);
      // An identity fault the cycle cannot get past: kept, and exactly one coded error in the state.
      const aboutToken = c.tokenRoute !== undefined;
      const mustFail = aboutToken && c.refreshSucceeds === undefined;
      const tokenOutcome = aboutToken ? { ok: summary.ok, ...failureOf(watcher.state) } : null;
      const wantedOutcome = mustFail
        ? { ok: false, failures: 1, code: summary.error?.code }
        : { ok: true, failures: 0 };
      expect(tokenOutcome).toEqual(aboutToken ? wantedOutcome : null);
      expect(run.ms).toBeLessThan(DEADLINE_MS + 1_000);
      expectNoCanary(summary, watcher.report, watcher.health(), watcher.state, vault.logger.lines);
      expectNoToken(summary, watcher.report, watcher.health(), watcher.state, vault.logger.lines);
      const stop = await timed(() => watcher.stop());
      expect(stop.ms).toBeLessThan(1_000);
      const exit = await backToBaseline(baseline, EXIT_BOUND_MS);
      rows.push({
        case: c.name,
        phase: 'refresh',
        outcome: summary.ok ? 'config' : `kept (${summary.error?.code})`,
        ms: Math.round(run.ms),
        exit: exit.ms,
      });
      expectExit(c, exit.left, 'after stop()');
    },
  );
});

it('left no unhandled rejection', () => {
  expect(rejections.map((r) => inspect(r))).toEqual([]);
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  const table = rows.map(
    (r) =>
      `| ${r.case.padEnd(34)} | ${r.phase.padEnd(7)} | ${r.outcome.padEnd(28)} | ${String(r.ms).padStart(5)} ms | ${r.exit > EXIT_BOUND_MS ? 'held' : `${String(r.exit).padStart(4)} ms`} |`,
  );
  // oxlint-disable-next-line no-console -- the matrix is the suite's report
  console.log(['| case | phase | outcome | time | exit |', '|---|---|---|---|---|', ...table].join('\n'));
});

/**
 * The chaos matrix through Nest (issue #9 item 9): a representative fault of each kind — a body cut or
 * replaced by HTML, a bodiless 403, a hung get, a failing identity endpoint — against an app built like
 * the sample (the library's module, the sample's status page and `/api/status`, terminus' `/health` with
 * the library's indicator), served over HTTP. At startup (`optional: true`, so the app boots without its
 * vault) and in a refresh cycle (the secret rotated, then the fault), the canary — and any token — is in
 * no page, status payload or health payload the app serves, nor in its log lines. Printed as a table.
 */
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import type { FaultSpec } from 'keyvault-emulator';
import { KeyVaultConfigModule, KeyVaultConfigWatcher, KeyVaultHealthIndicator } from 'nestjs-keyvault-config';
import { afterAll, describe, expect, it } from 'vitest';
import { HealthController } from '../../apps/sample/src/health/health.controller.js';
import { HEALTH_KEY, MASTER_SECRETS } from '../../apps/sample/src/sample.constants.js';
import { StatusController } from '../../apps/sample/src/status/status.controller.js';
import { StatusService } from '../../apps/sample/src/status/status.service.js';
import { useEmulator, type FreshVault } from '../support/emulator.fixture.js';
import { expectNoCanary, expectNoToken, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
const DEADLINE_MS = 1_500;
const rows: Array<{ case: string; phase: string; health: string; lastError: string }> = [];

interface NestCase {
  name: string;
  faults?: Array<Omit<FaultSpec, 'vault'>>;
  /** The identity endpoint fails (App Service, 500): the refresh starts with 1-second tokens. */
  identity500?: true;
}

const CASES: NestCase[] = [
  { name: 'get: 200 truncated', faults: [{ route: 'secrets.get', body: 'truncated' }] },
  { name: 'get: HTML 200', faults: [{ route: 'secrets.get', body: 'html', status: 200 }] },
  { name: 'list: empty 403', faults: [{ route: 'secrets.list', body: 'empty', status: 403 }] },
  { name: 'get: hang', faults: [{ route: 'secrets.get', hang: true }] },
  { name: 'identity: 500', identity500: true },
];

const SEED = [
  { name: 'Api--Key', value: secretValue('api') },
  { name: 'Db--Password', value: secretValue('db') },
];

function injectFaults(c: NestCase, vault: FreshVault): void {
  for (const fault of c.faults ?? []) fx.emulator.faults.add({ ...fault, vault: vault.name });
  if (c.identity500) fx.emulator.faults.failIdentity(3, 500);
}

/** The sample's status page, status API and health endpoint over the library's module, listening. */
async function bootSampleLike(vault: FreshVault): Promise<{ app: INestApplication; url: string }> {
  const keyVault = await KeyVaultConfigModule.forRoot(
    vault.options({ timeoutMs: DEADLINE_MS, maxRetries: 1, optional: true, refreshInterval: '1h' }),
  );
  const moduleRef = await Test.createTestingModule({
    imports: [keyVault, TerminusModule.forRoot()],
    controllers: [StatusController, HealthController],
    providers: [
      StatusService,
      KeyVaultHealthIndicator,
      { provide: MASTER_SECRETS, useValue: { present: false, variables: [] } },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  fx.afterTest(app, (a) => a.close());
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

/** Every page the app serves about its vault: the status page, its JSON, and the health payload. */
async function served(url: string): Promise<{ bodies: string[]; health: string; lastError: string }> {
  const bodies = await Promise.all(
    ['/', '/api/status', '/health'].map(async (path) => (await fetch(`${url}${path}`)).text()),
  );
  const health = JSON.parse(bodies[2]!) as {
    status: string;
    details: Record<string, { lastError?: string }>;
  };
  // The health payload's code: the failed startup's too (the status page shows refresh failures).
  return { bodies, health: health.status, lastError: health.details[HEALTH_KEY]?.lastError ?? '—' };
}

/** No value and no token in what the app served or logged. */
function expectNothingLeaked(things: string[]): void {
  expectNoCanary(...things);
  expectNoToken(...things);
}

describe.each(CASES)('$name', (c) => {
  it('startup (optional): no page, status or health payload shows a value or a token', async () => {
    const vault = await fx.freshVault(SEED);
    injectFaults(c, vault);
    fx.afterTest(undefined, () => fx.emulator.faults.clear());
    const { url } = await bootSampleLike(vault);
    const page = await served(url);
    expectNothingLeaked([...page.bodies, ...vault.logger.lines]);
    // The app booted without its vault: its health says so (the sample itself fails to start instead).
    expect(page.health).not.toBe('ok');
    expect(page.lastError).toMatch(/^[A-Z][A-Z_]+$/);
    rows.push({ case: c.name, phase: 'load', health: page.health, lastError: page.lastError });
  });

  it('refresh cycle: last-known-good kept; no page, status or health payload shows a value or a token', async () => {
    const vault = await fx.freshVault(SEED);
    if (c.identity500) fx.emulator.setTokenLifetime(1);
    fx.afterTest(undefined, () => {
      fx.emulator.faults.clear();
      fx.emulator.setTokenLifetime(3600);
    });
    const { app, url } = await bootSampleLike(vault);
    vault.handle.setSecret({ name: 'Api--Key', value: secretValue('api2') });
    // Past the startup token's expiry: the cycle must ask the failing identity endpoint.
    if (c.identity500) await new Promise((done) => setTimeout(done, 1_200));
    injectFaults(c, vault);
    const watcher = app.get(KeyVaultConfigWatcher);
    const summary = await watcher.refresh();
    expect({ ok: summary.ok, code: summary.error?.code }).toEqual({
      ok: false,
      code: expect.stringMatching(/^[A-Z_]+$/),
    });
    const page = await served(url);
    expectNothingLeaked([...page.bodies, ...vault.logger.lines, JSON.stringify(watcher.health())]);
    expect(page.lastError).toBe(summary.error?.code);
    rows.push({ case: c.name, phase: 'refresh', health: page.health, lastError: page.lastError });
  });
});

afterAll(() => {
  const table = rows.map(
    (r) =>
      `| ${r.case.padEnd(20)} | ${r.phase.padEnd(7)} | ${r.health.padEnd(8)} | ${r.lastError.padEnd(20)} |`,
  );
  // oxlint-disable-next-line no-console -- the matrix is the suite's report
  console.log(['| case | phase | /health | lastError |', '|---|---|---|---|', ...table].join('\n'));
});

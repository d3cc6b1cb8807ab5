/**
 * The chaos matrix (issue #9): every hostile fault of the emulator × {startup load, refresh cycle},
 * through the real SDK. Each case must end in a whole configuration or one coded KeyVaultConfigError
 * within its deadline; a failed refresh keeps the last-known-good configuration; the canary is in no
 * log line, error (inspected to full depth, cause chain included), report or health payload; no
 * unhandled rejection. The matrix is printed as a table (case, outcome, time).
 */
import { inspect } from 'node:util';
import type { FaultSpec } from 'keyvault-emulator';
import { isKeyVaultConfigError, loadKeyVaultSecrets, watchKeyVaultSecrets } from 'nestjs-keyvault-config';
import { afterAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { CANARY, expectNoCanary, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
const DEADLINE_MS = 1_500;
const rows: Array<{ case: string; phase: string; outcome: string; ms: number }> = [];
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
}

const CASES: ChaosCase[] = [
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
  { name: 'identity: 500', identity: 500 },
  { name: 'identity: hang', identity: 'hang' },
];

const SEED = [
  { name: 'Api--Key', value: secretValue('api') },
  { name: 'Db--Password', value: secretValue('db') },
];

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
  const vault = await fx.freshVault(SEED, {
    faults: faultsNow ? c.faults : [],
    clientOptions: { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
  });
  if (faultsNow && c.identity) fx.emulator.faults.failIdentity(3, c.identity);
  fx.afterTest(undefined, () => fx.emulator.faults.clear());
  return vault;
}

describe.each(CASES)('$name', (c) => {
  it('startup load: a whole config or one coded error, in time, leaking nothing', async () => {
    const vault = await vaultFor(c, true);
    const run = await timed(() =>
      loadKeyVaultSecrets(vault.options({ timeoutMs: DEADLINE_MS, maxRetries: 1 })),
    );
    const outcome =
      run.error === undefined ? `config (${run.value!.report.loaded} keys)` : outcomeOf(run.error);
    const whole = { Api: { Key: secretValue('api') }, Db: { Password: secretValue('db') } };
    expect(run.value?.config ?? null).toEqual(run.error === undefined ? (c.gone ? {} : whole) : null);
    expect(run.ms).toBeLessThan(DEADLINE_MS + 1_000);
    expect(inspect(run.error, { depth: Infinity })).not.toContain(CANARY);
    expectNoCanary(run.error, run.value?.report, vault.logger.lines);
    rows.push({ case: c.name, phase: 'load', outcome, ms: Math.round(run.ms) });
  });

  it('refresh cycle: the new config or last-known-good kept, in time, leaking nothing', async () => {
    const vault = await vaultFor(c, false);
    const watcher = await watchKeyVaultSecrets(vault.options({ timeoutMs: DEADLINE_MS, maxRetries: 1 }));
    fx.afterTest(watcher, (w) => w.stop());
    vault.handle.setSecret({ name: 'Api--Key', value: secretValue('api2') });
    for (const fault of c.faults ?? []) fx.emulator.faults.add({ ...fault, vault: vault.name });
    if (c.identity) fx.emulator.faults.failIdentity(3, c.identity);
    const run = await timed(() => watcher.refresh());
    const summary = run.value!;
    const apiKey = watcher.get<string>('Api.Key');
    // The new value, or the last-known-good one kept with a coded error.
    const expected = summary.ok ? (c.gone ? undefined : secretValue('api2')) : secretValue('api');
    expect(apiKey).toBe(expected);
    expect(summary.ok || /^[A-Z_]+$/.test(summary.error?.code ?? '')).toBe(true);
    expect(run.ms).toBeLessThan(DEADLINE_MS + 1_000);
    expectNoCanary(summary, watcher.report, watcher.health(), watcher.state, vault.logger.lines);
    const stop = await timed(() => watcher.stop());
    expect(stop.ms).toBeLessThan(1_000);
    rows.push({
      case: c.name,
      phase: 'refresh',
      outcome: summary.ok ? 'config' : `kept (${summary.error?.code})`,
      ms: Math.round(run.ms),
    });
  });
});

it('left no unhandled rejection', () => {
  expect(rejections.map((r) => inspect(r))).toEqual([]);
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  const table = rows.map(
    (r) =>
      `| ${r.case.padEnd(34)} | ${r.phase.padEnd(7)} | ${r.outcome.padEnd(28)} | ${String(r.ms).padStart(5)} ms |`,
  );
  // oxlint-disable-next-line no-console -- the matrix is the suite's report
  console.log(['| case | phase | outcome | time |', '|---|---|---|---|', ...table].join('\n'));
});

/**
 * `doctor`'s credential walk without a managed identity: no identity environment at all, and the
 * developer path through a fake `az` (logged in, logged out, not installed). Each credential of
 * DefaultAzureCredential's chain is tried on its own, in the chain's order; IMDS is a closed loopback
 * port, so nothing ever leaves loopback.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../libs/keyvault-config/src/doctor/doctor.report.js';
import { expectNoCanary, secretValue } from '../support/load-harness.js';
import { tempDir } from '../support/child-env.js';
import { DEFAULT_CHAIN as CHAIN, DEVELOPER, fakeAzBin, fakeAzCalls } from './fixtures/credential-child.js';
import {
  useDoctorEmulator,
  imdsWithoutIdentity,
  noIdentityEnv,
  runDoctorCli,
} from './fixtures/doctor-cli.js';

/** One emulator for the file; the children get their environment from scratch. */
const fx = useDoctorEmulator({
  seed: [{ name: 'Db--Password', value: secretValue('db') }],
  identities: [{ ...DEVELOPER, role: 'user' }],
});
let azBin: string;
let azLog: string;
let imds: Awaited<ReturnType<typeof imdsWithoutIdentity>>;
beforeAll(async () => {
  azBin = fakeAzBin();
  imds = await imdsWithoutIdentity();
});
afterAll(async () => {
  await imds?.close();
});
beforeEach(() => {
  fx.emulator.counters.reset();
  azLog = join(tempDir('kv-doctor-az-'), 'calls.jsonl');
});

it('no identity environment at all: every credential fails with its reason — CREDENTIAL_UNAVAILABLE, exit 1', async () => {
  const run = await runDoctorCli(['--json'], noIdentityEnv(fx, imds.host));
  expectNoCanary(run.stdout, run.stderr);
  expect(run.code).toBe(1);
  const report = run.report!;
  expect(report.chain).toBe('DefaultAzureCredential');
  expect(report.credentials.map((c) => c.name)).toEqual(CHAIN);
  expect(report.credentials.every((c) => c.outcome !== 'token' && !c.selected)).toBe(true);
  const managed = report.credentials.find((c) => c.name === 'ManagedIdentityCredential')!;
  expect(managed).toMatchObject({ source: 'IMDS', outcome: 'unavailable' });
  expect(report.credentials.find((c) => c.name === 'AzureCliCredential')!.reason).toMatch(
    /Azure CLI could not be found/,
  );
  expect(report.credential).toBeNull();
  expect(report.problems[0]!.code).toBe('CREDENTIAL_UNAVAILABLE');
  expect(report.problems[0]!.fix).toContain('az login');
  // The vault was reachable: DNS, TLS and the challenge work without any credential.
  expect(report.vaults[0]).toMatchObject({ reachable: true, list: 'untested', get: 'untested' });
  const text = renderText(report);
  expect(text).toContain('✗ No credential of the chain gets a token');
  expect(text).toMatch(/✗ ManagedIdentityCredential \(IMDS\): /);
  expect(text).toContain('[CREDENTIAL_UNAVAILABLE]');
});

describe.skipIf(process.platform === 'win32')('the developer path through az', () => {
  it('logged in: AzureCliCredential is picked, as the developer, exit 0', async () => {
    const env = noIdentityEnv(
      fx,
      imds.host,
      {
        FAKE_AZ_MODE: 'logged-in',
        FAKE_AZ_TOKEN: fx.emulator.issueToken({ clientId: DEVELOPER.clientId }),
        FAKE_AZ_EXPIRES_ON: String(Math.floor(Date.now() / 1000) + 3600),
        FAKE_AZ_TENANT: fx.emulator.tenantId,
        FAKE_AZ_LOG: azLog,
      },
      azBin,
    );
    const run = await runDoctorCli(['--json'], env);
    expectNoCanary(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    const report = run.report!;
    const cli = report.credentials.find((c) => c.name === 'AzureCliCredential')!;
    expect(cli).toMatchObject({
      outcome: 'token',
      selected: true,
      source: 'Azure CLI',
      oid: DEVELOPER.objectId,
    });
    expect(report.credential).toMatchObject({
      name: 'AzureCliCredential',
      oid: DEVELOPER.objectId,
      appid: DEVELOPER.clientId,
      tid: fx.emulator.tenantId,
    });
    expect(report.vaults[0]).toMatchObject({ list: 'allowed', get: 'allowed' });
    // The tenant of the vault's challenge is what az is asked for, as the SDK does.
    expect(
      fakeAzCalls(azLog).every((args) => args.includes('--tenant') && args.includes(fx.emulator.tenantId)),
    ).toBe(true);
    expect(renderText(report)).toMatch(
      /✓ AzureCliCredential \(Azure CLI\): token for oid=3f2a1b0c\S* .* ← the library uses this one/,
    );
  });

  it("logged out: AzureCliCredential's reason says to run az login — exit 1", async () => {
    const run = await runDoctorCli(
      ['--json'],
      noIdentityEnv(fx, imds.host, { FAKE_AZ_MODE: 'logged-out' }, azBin),
    );
    expect(run.code).toBe(1);
    const cli = run.report!.credentials.find((c) => c.name === 'AzureCliCredential')!;
    expect(cli.outcome).not.toBe('token');
    expect(cli.reason).toMatch(/az login/);
    expect(run.report!.problems.map((p) => p.code)).toContain('CREDENTIAL_UNAVAILABLE');
  });

  it('not installed: AzureCliCredential says the CLI was not found', async () => {
    const run = await runDoctorCli(['--json'], noIdentityEnv(fx, imds.host));
    const cli = run.report!.credentials.find((c) => c.name === 'AzureCliCredential')!;
    expect(cli.reason).toMatch(/could not be found/);
  });
});

it('AZURE_TOKEN_CREDENTIALS=dev: only the developer credentials, in the chain order', async () => {
  const run = await runDoctorCli(
    ['--json'],
    noIdentityEnv(fx, imds.host, { AZURE_TOKEN_CREDENTIALS: 'dev' }),
  );
  expect(run.report!.tokenCredentials).toBe('dev');
  expect(run.report!.credentials.map((c) => c.name)).toEqual(CHAIN.slice(3));
  expect(fx.emulator.counters.count({ route: 'identity.imds' })).toBe(0);
});

/**
 * The `doctor` binary as users run it: the text report (✓/✗ one line each, then "To fix"), exit codes
 * 0/1/2, a vault that is down and a throttled one. Never a value in stdout or stderr.
 */
import { beforeEach, expect, it } from 'vitest';
import { expectNoCanary, secretValue } from '../support/load-harness.js';
import { closedPort } from '../support/ports.js';
import { appServiceEnv, useDoctorEmulator, runDoctorCli, writeTemp } from './fixtures/doctor-cli.js';

/** One emulator for the file; the children get their environment from scratch. */
const fx = useDoctorEmulator({
  seed: [
    { name: 'Db--Password', value: secretValue('db') },
    { name: 'Api-Key', value: secretValue('api') },
  ],
});
beforeEach(() => {
  fx.emulator.faults.clear();
  fx.emulator.setRole('system', 'officer');
});

it('text, would start: every step ✓ on one line, the timeline, exit 0', async () => {
  const run = await runDoctorCli([], appServiceEnv(fx));
  expectNoCanary(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n');
  const host = new URL(fx.emulator.vaultUrl).host;
  expect(lines).toContain(`Vault ${host}:`);
  for (const step of ['DNS', 'TLS', 'Challenge', 'Token', 'list', 'get']) {
    expect(lines.some((l) => l.startsWith(`  ✓ ${step}: `))).toBe(true);
  }
  expect(run.stdout).toMatch(
    /✓ ManagedIdentityCredential \(App Service\): token for oid=\S+ appid=\S+ tid=\S+ \(managed identity\) ← the library uses this one/,
  );
  expect(run.stdout).toMatch(
    /✓ TLS: TLSv1\.\d, certificate CN=127\.0\.0\.1, trusted through CN=.+ \(NODE_EXTRA_CA_CERTS/,
  );
  expect(run.stdout).toMatch(/Db\.Password ← Db--Password [0-9a-f]{32} \[list\]/);
  expect(run.stdout).toMatch(/✓ Startup load: 2 keys in \d+ ms/);
  expect(run.stdout).toMatch(/\+\d+ ms {2}challenge .* → 401/);
  expect(run.stdout).toMatch(/\+\d+ ms {2}token for /);
  expect(run.stdout).toMatch(/\+\d+ ms {2}list page 1 \(2 secrets\)/);
  expect(run.stdout).toMatch(/\+\d+ ms {2}get Api-Key \S+ → 200/);
  expect(run.stdout).toContain('✓ The app would start.');
  expect(run.stdout).not.toContain('To fix:');
});

it('text, would not start: ✗ lines, then "To fix" with the az commands — exit 1', async () => {
  fx.emulator.setRole('system', 'none');
  const run = await runDoctorCli([], appServiceEnv(fx));
  expectNoCanary(run.stdout, run.stderr);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/^ {2}✗ list: denied/m);
  expect(run.stdout).toContain('✗ The app would NOT start');
  const fix = run.stdout.slice(run.stdout.indexOf('To fix:'));
  expect(fix).toMatch(/1\. \[ACCESS_DENIED\] Access denied: /);
  expect(fix).toMatch(/\$ az role assignment create --role "Key Vault Secrets User" --assignee \S+ --scope/);
  expect(fix).toMatch(
    /\$ az keyvault set-policy --name emulator --object-id \S+ --secret-permissions get list/,
  );
});

it.each([
  [['--bogus'], /Unknown option --bogus/],
  [['--timeout', 'soon'], /--timeout expects milliseconds/],
  [['--vault-url', 'http://vault.example.com'], /http:\/\/ is accepted only for loopback hosts/],
  [['--config', '/nonexistent/options.js'], /--config: \/nonexistent\/options\.js does not exist/],
  [['--secrets', 'a', '--prefix', 'p'], /cannot be combined/],
])('bad arguments %j: exit 2 with the reason and the usage', async (args, reason) => {
  const run = await runDoctorCli(args, appServiceEnv(fx));
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(reason);
  expect(run.stderr).toContain('Usage: nestjs-keyvault-config doctor');
});

it('--help prints the usage and exits 0', async () => {
  const run = await runDoctorCli(['--help'], appServiceEnv(fx));
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('--vault-url URL');
});

it('a vault that is down: not reachable, VAULT_UNREACHABLE — exit 1, within the timeout', async () => {
  const down = `https://127.0.0.1:${await closedPort()}`;
  const run = await runDoctorCli(['--json', '--timeout', '3000'], appServiceEnv(fx, { KEY_VAULT_URL: down }));
  expect(run.code).toBe(1);
  const report = run.report!;
  expect(report.vaults[0]).toMatchObject({ reachable: false, list: 'untested', get: 'untested' });
  expect(report.vaults[0]!.tls).toMatchObject({ ok: false });
  expect(report.vaults[0]!.tls!.detail).toContain('ECONNREFUSED');
  expect(report.problems[0]).toMatchObject({
    code: 'VAULT_UNREACHABLE',
    fix: expect.stringContaining('az keyvault show'),
  });
  // The startup load, bounded by --timeout, fails too: retrying refused connections, or out of time.
  expect(['VAULT_UNREACHABLE', 'TIMEOUT']).toContain(report.startup?.code);
  // The identity still works: the credential step does not depend on the vault.
  expect(report.credential?.name).toBe('ManagedIdentityCredential');
});

it('a throttled vault: the 429s and retries on the timeline, THROTTLED with what to do — exit 1', async () => {
  fx.emulator.faults.add({ route: 'secrets.list', status: 429 });
  // The startup load waits a persistent 429 out until its deadline (not a retry count): keep it short.
  const options = writeTemp('options.mjs', 'export default { maxRetries: 1, timeoutMs: 3000 };\n');
  const run = await runDoctorCli(['--json', '--config', options], appServiceEnv(fx));
  expectNoCanary(run.stdout, run.stderr);
  expect(run.code).toBe(1);
  const report = run.report!;
  expect(report.problems[0]).toMatchObject({ code: 'THROTTLED' });
  // A load is bounded by its deadline, not by maxRetries: the advice is about time and request volume.
  expect(report.problems[0]!.message).toMatch(/raise `timeoutMs`, read fewer secrets/);
  const listed = report.timeline.filter((e) => e.step === 'list');
  // Every attempt is on the timeline, retried until the deadline (not maxRetries) would pass.
  expect(listed.length).toBeGreaterThanOrEqual(2);
  expect(new Set(listed.map((e) => e.status))).toEqual(new Set([429]));
  expect(listed[1]).toMatchObject({ attempt: 2, page: 1 });
  expect(report.vaults[0]!.list).toBe('error');
});

/**
 * `doctor` on what would load: collisions (all of them, not only the first the load stops at), JSON
 * secrets that do not parse, an expired secret, a prefix, explicit mode, references in the environment
 * and in `.env` (good and bad), and a validationSchema given through `--config`. Every seeded value
 * carries the canary; none may appear in either output form.
 */
import type { SeedSecret } from 'keyvault-emulator';
import { expect, it } from 'vitest';
import { renderText } from '../../libs/keyvault-config/src/doctor/doctor.report.js';
import { expectNoCanary, secretValue } from '../support/load-harness.js';
import {
  appServiceEnv,
  useDoctorEmulator,
  runDoctorCli,
  writeTemp,
  type DoctorRun,
} from './fixtures/doctor-cli.js';

/** One emulator for the file; the children get their environment from scratch. */
const fx = useDoctorEmulator({
  seed: [{ name: 'Db--Password', value: secretValue('db') }],
});

/** A vault of its own for one scenario. */
async function vaultWith(name: string, seed: SeedSecret[]): Promise<string> {
  return (await fx.emulator.addVault(name, { seed })).url;
}

async function doctor(
  vaultUrl: string,
  args: string[] = [],
  vars: Record<string, string> = {},
  cwd?: string,
): Promise<DoctorRun> {
  const run = await runDoctorCli(
    ['--json', ...args],
    appServiceEnv(fx, { KEY_VAULT_URL: vaultUrl, ...vars }),
    cwd,
  );
  expectNoCanary(run.stdout, run.stderr, renderText(run.report!));
  return run;
}

it('collisions: every one is reported with both secret names — exit 1', async () => {
  const url = await vaultWith('collide', [
    { name: 'Db', value: secretValue(1) },
    { name: 'Db--Password', value: secretValue(2) },
    { name: 'Cache', value: secretValue(3) },
    { name: 'Cache--Host', value: secretValue(4) },
  ]);
  const { code, report } = await doctor(url);
  expect(code).toBe(1);
  const collisions = report!.problems.filter((p) => p.code === 'KEY_COLLISION');
  expect(collisions.map((p) => p.key).sort()).toEqual(['Cache', 'Db']);
  expect(collisions.find((p) => p.key === 'Db')!.message).toMatch(/secret 'Db'.*secret 'Db--Password'/);
  expect(report!.startup).toMatchObject({ ok: false, code: 'KEY_COLLISION' });
});

it('JSON secrets that do not parse: each named, value not shown — exit 1', async () => {
  const url = await vaultWith('badjson', [
    { name: 'Cfg', value: `{"a": "${secretValue('j1')}"`, contentType: 'application/json' },
    { name: 'Other', value: `not json ${secretValue('j2')}`, contentType: 'application/json; charset=utf-8' },
    { name: 'Fine', value: JSON.stringify({ a: secretValue('j3') }), contentType: 'application/json' },
  ]);
  const { code, report } = await doctor(url);
  expect(code).toBe(1);
  const bad = report!.problems.filter((p) => p.code === 'INVALID_SECRET_CONTENT');
  expect(bad.map((p) => p.secretName).sort()).toEqual(['Cfg', 'Other']);
  expect(bad[0]!.fix).toMatch(/^az keyvault secret set --vault-name/);
});

it('an expired secret loads with a warning (expiredSecrets: warn) — exit 0', async () => {
  const url = await vaultWith('expired', [
    { name: 'Old', value: secretValue('old'), expires: '2020-01-01T00:00:00Z' },
    { name: 'Later', value: secretValue('later'), notBefore: '2999-01-01T00:00:00Z' },
    { name: 'Off', value: secretValue('off'), enabled: false },
  ]);
  const { code, report } = await doctor(url);
  expect(code).toBe(0);
  expect(report!.vaults[0]!.counts).toEqual({
    listed: 3,
    enabled: 2,
    disabled: 1,
    expired: 1,
    notYetValid: 1,
    filteredOut: 0,
    keys: 2,
  });
  expect(report!.vaults[0]!.keys.find((k) => k.secretName === 'Old')).toMatchObject({
    status: 'loaded',
    reason: 'expired',
  });
  expect(report!.vaults[0]!.keys.find((k) => k.secretName === 'Off')).toMatchObject({
    status: 'skipped',
    reason: 'disabled',
  });
  expect(report!.warnings.join('\n')).toMatch(/'Old' .* is expired/);
  expect(renderText(report!)).toContain('! ');
});

it('--prefix: only that app’s secrets, the rest counted as filtered out', async () => {
  const url = await vaultWith('prefixed', [
    { name: 'App1-Key', value: secretValue('p1') },
    { name: 'App2-Key', value: secretValue('p2') },
  ]);
  const { code, report } = await doctor(url, ['--prefix', 'App1-']);
  expect(code).toBe(0);
  expect(report!.vaults[0]!.counts).toMatchObject({ listed: 2, filteredOut: 1, keys: 1 });
  expect(report!.vaults[0]!.keys.map((k) => k.key)).toEqual(['Key']);
});

it('--secrets (explicit mode): no list; a missing name is SECRET_NOT_FOUND — exit 1', async () => {
  const url = await vaultWith('explicit', [{ name: 'Here', value: secretValue('e1') }]);
  const { code, report } = await doctor(url, ['--secrets', 'Here,Missing']);
  expect(code).toBe(1);
  expect(report!.vaults[0]).toMatchObject({ list: 'untested', get: 'allowed' });
  expect(report!.vaults[0]!.keys.map((k) => [k.secretName, k.status])).toEqual([
    ['Here', 'loaded'],
    ['Missing', 'skipped'],
  ]);
  expect(report!.problems.map((p) => [p.code, p.secretName])).toContainEqual(['SECRET_NOT_FOUND', 'Missing']);
  // Only the unauthenticated challenge probe touched the list route (401): nothing was listed.
  expect(fx.emulator.counters.count({ route: 'secrets.list', vault: 'explicit', status: 200 })).toBe(0);
});

it('references in the environment and .env: where each is from and whether it resolves', async () => {
  const host = new URL(fx.emulator.vaultUrl).host;
  const envFile = writeTemp(
    '.env',
    `REF_GOOD=@Microsoft.KeyVault(SecretUri=https://${host}/secrets/Db--Password)\nPLAIN=${secretValue('plain')}\n`,
  );
  const { code, report } = await doctor(fx.emulator.vaultUrl, ['--env-file', envFile], {
    REF_MISSING: `@Microsoft.KeyVault(SecretUri=https://${host}/secrets/Nope)`,
    REF_BROKEN: '@Microsoft.KeyVault(SecretUri=https://',
  });
  expect(code).toBe(1);
  const byName = Object.fromEntries(report!.references.map((r) => [r.variable, r]));
  expect(byName.REF_GOOD).toMatchObject({ from: '.env', secretName: 'Db--Password', resolves: true });
  expect(byName.REF_MISSING).toMatchObject({
    from: 'environment',
    secretName: 'Nope',
    resolves: false,
    reason: 'the secret does not exist',
  });
  expect(byName.REF_BROKEN).toMatchObject({ from: 'environment', resolves: false, reason: 'malformed' });
  expect(
    report!.problems
      .filter((p) => p.code === 'INVALID_REFERENCE')
      .map((p) => p.key)
      .sort(),
  ).toEqual(['REF_BROKEN', 'REF_MISSING']);
  const text = renderText(report!);
  expect(text).toMatch(/✓ REF_GOOD \(\.env\) → 'Db--Password' in .* resolves/);
  expect(text).toMatch(/✗ REF_MISSING \(environment\) → 'Nope'/);
});

/** An options module whose Standard Schema requires `required`. */
const schema = (required: string): string => `export default {
validationSchema: {
  '~standard': {
    version: 1,
    vendor: 'doctor-test',
    validate: (value) => (value.${required} ? { value } : { issues: [{ message: 'is required', path: ['${required}'] }] }),
  },
},
};\n`;

it('--config with a validationSchema: the verdict, failed then passed', async () => {
  const failing = await doctor(fx.emulator.vaultUrl, [
    '--config',
    writeTemp('options.mjs', schema('Missing_Key')),
  ]);
  expect(failing.code).toBe(1);
  expect(failing.report!.validation).toBe('failed');
  expect(failing.report!.problems[0]).toMatchObject({ code: 'VALIDATION_FAILED' });
  const passing = await doctor(fx.emulator.vaultUrl, ['--config', writeTemp('options.mjs', schema('Db'))]);
  expect(passing.code).toBe(0);
  expect(passing.report!.validation).toBe('passed');
});

it("--config with the app's refresh options: checked as the app's forRoot would load, not refused", async () => {
  // The forRoot options of an app that rotates: the doctor's startup load is that app's first load.
  const options = 'export default { refreshInterval: "5m", healthFailureThreshold: 3 };\n';
  const run = await doctor(fx.emulator.vaultUrl, ['--config', writeTemp('options.mjs', options)]);
  expect(run.report!.problems).toEqual([]);
  expect(run.report!.startup).toMatchObject({ ok: true });
  expect(run.code).toBe(0);
});

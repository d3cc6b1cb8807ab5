/**
 * `doctor` against the emulator with the App Service managed identity in each RBAC role: officer and
 * user would start; reader may list but not get; none may do neither — each with the exact `az`
 * commands (RBAC and access policy) for the identity the token names. Both output forms; never a value.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../libs/keyvault-config/src/doctor/doctor.report.js';
import { CANARY, expectNoCanary, secretValue } from '../support/load-harness.js';
import { appServiceEnv, useDoctorEmulator, runDoctorCli } from './fixtures/doctor-cli.js';

/** One emulator for the file; the children get their environment from scratch. */
const fx = useDoctorEmulator({
  seed: [
    { name: 'Db--Password', value: secretValue('db') },
    { name: 'Api-Key', value: secretValue('api') },
  ],
});
beforeEach(() => fx.emulator.counters.reset());

describe.each(['officer', 'user'] as const)('role %s', (role) => {
  it('would start: exit 0, the managed identity and both keys, names and versions only', async () => {
    fx.emulator.setRole('system', role);
    const run = await runDoctorCli(['--json'], appServiceEnv(fx));
    expectNoCanary(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    const report = run.report!;
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.credential).toEqual({
      name: 'ManagedIdentityCredential',
      kind: 'managed identity',
      source: 'App Service',
      oid: fx.emulator.systemAssigned.objectId,
      appid: fx.emulator.systemAssigned.clientId,
      tid: fx.emulator.tenantId,
    });
    const [vault] = report.vaults;
    expect(vault).toMatchObject({
      host: new URL(fx.emulator.vaultUrl).host,
      reachable: true,
      list: 'allowed',
      get: 'allowed',
    });
    expect(vault!.challenge).toMatchObject({
      ok: true,
      tenant: fx.emulator.tenantId,
      resource: 'https://vault.azure.net',
    });
    expect(vault!.token).toMatchObject({
      ok: true,
      audience: 'https://vault.azure.net',
      tenant: fx.emulator.tenantId,
    });
    expect(vault!.counts).toEqual({
      listed: 2,
      enabled: 2,
      disabled: 0,
      expired: 0,
      notYetValid: 0,
      filteredOut: 0,
      keys: 2,
    });
    expect(vault!.keys.map((k) => [k.key, k.secretName, k.source, k.status])).toEqual([
      ['Api_Key', 'Api-Key', 'list', 'loaded'],
      ['Db.Password', 'Db--Password', 'list', 'loaded'],
    ]);
    for (const key of vault!.keys) expect(key.version).toMatch(/^[0-9a-f]{32}$/);
    // The startup load on the wire: challenge, token, one list page, two gets.
    expect(report.timeline.map((e) => e.step)).toEqual(['challenge', 'token', 'list', 'get', 'get']);
    expect(report.timeline[2]).toMatchObject({ page: 1, items: 2, status: 200 });
    expectNoCanary(renderText(report));
  });
});

it('reader: list allowed, get denied — exit 1 with the RBAC and access-policy commands for its oid', async () => {
  fx.emulator.setRole('system', 'reader');
  const run = await runDoctorCli(['--json'], appServiceEnv(fx));
  expectNoCanary(run.stdout, run.stderr);
  expect(run.code).toBe(1);
  const report = run.report!;
  expect(report.ok).toBe(false);
  expect(report.vaults[0]).toMatchObject({ list: 'allowed', get: 'denied' });
  const denied = report.problems.filter((p) => p.code === 'ACCESS_DENIED');
  expect(denied.length).toBeGreaterThan(0);
  const oid = fx.emulator.systemAssigned.objectId;
  expect(denied[0]!.fix).toContain(
    `az role assignment create --role "Key Vault Secrets User" --assignee ${oid}`,
  );
  expect(denied[0]!.fix).toContain(
    `az keyvault set-policy --name emulator --object-id ${oid} --secret-permissions get list`,
  );
  const text = renderText(report);
  expect(text).toMatch(/✓ list: allowed/);
  expect(text).toMatch(/✗ get: denied on 'Api-Key'/);
  expect(text).toContain('To fix:');
  expect(text).toContain(`$ az role assignment create --role "Key Vault Secrets User" --assignee ${oid}`);
  expectNoCanary(text);
});

it('none: list denied — exit 1, the missing permission named, nothing read', async () => {
  fx.emulator.setRole('system', 'none');
  const run = await runDoctorCli(['--json'], appServiceEnv(fx));
  expect(run.code).toBe(1);
  const report = run.report!;
  expect(report.vaults[0]).toMatchObject({ list: 'denied', get: 'untested' });
  expect(report.problems[0]).toMatchObject({ code: 'ACCESS_DENIED' });
  expect(report.problems[0]!.message).toContain('lacks the secrets list permission');
  expect(report.credential?.name).toBe('ManagedIdentityCredential');
  expect(fx.emulator.counters.count({ route: 'secrets.get', status: 200 })).toBe(0);
  expect(run.stdout).not.toContain(CANARY);
});

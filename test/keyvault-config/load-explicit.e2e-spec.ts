/**
 * Explicit mode and access denied, against the emulator through the real SDK: explicit mode never
 * lists (so a get-only identity works), missing / optional / disabled / pinned secrets, and readable
 * 403s for list and for get naming the permission, the identity and the fix.
 */
import type { SeedSecret, VaultRoleAlias } from 'keyvault-emulator';
import { loadKeyVaultSecrets, type KeyVaultLoadOnceOptions } from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator();

async function setup(secrets: SeedSecret[], role: VaultRoleAlias = 'user') {
  const vault = await fx.freshVault(secrets, { role });
  const load = (options: Partial<KeyVaultLoadOnceOptions>) => loadKeyVaultSecrets(vault.options(options));
  return { ...vault, load };
}

describe('explicit mode', () => {
  it('only gets — never lists — so an identity that cannot list still loads', async () => {
    const s = await setup([
      { name: 'Db--Password', value: secretValue('db') },
      { name: 'Api-Key', value: secretValue('api') },
      { name: 'Unrelated', value: secretValue('unrelated') },
    ]);
    // Listing is refused for this vault: explicit mode must not care.
    fx.emulator.faults.add({ route: 'secrets.list', vault: s.name, status: 403 });
    const { config, report } = await s.load({
      secrets: ['Db--Password', { name: 'Api-Key', key: 'Api.Key' }],
    });
    expect(config).toEqual({ Db: { Password: secretValue('db') }, Api: { Key: secretValue('api') } });
    expect(report.entries.map((e) => [e.key, e.source, e.status])).toEqual([
      ['Db.Password', 'explicit', 'loaded'],
      ['Api.Key', 'explicit', 'loaded'],
    ]);
    expect(fx.emulator.counters.count({ route: 'secrets.list', vault: s.name })).toBe(0);
    expectNoCanary(report, s.logger.lines);
  });

  it('accepts the record form and pins versions', async () => {
    const s = await setup([{ name: 'Rotated', value: secretValue('v1') }]);
    const handle = fx.emulator.vault(s.name);
    const first = (await s.load({ secrets: ['Rotated'] })).report.entries[0]!.version!;
    handle.setSecret({ name: 'Rotated', value: secretValue('v2') });
    const { config, report } = await s.load({
      secrets: { 'Current.Value': 'Rotated', 'Previous.Value': { name: 'Rotated', version: first } },
    });
    expect(config).toEqual({ Current: { Value: secretValue('v2') }, Previous: { Value: secretValue('v1') } });
    expect(report.entries[1]!.version).toBe(first);
    expect(report.entries[0]!.version).not.toBe(first);
  });

  it('makes one challenge and one token request for many concurrent gets', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const s = await setup(names.map((name, i) => ({ name, value: secretValue(i) })));
    const { report } = await s.load({ secrets: names });
    expect(report.loaded).toBe(40);
    expect(fx.emulator.counters.count({ vault: s.name, status: 401 })).toBe(1);
    expect(fx.emulator.counters.count({ route: 'identity.appservice', clientId: s.identity.clientId })).toBe(
      1,
    );
  });

  it('fails on a missing secret naming it, and skips it when optional', async () => {
    const s = await setup([{ name: 'Present', value: secretValue('p') }]);
    const error = await rejectionOf(s.load({ secrets: ['Present', 'Missing-One'] }));
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.secretName).toBe('Missing-One');
    expect(error.message).toContain("Secret 'Missing-One'");
    expect(error.message).toContain(s.host);
    expectNoCanary(error, s.logger.lines);

    const { config, report } = await s.load({
      secrets: ['Present', { name: 'Missing-One', optional: true }],
    });
    expect(config).toEqual({ Present: secretValue('p') });
    expect(report.entries[1]).toMatchObject({
      secretName: 'Missing-One',
      status: 'skipped',
      reason: 'not found (optional)',
    });
  });

  it('fails on a disabled secret unless optional', async () => {
    const s = await setup([{ name: 'Off', value: secretValue('off'), enabled: false }]);
    const error = await rejectionOf(s.load({ secrets: ['Off'] }));
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.message).toContain('disabled');
    expect(error.message).toContain('az keyvault secret set-attributes');
    const { report } = await s.load({ secrets: [{ name: 'Off', optional: true }] });
    expect(report.entries[0]).toMatchObject({ status: 'skipped', reason: 'disabled' });
    expectNoCanary(error, report);
  });

  it('rejects invalid names before any request', async () => {
    const s = await setup([]);
    const error = await rejectionOf(s.load({ secrets: ['ok', 'not_ok'] }));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.message).toContain('`secrets[1]`');
    expect(fx.emulator.counters.count({ vault: s.name })).toBe(0);
  });
});

describe('access denied', () => {
  it('names the list permission, the identity and the fix when listing is denied', async () => {
    const s = await setup([{ name: 'A', value: secretValue('a') }], 'none');
    const error = await rejectionOf(s.load({}));
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.permission).toBe('list');
    expect(error.credential).toBe('ManagedIdentityCredential');
    expect(error.identity).toContain(`oid=${s.identity.objectId}`);
    expect(error.message).toContain('secrets list permission');
    expect(error.message).toContain(
      `az role assignment create --role "Key Vault Secrets User" --assignee ${s.identity.objectId} --scope $(az keyvault show --name ${s.name} --query id -o tsv)`,
    );
    expect(error.message).toContain('explicit mode only gets');
    expectNoCanary(error, s.logger.lines);
  });

  it('names the get permission and the secret when only listing is allowed', async () => {
    const s = await setup([{ name: 'Db--Password', value: secretValue('db') }], 'reader');
    const error = await rejectionOf(s.load({}));
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.permission).toBe('get');
    expect(error.secretName).toBe('Db--Password');
    expect(error.message).toContain("secret 'Db--Password' (key 'Db.Password')");
    expect(error.message).toContain('secrets get permission');
    expect(error.message).toContain(`--assignee ${s.identity.objectId}`);
    expect(error.message).not.toContain('explicit mode only gets');
    expectNoCanary(error, s.logger.lines);
  });
});

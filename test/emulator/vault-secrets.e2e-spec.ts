// The secrets data plane through the real SecretClient and ManagedIdentityCredential (App Service
// endpoint of the emulator): every operation, paging, versions, disabled secrets, soft delete.
import { ManagedIdentityCredential } from '@azure/identity';
import { parseKeyVaultSecretIdentifier, type SecretClient } from '@azure/keyvault-secrets';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { raw, secretClient } from './vault-support.js';

const fx = useEmulator({
  seed: [
    { name: 'Seeded-Secret', value: 'seed-value', contentType: 'text/plain', tags: { origin: 'seed' } },
    { name: 'disabled-seed', value: 'hidden', enabled: false },
  ],
});
let client: SecretClient;

beforeAll(() => {
  // The fixture pointed this process's managed identity at the emulator's App Service endpoint.
  client = secretClient(fx.emulator, new ManagedIdentityCredential());
});

describe('set and get', () => {
  it('reads a seeded secret case-insensitively, keeping its original name and attributes', async () => {
    const secret = await client.getSecret('seeded-secret');
    expect(secret.value).toBe('seed-value');
    expect(secret.name).toBe('Seeded-Secret');
    expect(secret.properties).toMatchObject({
      contentType: 'text/plain',
      tags: { origin: 'seed' },
      enabled: true,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
      vaultUrl: fx.emulator.vaultUrl,
    });
    expect(secret.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(secret.properties.id).toBe(
      `${fx.emulator.vaultUrl}/secrets/Seeded-Secret/${secret.properties.version}`,
    );
    expect(secret.properties.createdOn).toBeInstanceOf(Date);
  });

  it('sets a secret with all options and reads it back, latest and by version', async () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const expiresOn = new Date('2031-01-01T00:00:00Z'); // the SDK sends (ms / 1000) | 0: no dates past 2038;
    const created = await client.setSecret('full-options', 'v1', {
      contentType: 'application/json',
      tags: { team: 'a' },
      notBefore,
      expiresOn,
    });
    expect(created.value).toBe('v1');
    expect(created.properties).toMatchObject({
      contentType: 'application/json',
      tags: { team: 'a' },
      notBefore,
      expiresOn,
    });
    const second = await client.setSecret('full-options', 'v2');
    expect(second.properties.version).not.toBe(created.properties.version);

    expect((await client.getSecret('full-options')).value).toBe('v2');
    const first = await client.getSecret('FULL-OPTIONS', { version: created.properties.version });
    expect(first.value).toBe('v1');
    expect(first.properties.expiresOn).toEqual(expiresOn);
    expect(fx.emulator.vault().getValue('full-options')).toBe('v2');
  });

  it('answers the trailing-slash form of get-latest, as the SDKs send it', async () => {
    const token = fx.emulator.issueToken();
    const withSlash = await raw(fx.emulator, { path: '/secrets/Seeded-Secret/?api-version=7.4', token });
    const without = await raw(fx.emulator, { path: '/secrets/Seeded-Secret?api-version=7.4', token });
    expect(withSlash.status).toBe(200);
    expect(without.json).toEqual(withSlash.json);
    expect(withSlash.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('accepts values up to 25 KB and rejects larger ones with 400 BadParameter', async () => {
    const max = 'x'.repeat(25_600);
    expect((await client.setSecret('big', max)).value).toHaveLength(25_600);
    const error = await client.setSecret('big', max + 'y').catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect((error as Error).message).not.toContain('xxxxxxxx');
    expect((await client.getSecret('big')).value).toBe(max);
  });

  it('rejects invalid names with 400 BadParameter', async () => {
    const error = await client.setSecret('bad_name', 'v').catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect((error as Error).message).toBe('The request URI contains an invalid name: bad_name');
  });

  it('answers unknown secrets and versions with 404 SecretNotFound in Key Vault wording', async () => {
    const error = await client.getSecret('does-not-exist').catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    expect((error as Error).message).toBe(
      'A secret with (name/id) does-not-exist was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182',
    );
    const version = '0123456789abcdef0123456789abcdef';
    const byVersion = await client.getSecret('Seeded-Secret', { version }).catch((e: unknown) => e);
    expect(byVersion).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    expect((byVersion as Error).message).toContain(`(name/id) Seeded-Secret/${version} was not found`);
  });
});

describe('disabled secrets and updates', () => {
  it('lists a disabled secret but refuses to return its value (403 SecretDisabled)', async () => {
    const error = await client.getSecret('disabled-seed').catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect((error as Error).message).toBe('Operation get is not allowed on a disabled secret.');
    const body = await raw(fx.emulator, {
      path: '/secrets/disabled-seed?api-version=7.5',
      token: fx.emulator.issueToken(),
    });
    expect(body.json).toEqual({
      error: {
        code: 'Forbidden',
        message: 'Operation get is not allowed on a disabled secret.',
        innererror: { code: 'SecretDisabled' },
      },
    });
    const listed: Array<{ name: string; enabled?: boolean }> = [];
    for await (const properties of client.listPropertiesOfSecrets()) listed.push(properties);
    expect(listed.find((p) => p.name === 'disabled-seed')?.enabled).toBe(false);
  });

  it('updates properties of the latest version (empty version) and of a given version', async () => {
    const v1 = await client.setSecret('updatable', 'one');
    const v2 = await client.setSecret('updatable', 'two');
    const updated = await client.updateSecretProperties('updatable', '', {
      enabled: false,
      contentType: 'text/x',
      tags: { rotated: 'yes' },
    });
    expect(updated.version).toBe(v2.properties.version);
    expect(updated).toMatchObject({ enabled: false, contentType: 'text/x', tags: { rotated: 'yes' } });
    await expect(client.getSecret('updatable')).rejects.toMatchObject({ statusCode: 403 });
    // The older version is untouched and still readable.
    expect((await client.getSecret('updatable', { version: v1.properties.version })).value).toBe('one');

    const expiresOn = new Date('2032-05-05T00:00:00Z');
    const byVersion = await client.updateSecretProperties('updatable', v2.properties.version!, {
      enabled: true,
      expiresOn,
    });
    expect(byVersion.expiresOn).toEqual(expiresOn);
    expect(byVersion.tags).toEqual({ rotated: 'yes' });
    expect((await client.getSecret('updatable')).value).toBe('two');
  });

  it('does not return the value from an update', async () => {
    // Its own secret: not the one the case above leaves behind (a case must pass run alone too).
    await client.setSecret('patched', 'patched-value');
    const result = await raw(fx.emulator, {
      method: 'PATCH',
      path: '/secrets/patched?api-version=7.4',
      token: fx.emulator.issueToken(),
      body: { attributes: { enabled: true } },
    });
    expect(result.status).toBe(200);
    expect(result.json.value).toBeUndefined();
    expect(result.json.attributes.enabled).toBe(true);
  });
});

describe('listing', () => {
  it('pages over 60 secrets with maxPageSize, following absolute nextLinks', async () => {
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.setSecret(`page-${String(i).padStart(2, '0')}`, `v${i}`)),
    );
    const pages: string[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 25 })) {
      pages.push(page.map((p) => p.name));
    }
    const all = pages.flat();
    const expected = Array.from({ length: 60 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    expect(all.filter((n) => n.startsWith('page-'))).toEqual(expected);
    expect(new Set(all).size).toBe(all.length);
    expect(pages.slice(0, -1).every((p) => p.length === 25)).toBe(true);

    const small: number[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 7 }))
      small.push(page.length);
    expect(small.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(small.reduce((a, b) => a + b, 0)).toBe(all.length);
  });

  it('lists items without values and with version-less ids; nextLink is absolute or null', async () => {
    const token = fx.emulator.issueToken();
    const first = await raw(fx.emulator, { path: '/secrets?api-version=7.5&maxresults=2', token });
    expect(first.status).toBe(200);
    expect(first.json.value).toHaveLength(2);
    for (const item of first.json.value) {
      expect(item.value).toBeUndefined();
      expect(item.id).toMatch(new RegExp(`^${fx.emulator.vaultUrl}/secrets/[0-9A-Za-z-]+$`));
      expect(item.attributes).toMatchObject({ recoveryLevel: 'Recoverable+Purgeable' });
    }
    const next = new URL(first.json.nextLink);
    expect(next.origin).toBe(fx.emulator.vaultUrl);
    expect(next.pathname).toBe('/secrets');
    expect(next.searchParams.get('api-version')).toBe('7.5');
    expect(next.searchParams.get('maxresults')).toBe('2');
    expect(next.searchParams.get('$skiptoken')).toBeTruthy();

    const last = await raw(fx.emulator, { path: '/secrets/full-options/versions?api-version=7.5', token });
    expect(last.json.nextLink).toBeNull();
  });

  it('lists versions of a secret (paged) with version ids', async () => {
    for (let i = 0; i < 4; i++) await client.setSecret('versioned', `v${i}`);
    const versions: string[] = [];
    for await (const page of client.listPropertiesOfSecretVersions('versioned').byPage({ maxPageSize: 3 })) {
      versions.push(...page.map((p) => p.version!));
    }
    expect(versions).toHaveLength(4);
    expect(new Set(versions).size).toBe(4);
    for (const version of versions) expect(version).toMatch(/^[0-9a-f]{32}$/);
    // Key Vault's order is by version id, not by creation (test/emulator/vault-limits.e2e-spec.ts).
    const latest = await client.getSecret('versioned');
    expect(versions).toContain(latest.properties.version);
    expect(versions).toEqual([...versions].sort());
  });

  it('answers maxresults outside 1–25 with 400 BadParameter', async () => {
    const token = fx.emulator.issueToken();
    for (const value of ['0', '26']) {
      const result = await raw(fx.emulator, { path: `/secrets?api-version=7.5&maxresults=${value}`, token });
      expect(result.status).toBe(400);
      expect(result.json.error.code).toBe('BadParameter');
    }
  });
});

describe('soft delete, recover, purge', () => {
  it('deletes (DeletedSecretBundle), lists and gets deleted, recovers', async () => {
    await client.setSecret('to-delete', 'keep-me');
    const poller = await client.beginDeleteSecret('to-delete', { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.recoveryId).toBe(`${fx.emulator.vaultUrl}/deletedsecrets/to-delete`);
    expect(deleted.deletedOn).toBeInstanceOf(Date);
    expect(deleted.scheduledPurgeDate!.getTime() - deleted.deletedOn!.getTime()).toBe(90 * 86_400_000);
    expect(deleted.value).toBeUndefined();

    await expect(client.getSecret('to-delete')).rejects.toMatchObject({ statusCode: 404 });
    const names: string[] = [];
    for await (const item of client.listDeletedSecrets()) names.push(item.name);
    expect(names).toContain('to-delete');
    expect((await client.getDeletedSecret('TO-DELETE')).name).toBe('to-delete');
    expect(fx.emulator.vault().secretNames()).not.toContain('to-delete');

    const conflict = await client.setSecret('to-delete', 'again').catch((e: unknown) => e);
    expect(conflict).toMatchObject({ statusCode: 409, code: 'Conflict' });
    expect((conflict as Error).message).toContain('is currently in a deleted but recoverable state');

    const recover = await client.beginRecoverDeletedSecret('to-delete', { intervalInMs: 10 });
    const recovered = await recover.pollUntilDone();
    expect(recovered.name).toBe('to-delete');
    expect((await client.getSecret('to-delete')).value).toBe('keep-me');
  });

  it('purges a deleted secret (204) so the name can be reused', async () => {
    await client.setSecret('to-purge', 'gone');
    await (await client.beginDeleteSecret('to-purge', { intervalInMs: 10 })).pollUntilDone();
    await client.purgeDeletedSecret('to-purge');
    await expect(client.getDeletedSecret('to-purge')).rejects.toMatchObject({ statusCode: 404 });
    expect((await client.setSecret('to-purge', 'new')).value).toBe('new');

    const token = fx.emulator.issueToken();
    await raw(fx.emulator, { method: 'DELETE', path: '/secrets/to-purge?api-version=7.5', token });
    const purge = await raw(fx.emulator, {
      method: 'DELETE',
      path: '/deletedsecrets/to-purge?api-version=7.5',
      token,
    });
    expect(purge.status).toBe(204);
    expect(purge.text).toBe('');
  });

  it('answers 404 for deleting, recovering or purging what is not there', async () => {
    await expect(client.beginDeleteSecret('never-existed')).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.purgeDeletedSecret('never-existed')).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.getDeletedSecret('Seeded-Secret')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('parses every id the vault returns back to this vault', async () => {
    const secret = await client.getSecret('Seeded-Secret');
    const parsed = parseKeyVaultSecretIdentifier(secret.properties.id!);
    expect(parsed).toMatchObject({
      vaultUrl: fx.emulator.vaultUrl,
      name: 'Seeded-Secret',
      version: secret.properties.version,
    });
  });
});

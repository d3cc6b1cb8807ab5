// Persistence across restarts (atomic data file, seed applied only to a vault without state), several
// vaults on their own ports, and the emulator's lifecycle (env, certificate directory, close).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { raw, secretClient, signedBy } from './vault-support.js';

const dir = mkdtempSync(join(tmpdir(), 'kv-e2e-persist-'));
const open: Emulator[] = [];
afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startEmulator>[0]): Promise<Emulator> {
  const emulator = await startEmulator(options);
  open.push(emulator);
  return emulator;
}

describe('persistence', () => {
  it('keeps secrets, versions, attributes and deletions across a restart; the seed applies only once', async () => {
    const dataFile = join(dir, 'state', 'vault.json');
    const first = await start({ dataFile, seed: [{ name: 'seeded', value: 'from-seed' }] });
    const client1 = secretClient(first, signedBy(first));
    const v1 = await client1.setSecret('kept', 'one', { tags: { a: '1' } });
    await client1.setSecret('kept', 'two');
    await client1.updateSecretProperties('kept', v1.properties.version!, { enabled: false });
    await (await client1.beginDeleteSecret('seeded', { intervalInMs: 10 })).pollUntilDone();
    // Written shortly after each mutation, without waiting for close.
    await vi.waitFor(() => expect(readFileSync(dataFile, 'utf8')).toContain('"deletedDate"'), {
      timeout: 2000,
    });
    await first.close();
    // A crash in the middle of a later write leaves a torn temporary file: it must not matter.
    const torn = join(dir, 'state', '.vault.json.999.0badf00d.tmp');
    writeFileSync(torn, '{"format":"keyvault-emulator/v1","vau');

    const second = await start({
      dataFile,
      seed: [
        { name: 'seeded', value: 'seed-again' },
        { name: 'new-seed', value: 'x' },
      ],
    });
    expect(existsSync(torn)).toBe(false);
    const client2 = secretClient(second, signedBy(second));
    expect((await client2.getSecret('kept')).value).toBe('two');
    const old = await client2.getSecret('kept', { version: v1.properties.version }).catch((e: unknown) => e);
    expect(old).toMatchObject({ statusCode: 403 }); // still disabled
    const versions: string[] = [];
    for await (const p of client2.listPropertiesOfSecretVersions('kept')) versions.push(p.version!);
    expect(versions).toHaveLength(2);
    // The data file had state: the seed did not re-create the deleted secret nor add new ones.
    expect((await client2.getDeletedSecret('seeded')).name).toBe('seeded');
    await expect(client2.getSecret('new-seed')).rejects.toMatchObject({ statusCode: 404 });
    // Recover works on a persisted deletion.
    await (await client2.beginRecoverDeletedSecret('seeded', { intervalInMs: 10 })).pollUntilDone();
    expect((await client2.getSecret('seeded')).value).toBe('from-seed');
  });

  it('refuses to start on a data file that is not emulator state, or on an invalid seed', async () => {
    const dataFile = join(dir, 'garbage.json');
    writeFileSync(dataFile, 'not json');
    await expect(startEmulator({ dataFile })).rejects.toThrow(/not valid JSON/);
    const invalidName = startEmulator({ seed: [{ name: 'bad_name', value: 'seed-value-xyz' }] });
    await expect(invalidName).rejects.toThrow(
      "secret 'bad_name': The request URI contains an invalid name: bad_name",
    );
    const tooLarge = await startEmulator({ seed: [{ name: 'big', value: 'z'.repeat(30_000) }] }).catch(
      (e: Error) => e,
    );
    expect((tooLarge as Error).message).toMatch(
      /secret 'big': Secret is beyond the maximum permitted length of 25600 characters\./,
    );
    expect((tooLarge as Error).message).not.toContain('zzzz');
  });
});

describe('several vaults', () => {
  it('serves each vault on its own port with its own secrets and ids', async () => {
    const dataFile = join(dir, 'multi.json');
    const emulator = await start({
      dataFile,
      vaultName: 'main',
      seed: {
        secrets: [{ name: 'shared-name', value: 'main-value' }],
        vaults: [{ name: 'extra', secrets: [{ name: 'shared-name', value: 'extra-value' }] }],
      },
    });
    expect(emulator.vaults.map((v) => v.name)).toEqual(['main', 'extra']);
    const extra = emulator.vault('extra');
    expect(extra.port).not.toBe(emulator.vault().port);
    expect(extra.url).toBe(`https://127.0.0.1:${extra.port}`);

    const credential = signedBy(emulator);
    const mainClient = secretClient(emulator, credential);
    const extraClient = secretClient(emulator, credential, { vaultUrl: extra.url });
    expect((await mainClient.getSecret('shared-name')).value).toBe('main-value');
    const fromExtra = await extraClient.getSecret('shared-name');
    expect(fromExtra.value).toBe('extra-value');
    expect(fromExtra.properties.vaultUrl).toBe(extra.url);

    const added = await emulator.addVault('added', { seed: [{ name: 'only-here', value: 'v' }] });
    const addedClient = secretClient(emulator, credential, { vaultUrl: added.url });
    expect((await addedClient.getSecret('only-here')).value).toBe('v');
    await expect(mainClient.getSecret('only-here')).rejects.toMatchObject({ statusCode: 404 });
    await expect(emulator.addVault('ADDED')).rejects.toThrow(/already exists/);
    expect(emulator.counters.count({ vault: 'added' })).toBeGreaterThan(0);

    await extraClient.setSecret('extra-only', 'persisted');
    await emulator.close();
    const again = await start({ dataFile, vaultName: 'main', seed: { vaults: [{ name: 'extra' }] } });
    expect(again.vault('extra').getValue('extra-only')).toBe('persisted');
    expect(again.vault('EXTRA').getValue('shared-name')).toBe('extra-value');
  });
});

describe('lifecycle', () => {
  it('exposes env in order, answers through https://localhost, reports a busy port and cleans up on close', async () => {
    const emulator = await start({});
    expect(Object.keys(emulator.env)).toEqual([
      'KEY_VAULT_URL',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'AZURE_POD_IDENTITY_AUTHORITY_HOST',
      'NODE_EXTRA_CA_CERTS',
    ]);
    expect(emulator.env.KEY_VAULT_URL).toBe(emulator.vaultUrl);
    expect(emulator.env.KEY_VAULT_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.env.IDENTITY_ENDPOINT).toBe(`${emulator.identityHost}/msi/token`);
    expect(emulator.env.AZURE_POD_IDENTITY_AUTHORITY_HOST).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(emulator.caCertPath, 'utf8')).toBe(emulator.caCert);

    const vaultUrl = `https://localhost:${emulator.vault().port}`;
    const client = secretClient(emulator, signedBy(emulator), { vaultUrl });
    const secret = await client.setSecret('via-localhost', 'v');
    expect(secret.properties.id).toMatch(new RegExp(`^${vaultUrl}/secrets/via-localhost/[0-9a-f]{32}$`));

    const port = emulator.vault().port;
    await expect(emulator.addVault('same-port', { port })).rejects.toThrow(
      `Vault port ${port} on 127.0.0.1 is already in use`,
    );
    expect(emulator.vaults).toHaveLength(1);

    await emulator.close();
    expect(existsSync(emulator.caCertPath)).toBe(false);
    await emulator.close(); // idempotent
  });

  it('keeps a caller-provided certificate directory, drops hanging requests and stops answering on close', async () => {
    const certDir = join(dir, 'certs');
    const emulator = await start({ certDir });
    emulator.faults.add({ hang: true });
    const pending = raw(emulator, { path: '/secrets?api-version=7.5' });
    // The request's TLS handshake first: seconds of margin for a loaded machine (waitFor's default is 1 s).
    await vi.waitFor(() => expect(emulator.counters.count({ status: 0 })).toBe(1), { timeout: 5_000 });
    await emulator.close();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' }); // socket hang up
    expect(existsSync(join(certDir, 'ca.pem'))).toBe(true);
    await expect(raw(emulator, { path: '/secrets?api-version=7.5' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

// Asynchronous soft delete (softDeleteDelayMs / --soft-delete-delay) through the real SecretClient and its
// pollers: a delete, recover or purge finishes only after the delay, as Key Vault runs them; meanwhile the
// SDK's pollers see 404 and keep polling, and a set answers Key Vault's 409 (docs/emulator.md cites them).
// The in-progress checks hold each operation with a long delay and let go with setSoftDeleteDelay(0), so
// they do not race the clock on a loaded machine; one case lets a short delay run out on its own.
import { ManagedIdentityCredential } from '@azure/identity';
import type { SecretClient } from '@azure/keyvault-secrets';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { raw, secretClient } from './vault-support.js';

/** Short enough that a test may wait it out. */
const DELAY_MS = 300;
/** Longer than any test: an operation stays in progress until the test lets go. */
const HOLD_MS = 60_000;
const fx = useEmulator({ softDeleteDelayMs: HOLD_MS });
const letGo = (): void => fx.emulator.setSoftDeleteDelay(0);
let client: SecretClient;

beforeAll(() => {
  client = secretClient(fx.emulator, new ManagedIdentityCredential());
});
beforeEach(() => fx.emulator.setSoftDeleteDelay(HOLD_MS));

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.fail('expected the vault to refuse'),
    (error: unknown) => error,
  );

describe('asynchronous soft delete', () => {
  it('beginDeleteSecret: the deleted secret appears only after the delay; meanwhile 404 to the poller and 409 to set, recover and purge', async () => {
    await client.setSecret('slow-delete', 'keep-me');
    fx.emulator.counters.reset();
    const poller = await client.beginDeleteSecret('slow-delete', { intervalInMs: 50 });
    expect(poller.isDone()).toBe(false);
    await expect(client.getSecret('slow-delete')).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.getDeletedSecret('slow-delete')).rejects.toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
    const names: string[] = [];
    for await (const item of client.listDeletedSecrets()) names.push(item.name);
    expect(names).not.toContain('slow-delete');

    expect(await failure(client.setSecret('slow-delete', 'again'))).toMatchObject({
      statusCode: 409,
      code: 'Conflict',
      message: 'Secret slow-delete is currently being deleted and cannot be re-created; retry later.',
    });
    expect(await failure(client.purgeDeletedSecret('slow-delete'))).toMatchObject({
      statusCode: 409,
      code: 'Conflict',
      message: 'Secret is currently being deleted.',
    });
    const recover = await raw(fx.emulator, {
      method: 'POST',
      path: '/deletedsecrets/slow-delete/recover?api-version=7.5',
      token: fx.emulator.issueToken(),
    });
    expect(recover.status).toBe(409);
    expect(recover.json).toEqual({
      error: {
        code: 'Conflict',
        message: 'Secret is currently being deleted.',
        innererror: { code: 'ObjectIsBeingDeleted' },
      },
    });
    await sleep(120); // the poller keeps polling (404) while the deletion runs
    expect(poller.isDone()).toBe(false);

    letGo();
    const deleted = await poller.pollUntilDone();
    expect(deleted.name).toBe('slow-delete');
    expect(deleted.recoveryId).toBe(`${fx.emulator.vaultUrl}/deletedsecrets/slow-delete`);
    // The poller polled through the deletion: it saw 404s on the deleted secret, then the 200.
    expect(fx.emulator.counters.count({ route: 'deleted.get', status: 404 })).toBeGreaterThan(1);
    expect(fx.emulator.counters.count({ route: 'deleted.get', status: 200 })).toBeGreaterThanOrEqual(1);
    expect((await client.getDeletedSecret('slow-delete')).name).toBe('slow-delete');
  });

  it('beginRecoverDeletedSecret: the secret is back only after the delay; meanwhile 404 to the poller and 409 ObjectIsBeingRecovered to set', async () => {
    await client.setSecret('slow-recover', 'recovered-value');
    const deleting = await client.beginDeleteSecret('slow-recover', { intervalInMs: 50 });
    letGo();
    await deleting.pollUntilDone();
    fx.emulator.setSoftDeleteDelay(HOLD_MS);
    fx.emulator.counters.reset();
    const poller = await client.beginRecoverDeletedSecret('slow-recover', { intervalInMs: 50 });
    expect(poller.isDone()).toBe(false);
    await expect(client.getSecret('slow-recover')).rejects.toMatchObject({ statusCode: 404 });
    const conflict = await raw(fx.emulator, {
      method: 'PUT',
      path: '/secrets/slow-recover?api-version=7.5',
      token: fx.emulator.issueToken(),
      body: { value: 'other' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({
      error: {
        code: 'Conflict',
        message: 'Secret slow-recover is currently being recovered and cannot be re-created; retry later.',
        innererror: { code: 'ObjectIsBeingRecovered' },
      },
    });
    expect(conflict.text).not.toContain('recovered-value');
    await sleep(120);
    expect(poller.isDone()).toBe(false);

    letGo();
    const recovered = await poller.pollUntilDone();
    expect(recovered.name).toBe('slow-recover');
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 404 })).toBeGreaterThan(1);
    expect((await client.getSecret('slow-recover')).value).toBe('recovered-value');
  });

  it('purgeDeletedSecret: 204 at once, the name stays taken (409) until the delay has passed', async () => {
    fx.emulator.setSoftDeleteDelay(DELAY_MS);
    await client.setSecret('slow-purge', 'gone');
    await (await client.beginDeleteSecret('slow-purge', { intervalInMs: 50 })).pollUntilDone();
    fx.emulator.setSoftDeleteDelay(HOLD_MS);
    await client.purgeDeletedSecret('slow-purge');
    await expect(client.getDeletedSecret('slow-purge')).rejects.toMatchObject({ statusCode: 404 });
    expect(await failure(client.setSecret('slow-purge', 'new'))).toMatchObject({
      statusCode: 409,
      message: 'Secret slow-purge is currently being deleted and cannot be re-created; retry later.',
    });
    letGo();
    expect((await client.setSecret('slow-purge', 'new')).value).toBe('new');
  });

  it('a short delay runs out on its own: the pollers finish without help', async () => {
    fx.emulator.setSoftDeleteDelay(DELAY_MS);
    await client.setSecret('on-its-own', 'v');
    const deleted = await (
      await client.beginDeleteSecret('on-its-own', { intervalInMs: 50 })
    ).pollUntilDone();
    expect(deleted.name).toBe('on-its-own');
    const recovered = await (
      await client.beginRecoverDeletedSecret('on-its-own', { intervalInMs: 50 })
    ).pollUntilDone();
    expect(recovered.name).toBe('on-its-own');
    expect((await client.getSecret('on-its-own')).value).toBe('v');
  });

  it('turns off at run time (setSoftDeleteDelay(0), the admin API): operations finish at once again', async () => {
    const admin = await fetch(`${fx.emulator.identityHost}/_emulator/soft-delete-delay`, {
      method: 'POST',
      headers: { 'x-identity-header': fx.emulator.identityHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 0 }),
    });
    expect(admin.status).toBe(204);
    await client.setSecret('at-once', 'v');
    await client.beginDeleteSecret('at-once');
    expect((await client.getDeletedSecret('at-once')).name).toBe('at-once');
    const refused = await fetch(`${fx.emulator.identityHost}/_emulator/soft-delete-delay`, {
      method: 'POST',
      headers: { 'x-identity-header': fx.emulator.identityHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ ms: -5 }),
    });
    expect(refused.status).toBe(400);
  });
});

import { describe, expect, it } from 'vitest';
import { KeyVaultError } from './vault.errors.js';
import { SecretStore } from './store.js';

function storeAt(start = 1_700_000_000) {
  let now = start;
  let changes = 0;
  const store = new SecretStore('vault', { now: () => now, onChange: () => changes++ });
  return {
    store,
    tick: (s: number) => (now += s),
    changes: () => changes,
  };
}

function errorOf(fn: () => unknown): KeyVaultError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyVaultError) return error;
    throw error;
  }
  throw new Error('expected a KeyVaultError');
}

describe('SecretStore', () => {
  it('adds versions; the latest is the last created; versions are 32 lowercase hex', () => {
    const { store, tick } = storeAt();
    const first = store.set({ name: 'db', value: 'one' });
    tick(5);
    const second = store.set({ name: 'db', value: 'two', contentType: 'text/plain', tags: { a: 'b' } });
    expect(first.version.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.version.version).not.toBe(first.version.version);
    expect(store.get('db').version.value).toBe('two');
    expect(store.get('db', first.version.version).version.value).toBe('one');
    // Key Vault lists versions by version id, not by creation.
    const byId = [first.version, second.version].sort((a, b) => a.version.localeCompare(b.version));
    expect(store.listVersions('db').map((v) => v.version.value)).toEqual(byId.map((v) => v.value));
    expect(second.version).toMatchObject({ enabled: true, contentType: 'text/plain', tags: { a: 'b' } });
    expect(second.version.created).toBe(1_700_000_005);
  });

  it('looks names up case-insensitively and keeps the case of the first creation', () => {
    const { store } = storeAt();
    store.set({ name: 'My-Secret', value: 'a' });
    store.set({ name: 'MY-SECRET', value: 'b' });
    expect(store.get('my-secret').secret.name).toBe('My-Secret');
    expect(store.latestValue('MY-secret')).toBe('b');
    expect(store.listLatest().map((s) => s.secret.name)).toEqual(['My-Secret']);
  });

  it('lists the latest version of each live secret ordered by name', () => {
    const { store } = storeAt();
    store.set({ name: 'b', value: '1' });
    store.set({ name: 'A', value: '2' });
    store.set({ name: 'c', value: '3' });
    store.delete('c');
    expect(store.listLatest().map((s) => s.secret.name)).toEqual(['A', 'b']);
  });

  it('rejects invalid names and values over 25 KB with 400 BadParameter', () => {
    const { store } = storeAt();
    for (const name of ['', 'has_underscore', 'dot.name', 'x'.repeat(128), 'spaß']) {
      const error = errorOf(() => store.set({ name, value: 'v' }));
      expect(error.status).toBe(400);
      expect(error.code).toBe('BadParameter');
    }
    expect(store.set({ name: 'x'.repeat(127), value: 'v' }).secret.name).toHaveLength(127);
    expect(store.set({ name: 'max', value: 'a'.repeat(25_600) }).version.value).toHaveLength(25_600);
    const tooLarge = errorOf(() => store.set({ name: 'big', value: 'a'.repeat(25_601) }));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.message).not.toContain('aaaa');
    // Size counts UTF-8 bytes, not characters.
    expect(errorOf(() => store.set({ name: 'utf8', value: 'é'.repeat(12_801) })).status).toBe(400);
  });

  it('answers 404 SecretNotFound for unknown secrets and versions', () => {
    const { store } = storeAt();
    store.set({ name: 'known', value: 'v' });
    const unknown = errorOf(() => store.get('missing'));
    expect(unknown.status).toBe(404);
    expect(unknown.code).toBe('SecretNotFound');
    expect(unknown.message).toContain('A secret with (name/id) missing was not found in this key vault.');
    const version = errorOf(() => store.get('known', '0'.repeat(32)));
    expect(version.message).toContain(`(name/id) known/${'0'.repeat(32)} was not found`);
  });

  it('updates attributes of a version, leaving absent fields alone and null clearing', () => {
    const { store, tick } = storeAt();
    const { version } = store.set({
      name: 's',
      value: 'v',
      contentType: 'a',
      nbf: 10,
      exp: 20,
      tags: { x: '1' },
    });
    tick(7);
    store.update('s', undefined, { enabled: false });
    expect(store.get('s').version).toMatchObject({
      enabled: false,
      contentType: 'a',
      nbf: 10,
      exp: 20,
      tags: { x: '1' },
    });
    expect(store.get('s').version.updated).toBe(version.created + 7);
    store.update('s', version.version, { contentType: null, exp: 30, tags: { y: '2' } });
    const updated = store.get('s').version;
    expect(updated.contentType).toBeUndefined();
    expect(updated.exp).toBe(30);
    expect(updated.tags).toEqual({ y: '2' });
  });

  it('soft-deletes, recovers and purges', () => {
    const { store, tick } = storeAt();
    store.set({ name: 'Temp', value: 'one' });
    store.set({ name: 'Temp', value: 'two' });
    const deleted = store.delete('temp');
    expect(deleted.deleted).toEqual({
      deletedDate: 1_700_000_000,
      scheduledPurgeDate: 1_700_000_000 + 90 * 86_400,
    });
    expect(errorOf(() => store.get('Temp')).status).toBe(404);
    expect(store.listDeleted().map((s) => s.name)).toEqual(['Temp']);
    expect(store.listVersions('Temp')).toEqual([]);

    const conflict = errorOf(() => store.set({ name: 'TEMP', value: 'x' }));
    expect(conflict.status).toBe(409);
    expect(conflict.innerCode).toBe('ObjectIsDeletedButRecoverable');

    tick(1);
    const recovered = store.recover('temp');
    expect(recovered.version.value).toBe('two');
    expect(store.listVersions('temp')).toHaveLength(2);
    expect(store.listDeleted()).toEqual([]);
    expect(errorOf(() => store.recover('temp')).message).toBe('Deleted Secret not found');

    store.delete('temp');
    store.purge('TEMP');
    expect(store.listDeleted()).toEqual([]);
    expect(errorOf(() => store.getDeleted('temp')).status).toBe(404);
    // The name is free again, with the new case.
    expect(store.set({ name: 'tEmP', value: 'new' }).secret.name).toBe('tEmP');
  });

  it('refuses to purge or recover a live secret and to delete an unknown one', () => {
    const { store } = storeAt();
    store.set({ name: 'live', value: 'v' });
    expect(errorOf(() => store.purge('live')).status).toBe(404);
    expect(errorOf(() => store.recover('live')).status).toBe(404);
    expect(errorOf(() => store.delete('nope')).status).toBe(404);
  });

  it('notifies every mutation and round-trips through a snapshot', () => {
    const { store, changes } = storeAt();
    store.set({ name: 'a', value: '1' });
    store.set({ name: 'b', value: '2' });
    store.update('a', undefined, { enabled: false });
    store.delete('b');
    expect(changes()).toBe(4);

    const copy = new SecretStore('vault');
    copy.load(store.snapshot());
    expect(copy.find('a')?.versions[0]).toMatchObject({ value: '1', enabled: false });
    expect(copy.getDeleted('b').name).toBe('b');
    // Snapshots are deep copies.
    const snapshot = store.snapshot();
    snapshot.secrets[0].versions[0].value = 'changed';
    expect(store.latestValue('a')).toBe('1');
  });
});

function delayed(delayMs = 1000) {
  let nowMs = 1_700_000_000_000;
  const store = new SecretStore('vault', { nowMs: () => nowMs, softDeleteDelayMs: () => delayMs });
  return { store, advance: (ms: number) => (nowMs += ms) };
}

describe('SecretStore with asynchronous soft delete', () => {
  it('a deleted secret is neither live nor deleted until the delay has passed; set, recover and purge answer 409', () => {
    const { store, advance } = delayed();
    store.set({ name: 'db', value: 'one' });
    store.delete('db');
    expect(errorOf(() => store.get('db')).code).toBe('SecretNotFound');
    expect(errorOf(() => store.getDeleted('db')).status).toBe(404);
    expect(store.listDeleted()).toEqual([]);
    expect(store.listLatest()).toEqual([]);
    expect(errorOf(() => store.set({ name: 'db', value: 'two' }))).toMatchObject({
      status: 409,
      innerCode: 'ObjectIsBeingDeleted',
      message: 'Secret db is currently being deleted and cannot be re-created; retry later.',
    });
    expect(errorOf(() => store.purge('db'))).toMatchObject({
      status: 409,
      message: 'Secret is currently being deleted.',
    });
    expect(errorOf(() => store.recover('db')).status).toBe(409);
    advance(999);
    expect(errorOf(() => store.getDeleted('db')).status).toBe(404);
    advance(1);
    expect(store.getDeleted('db').name).toBe('db');
    expect(store.listDeleted().map((s) => s.name)).toEqual(['db']);
  });

  it('a recovered secret answers 404 on get and 409 ObjectIsBeingRecovered on set until the delay has passed', () => {
    const { store, advance } = delayed();
    store.set({ name: 'db', value: 'one' });
    store.delete('db');
    advance(1000);
    store.recover('db');
    expect(errorOf(() => store.get('db')).status).toBe(404);
    expect(errorOf(() => store.getDeleted('db')).status).toBe(404);
    expect(errorOf(() => store.set({ name: 'db', value: 'two' }))).toMatchObject({
      status: 409,
      innerCode: 'ObjectIsBeingRecovered',
      message: 'Secret db is currently being recovered and cannot be re-created; retry later.',
    });
    expect(errorOf(() => store.delete('db')).innerCode).toBe('ObjectIsBeingRecovered');
    advance(1000);
    expect(store.get('db').version.value).toBe('one');
  });

  it('a purged name stays taken until the delay has passed, then is free', () => {
    const { store, advance } = delayed();
    store.set({ name: 'db', value: 'one' });
    store.delete('db');
    advance(1000);
    store.purge('db');
    expect(errorOf(() => store.getDeleted('db')).status).toBe(404);
    expect(errorOf(() => store.purge('db')).status).toBe(404);
    expect(errorOf(() => store.set({ name: 'db', value: 'two' })).innerCode).toBe('ObjectIsBeingDeleted');
    advance(1000);
    expect(store.set({ name: 'db', value: 'two' }).secret.versions).toHaveLength(1);
    expect(store.isEmpty).toBe(false);
  });

  it('turning the delay off finishes every transition still running', () => {
    let delayMs = 60_000;
    const store = new SecretStore('vault', { softDeleteDelayMs: () => delayMs });
    store.set({ name: 'db', value: 'one' });
    store.delete('db');
    expect(errorOf(() => store.getDeleted('db')).status).toBe(404);
    delayMs = 0;
    expect(store.getDeleted('db').name).toBe('db');
  });
});

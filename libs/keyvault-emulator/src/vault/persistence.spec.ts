import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataFile, DataFileError, toPersistedState } from './persistence.js';
import { SecretStore } from './store.js';
import { thrown } from '../testing/thrown.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kv-persist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function stateWith(value: string) {
  const store = new SecretStore('main');
  store.set({ name: 'secret', value });
  return toPersistedState({ main: store.snapshot() });
}

describe('DataFile', () => {
  it('returns undefined when the file does not exist yet', () => {
    expect(new DataFile(join(dir, 'state.json')).load()).toBeUndefined();
  });

  it('writes atomically and reloads the state', () => {
    const path = join(dir, 'nested', 'state.json');
    const file = new DataFile(path);
    file.write(stateWith('one'));
    const loaded = new DataFile(path).load();
    const store = new SecretStore('main');
    store.load(loaded!.vaults.main);
    expect(store.latestValue('secret')).toBe('one');
    // Only the data file remains: the temporary file was renamed over it.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('ignores and removes a temporary file left behind by a crash mid-write', () => {
    const path = join(dir, 'state.json');
    new DataFile(path).write(stateWith('good'));
    const leftover = join(dir, '.state.json.12345.deadbeef.tmp');
    writeFileSync(leftover, '{"format":"keyvault-emulator/v1","vaults":{"main":{"na'); // torn write
    const loaded = new DataFile(path).load();
    const store = new SecretStore('main');
    store.load(loaded!.vaults.main);
    expect(store.latestValue('secret')).toBe('good');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('debounces scheduled writes and flushes the latest state', () => {
    const path = join(dir, 'state.json');
    const file = new DataFile(path, 10_000);
    let value = 'first';
    file.schedule(() => stateWith(value));
    value = 'second';
    file.schedule(() => stateWith(value));
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
    file.flush();
    const store = new SecretStore('main');
    store.load(new DataFile(path).load()!.vaults.main);
    expect(store.latestValue('secret')).toBe('second');
  });

  it('reports a failed background write and keeps the state pending for the next attempt', async () => {
    const blocked = join(dir, 'blocker');
    writeFileSync(blocked, 'a file where a directory is needed');
    const errors: unknown[] = [];
    const file = new DataFile(join(blocked, 'state.json'), 1, (error) => errors.push(error));
    file.schedule(() => stateWith('pending'));
    // A background write on a 1 ms timer: seconds of margin for a loaded machine (waitFor's default is 1 s).
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 5_000 });
    expect(() => file.flush()).toThrow(/EEXIST|ENOTDIR/);
  });

  it('rejects a data file that is not emulator state, without quoting it', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{ "password": "hunter2" ');
    const error = thrown(() => new DataFile(path).load());
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).not.toContain('hunter2');
    writeFileSync(path, '{"something":"else"}');
    expect(() => new DataFile(path).load()).toThrow(/not in the keyvault-emulator\/v1 format/);
  });
});

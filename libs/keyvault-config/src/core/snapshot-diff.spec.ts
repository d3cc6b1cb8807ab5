import { describe, expect, it } from 'vitest';
import type { KeyVaultKeyChange } from './interfaces.js';
import { changesFor, diffSnapshots, hasChanges } from './snapshot-diff.js';
import { snapshot } from '../testing/refresh.fixtures.js';

describe('diffSnapshots', () => {
  it('finds added, updated (version, value or secret) and removed keys with reasons, without values', () => {
    const before = snapshot([
      ['A', 'v1', 'a'],
      ['B', 'v1', 'b'],
      ['C', 'v1', { x: 1 }],
      ['D', 'v1', 'd'],
      ['E', 'v1', 'e'],
      ['F', 'v1', 'f', 'F-one'],
    ]);
    const after = snapshot(
      [
        ['A', 'v1', 'a'],
        ['B', 'v2', 'b2'],
        ['C', 'v1', { x: 2 }],
        ['F', 'v1', 'f', 'F-two'],
        ['G', 'v1', 'g'],
      ],
      [{ key: 'D', secretName: 'D', reason: 'disabled' }],
    );
    const event = diffSnapshots(before, after, new Date(5));
    expect(event.added).toEqual([
      { key: 'G', secretName: 'G', vault: 'vault.test', kind: 'added', version: 'v1' },
    ]);
    expect(event.updated.map((c) => [c.key, c.version, c.previousVersion])).toEqual([
      ['B', 'v2', 'v1'],
      ['C', 'v1', 'v1'],
      ['F', 'v1', 'v1'],
    ]);
    expect(event.removed.map((c) => [c.key, c.reason])).toEqual([
      ['D', 'disabled'],
      ['E', 'deleted'],
    ]);
    expect(JSON.stringify(event)).not.toMatch(/"b2"|"x"/);
    expect(hasChanges(event)).toBe(true);
    expect(hasChanges(diffSnapshots(before, before, new Date()))).toBe(false);
  });
});

const changeOf = (key: string): KeyVaultKeyChange => ({ key, secretName: key, vault: 'v', kind: 'updated' });

describe('changesFor', () => {
  it('matches the key, keys below it and the key above it', () => {
    const event = {
      at: new Date(),
      added: [changeOf('Db.Password')],
      updated: [changeOf('Database'), changeOf('Dbx')],
      removed: [changeOf('Db')],
    };
    expect(changesFor(event, 'Db').map((x) => x.key)).toEqual(['Db.Password', 'Db']);
    expect(changesFor(event, 'Db.Password').map((x) => x.key)).toEqual(['Db.Password', 'Db']);
    expect(changesFor(event, 'Database.host').map((x) => x.key)).toEqual(['Database']);
    expect(changesFor(event, 'Other')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import {
  buildConfig,
  checkPathCollisions,
  isJsonContentType,
  mapSecretName,
  keyPathFor,
  parseKeyPath,
  reservedKeyIn,
  reservedSegmentOf,
  reservedSegmentOfVariable,
  sameKeyCollision,
  secretValueOf,
  splitKeyPath,
  type ConfigEntry,
} from './key-mapping.js';

const entry = (key: string, secretName = key, value: unknown = 'v'): ConfigEntry => ({
  key,
  path: key.split('.'),
  value,
  secretName,
  vault: 'v.vault.azure.net',
});

describe('mapSecretName', () => {
  it.each([
    ['Database--Connection-String', 'Database.Connection_String'],
    ['API-KEY', 'API_KEY'],
    ['Simple', 'Simple'],
    ['a--b--c', 'a.b.c'],
    ['Mixed-Case--Inner-Name', 'Mixed_Case.Inner_Name'],
    ['a---b', 'a._b'],
    ['123', '123'],
  ])('%s → %s', (name, key) => {
    expect(mapSecretName(name)).toBe(key);
  });

  it.each(['a--', '--a', 'a----b'])('%s has an empty segment → undefined', (name) => {
    expect(mapSecretName(name)).toBeUndefined();
  });
});

describe('parseKeyPath', () => {
  it('splits dot paths', () => {
    expect(parseKeyPath('Database.Password')).toEqual(['Database', 'Password']);
    expect(parseKeyPath('API_KEY')).toEqual(['API_KEY']);
  });
  it.each(['', '.a', 'a.', 'a..b', '__proto__.x', 'a.constructor', 'prototype'])('rejects %j', (key) => {
    expect(parseKeyPath(key)).toBeUndefined();
  });
});

describe('reserved segments', () => {
  it('splitKeyPath keeps reserved segments (the caller skips them), refuses empty ones', () => {
    expect(splitKeyPath('a.__proto__')).toEqual(['a', '__proto__']);
    expect(splitKeyPath('a..b')).toBeUndefined();
  });

  it.each([
    [['constructor'], 'constructor'],
    [['App', 'prototype'], 'prototype'],
    [['a', '__proto__', 'b'], '__proto__'],
    [['Constructor', 'protos', '_proto_'], undefined],
  ])('reservedSegmentOf(%j) → %j', (path, segment) => {
    expect(reservedSegmentOf(path)).toBe(segment);
  });

  it('a keyMapper result with a reserved segment is a path, not a non-key; the default mapping too', () => {
    const vault = { host: 'v', keyMapper: () => 'Settings.__proto__' };
    expect(keyPathFor(vault, 'Mapped', 'Mapped')).toEqual(['Settings', '__proto__']);
    expect(keyPathFor({ host: 'v' }, 'App--prototype', 'App--prototype')).toEqual(['App', 'prototype']);
  });

  it('reservedKeyIn finds a reserved key at any depth of parsed JSON, arrays included', () => {
    expect(reservedKeyIn(JSON.parse('{"a":1,"__proto__":{"x":1}}'))).toBe('__proto__');
    expect(reservedKeyIn(JSON.parse('{"a":[1,{"b":{"constructor":2}}]}'))).toBe('constructor');
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}{"prototype":1}${'}'.repeat(5000)}`) as unknown;
    expect(reservedKeyIn(deep)).toBe('prototype');
    expect(reservedKeyIn(JSON.parse('{"Constructor":{"prototypes":["__proto__"]}}'))).toBeUndefined();
    expect(reservedKeyIn('__proto__')).toBeUndefined();
  });

  it.each([
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['a__constructor', 'constructor'],
    ['a.prototype', 'prototype'],
    ['a____proto____b', '__proto__'],
    ['prototype__b', 'prototype'],
    ['A__B', undefined],
    ['MY_CONSTRUCTOR', undefined],
    ['a_constructor', undefined],
    ['constructors', undefined],
    ['x__proto__', undefined],
  ])('reservedSegmentOfVariable(%j) → %j', (variable, segment) => {
    expect(reservedSegmentOfVariable(variable)).toBe(segment);
  });
});

describe('isJsonContentType', () => {
  it.each(['application/json', 'APPLICATION/JSON', 'application/json; charset=utf-8', ' application/json '])(
    'accepts %j',
    (ct) => expect(isJsonContentType(ct)).toBe(true),
  );
  it.each([undefined, '', 'text/plain', 'application/jsonp', 'application/json-patch+json'])(
    'rejects %j',
    (ct) => expect(isJsonContentType(ct)).toBe(false),
  );
});

describe('secretValueOf', () => {
  const secret = { name: 'Settings', vault: 'v.vault.azure.net', key: 'Settings' };
  it('parses JSON secrets and keeps others as strings', () => {
    expect(secretValueOf('{"a":{"b":1}}', 'application/json', true, secret)).toEqual({ a: { b: 1 } });
    expect(secretValueOf('{"a":1}', 'text/plain', true, secret)).toBe('{"a":1}');
    expect(secretValueOf('{"a":1}', 'application/json', false, secret)).toBe('{"a":1}');
    expect(secretValueOf(undefined, undefined, true, secret)).toBe('');
  });

  it('fails on invalid JSON naming the secret, never echoing the content', () => {
    const canary = 'CANARY-json-7f3a';
    let caught: unknown;
    try {
      secretValueOf(`{"password": ${canary}`, 'application/json', true, secret);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyVaultConfigError);
    const error = caught as KeyVaultConfigError;
    expect(error.code).toBe(KeyVaultConfigErrorCode.InvalidSecretContent);
    expect(error.message).toContain("'Settings'");
    expect(error.message).toContain('parseJson: false');
    expect(error.message).not.toContain(canary);
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain(canary);
  });
});

describe('collisions and building', () => {
  it('names both secrets of a same-key collision', () => {
    const error = sameKeyCollision(entry('API_KEY', 'API-KEY'), entry('API_KEY', 'API_KEY-x'));
    expect(error.code).toBe(KeyVaultConfigErrorCode.KeyCollision);
    expect(error.message).toContain("'API-KEY'");
    expect(error.message).toContain("'API_KEY-x'");
  });

  it('detects a value and an object on one path', () => {
    expect(() =>
      checkPathCollisions([entry('Database', 'Database'), entry('Database.Host', 'Database--Host')]),
    ).toThrow(/secret 'Database' .*secret 'Database--Host'/);
    expect(() => checkPathCollisions([entry('A.B.C', 'x'), entry('A.B', 'y')])).toThrow(KeyVaultConfigError);
    expect(() => checkPathCollisions([entry('A.B'), entry('A.C'), entry('AB')])).not.toThrow();
  });

  it('builds the nested object', () => {
    const config = buildConfig([
      entry('Database.Host', 'h', 'db'),
      entry('Database.Port', 'p', '5432'),
      entry('API_KEY', 'k', 'key'),
      entry('Json', 'j', { nested: [1, 2] }),
    ]);
    expect(config).toEqual({
      Database: { Host: 'db', Port: '5432' },
      API_KEY: 'key',
      Json: { nested: [1, 2] },
    });
  });
});

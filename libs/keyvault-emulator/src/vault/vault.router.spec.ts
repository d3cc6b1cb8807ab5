import { describe, expect, it } from 'vitest';
import { resolveRoute } from './vault.router.js';

const v = 'a'.repeat(32);

describe('resolveRoute', () => {
  it.each([
    ['PUT', '/secrets/name', { route: 'secrets.set', permission: 'set', name: 'name' }],
    ['GET', '/secrets/name', { route: 'secrets.get', permission: 'get', name: 'name', version: '' }],
    ['GET', '/secrets/name/', { route: 'secrets.get', name: 'name', version: '' }],
    ['GET', `/secrets/name/${v}`, { route: 'secrets.get', name: 'name', version: v }],
    ['GET', '/secrets', { route: 'secrets.list', permission: 'list', listPath: '/secrets' }],
    ['GET', '/secrets/', { route: 'secrets.list' }],
    ['GET', '/secrets/name/versions', { route: 'secrets.versions', permission: 'list', name: 'name' }],
    ['PATCH', `/secrets/name/${v}`, { route: 'secrets.update', permission: 'update', version: v }],
    ['PATCH', '/secrets/name/', { route: 'secrets.update', version: '' }],
    ['PATCH', '/secrets/name', { route: 'secrets.update', version: '' }],
    ['DELETE', '/secrets/name', { route: 'secrets.delete', permission: 'delete' }],
    ['GET', '/deletedsecrets', { route: 'deleted.list', permission: 'list' }],
    ['GET', '/deletedsecrets/name', { route: 'deleted.get', permission: 'get' }],
    ['POST', '/deletedsecrets/name/recover', { route: 'deleted.recover', permission: 'recover' }],
    ['DELETE', '/deletedsecrets/name', { route: 'deleted.purge', permission: 'purge' }],
    ['GET', '//secrets//name', { route: 'secrets.get', name: 'name' }],
    ['GET', '/Secrets/name/Versions', { route: 'secrets.versions' }],
    ['GET', '/secrets/na%6De', { route: 'secrets.get', name: 'name' }],
  ])('%s %s', (method, path, expected) => {
    expect(resolveRoute(method, path)).toMatchObject(expected);
  });

  it.each([
    ['GET', '/', false],
    ['GET', '/keys/k', false],
    ['POST', '/secrets/name/backup', false],
    ['GET', '/secrets/a/b/c', false],
    ['DELETE', '/secrets', true],
    ['POST', '/secrets/name', true],
    ['PUT', `/secrets/name/${v}`, true],
  ])('%s %s is vault.unknown', (method, path, methodNotAllowed) => {
    const route = resolveRoute(method, path);
    expect(route.route).toBe('vault.unknown');
    expect(route.permission).toBeUndefined();
    expect(Boolean(route.methodNotAllowed)).toBe(methodNotAllowed);
  });
});

import type { EmulatorRoute } from '../emulator.interfaces.js';

/** Access-policy permission an operation needs (matches `SecretPermission` in authorization.ts). */
export type RoutePermission = 'get' | 'list' | 'set' | 'update' | 'delete' | 'recover' | 'purge';

/** A request resolved to an operation. */
export interface ResolvedRoute {
  route: EmulatorRoute;
  /** Undefined for vault.unknown. */
  permission?: RoutePermission;
  /** Secret name (raw from the path, not validated yet). */
  name?: string;
  /** Version from the path ('' or undefined = latest). */
  version?: string;
  /** Path used in nextLinks (for list routes). */
  listPath?: string;
  /** For vault.unknown: 405 instead of 404 (known path, wrong method). */
  methodNotAllowed?: boolean;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Splits a request path: repeated slashes collapse (some clients send `//secrets/x`). */
export function pathSegments(path: string): { segments: string[]; trailingSlash: boolean } {
  const clean = path.replace(/\/{2,}/g, '/');
  const trailingSlash = clean.length > 1 && clean.endsWith('/');
  const segments = clean
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment);
  return { segments, trailingSlash };
}

const unknown = (methodNotAllowed = false): ResolvedRoute => ({ route: 'vault.unknown', methodNotAllowed });

/** A list (a secret's versions included) answers GET only; `listPath` is where its nextLinks point. */
const listRoute = (method: string, route: EmulatorRoute, listPath: string, name?: string): ResolvedRoute =>
  method !== 'GET'
    ? unknown(true)
    : { route, permission: 'list', ...(name === undefined ? {} : { name }), listPath };

/**
 * Maps method + path to a secrets operation, as the SDKs send them:
 * `PUT /secrets/{name}`, `GET /secrets/{name}[/]`, `GET /secrets/{name}/{version}`, `GET /secrets`,
 * `GET /secrets/{name}/versions`, `PATCH /secrets/{name}[/{version}]`, `DELETE /secrets/{name}`,
 * `GET /deletedsecrets[/{name}]`, `POST /deletedsecrets/{name}/recover`, `DELETE /deletedsecrets/{name}`.
 * Collection names compare case-insensitively.
 */
export function resolveRoute(method: string, path: string): ResolvedRoute {
  const m = method.toUpperCase();
  const { segments } = pathSegments(path);
  const [collection, name, third, ...rest] = segments;
  if (rest.length > 0 || collection === undefined) return unknown();
  const kind = collection.toLowerCase();

  if (kind === 'secrets') {
    if (name === undefined) return listRoute(m, 'secrets.list', '/secrets');
    if (third === undefined) {
      switch (m) {
        case 'PUT':
          return { route: 'secrets.set', permission: 'set', name };
        case 'GET':
          return { route: 'secrets.get', permission: 'get', name, version: '' };
        case 'PATCH':
          return { route: 'secrets.update', permission: 'update', name, version: '' };
        case 'DELETE':
          return { route: 'secrets.delete', permission: 'delete', name };
        default:
          return unknown(true);
      }
    }
    if (third.toLowerCase() === 'versions') {
      return listRoute(m, 'secrets.versions', `/secrets/${encodeURIComponent(name)}/versions`, name);
    }
    if (m === 'GET') return { route: 'secrets.get', permission: 'get', name, version: third };
    if (m === 'PATCH') return { route: 'secrets.update', permission: 'update', name, version: third };
    return unknown(m !== 'POST'); // POST …/backup, /secrets/restore: not emulated
  }

  if (kind === 'deletedsecrets') {
    if (name === undefined) return listRoute(m, 'deleted.list', '/deletedsecrets');
    if (third === undefined) {
      if (m === 'GET') return { route: 'deleted.get', permission: 'get', name };
      if (m === 'DELETE') return { route: 'deleted.purge', permission: 'purge', name };
      return unknown(true);
    }
    if (third.toLowerCase() === 'recover') {
      return m === 'POST' ? { route: 'deleted.recover', permission: 'recover', name } : unknown(true);
    }
  }
  return unknown();
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PATH_PREFIX, IDENTITY_HEADER_NAME, JSON_CONTENT_TYPE } from './constants.js';
import type { RequestCounters } from './counters.js';
import type { EmulatorVault, SeedSecret, VaultRoleAlias } from './emulator.interfaces.js';
import { FaultSpecError, validateFaultSpec, type EmulatorFaultInjector } from './faults.js';
import { SeedError } from './seed.js';
import { KeyVaultError } from './vault/vault.errors.js';

/** What the admin API operates on (provided by `startEmulator`). */
export interface AdminContext {
  identityHeader: string;
  counters: RequestCounters;
  faults: EmulatorFaultInjector;
  /** A vault by name (case-insensitive); undefined when unknown. */
  vault(name: string): EmulatorVault | undefined;
  setRole(clientId: string | 'system', role: VaultRoleAlias): void;
  setTokenLifetime(seconds: number): void;
}

/** Handles one admin request; resolves false when the path is not under /_emulator/. */
export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_ADMIN_BODY = 256 * 1024;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ADMIN_BODY) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_ADMIN_BODY)
        return reject(new AdminError(413, 'RequestTooLarge', 'The request body is too large.'));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new AdminError(400, 'BadRequest', 'The request body is not valid JSON.'));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0', 'cache-control': 'no-store' });
    res.end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': String(payload.length),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

function headerMatches(actual: string | string[] | undefined, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const asObject = (body: unknown): Record<string, unknown> => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdminError(400, 'BadRequest', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
};

/**
 * The admin API, served by the identity server under `/_emulator/` (it calls the returned handler
 * first for every request). Every call needs `X-IDENTITY-HEADER: <identity header>`. Answers never
 * contain secret values.
 *
 * - GET    /_emulator/counters                         → { total, byRoute }
 * - GET    /_emulator/log                              → { entries }
 * - POST   /_emulator/counters/reset                   → 204
 * - GET    /_emulator/faults                           → { faults }
 * - POST   /_emulator/faults            FaultSpec      → 201 { id }
 * - DELETE /_emulator/faults                           → 204 (all faults and identity failures)
 * - DELETE /_emulator/faults/{id}                      → 204 | 404
 * - POST   /_emulator/identity-failures {count, mode}  → 204
 * - POST   /_emulator/throttle     {perTenSeconds|null}→ 204
 * - POST   /_emulator/vaults/{vault}/secrets SeedSecret→ 201 { name, version }
 * - PATCH  /_emulator/vaults/{vault}/secrets/{name}    → 204 (enabled, expires, notBefore, contentType, tags)
 * - DELETE /_emulator/vaults/{vault}/secrets/{name}[?purge=true] → 204 (soft delete, or purge)
 * - POST   /_emulator/roles        {clientId|'system', role} → 204
 * - POST   /_emulator/token-lifetime {seconds}         → 204
 */
export function createAdminHandler(ctx: AdminContext): AdminHandler {
  return async (req, res) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const search = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    if (!(path + '/').startsWith(ADMIN_PATH_PREFIX)) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (!headerMatches(req.headers[IDENTITY_HEADER_NAME], ctx.identityHeader)) {
        req.resume();
        throw new AdminError(401, 'Unauthorized', 'The admin API requires the X-IDENTITY-HEADER header.');
      }
      const body = method === 'GET' || method === 'HEAD' ? (req.resume(), undefined) : await readJson(req);
      const segments = path
        .slice(ADMIN_PATH_PREFIX.length)
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
      const result = route(ctx, method, segments, body, search);
      send(res, result.status, result.body);
    } catch (error) {
      if (error instanceof AdminError)
        send(res, error.status, { error: { code: error.code, message: error.message } });
      else if (error instanceof KeyVaultError) send(res, error.status, error.toBody());
      else if (error instanceof FaultSpecError || error instanceof SeedError) {
        send(res, 400, { error: { code: 'BadRequest', message: error.message } });
      } else {
        // Registry/role errors and the like: readable messages without values.
        send(res, 400, {
          error: { code: 'BadRequest', message: (error as Error)?.message ?? 'Bad request.' },
        });
      }
    }
    return true;
  };
}

function route(
  ctx: AdminContext,
  method: string,
  segments: string[],
  body: unknown,
  search: URLSearchParams,
): { status: number; body?: unknown } {
  const [first, second, third, fourth, ...rest] = segments;
  const notFound = (): never => {
    throw new AdminError(404, 'NotFound', `No admin endpoint ${method} /_emulator/${segments.join('/')}.`);
  };
  if (rest.length > 0) notFound();

  switch (first) {
    case 'counters':
      if (method === 'GET' && second === undefined) {
        return { status: 200, body: { total: ctx.counters.count(), byRoute: ctx.counters.byRoute() } };
      }
      if (method === 'POST' && second === 'reset' && third === undefined) {
        ctx.counters.reset();
        return { status: 204 };
      }
      return notFound();
    case 'log':
      if (method === 'GET' && second === undefined)
        return { status: 200, body: { entries: ctx.counters.log() } };
      return notFound();
    case 'faults':
      if (second === undefined) {
        if (method === 'GET') return { status: 200, body: { faults: ctx.faults.list() } };
        if (method === 'POST') return { status: 201, body: { id: ctx.faults.add(validateFaultSpec(body)) } };
        if (method === 'DELETE') {
          ctx.faults.clear();
          return { status: 204 };
        }
      } else if (method === 'DELETE' && third === undefined) {
        if (!ctx.faults.has(second)) throw new AdminError(404, 'NotFound', `No fault with id ${second}.`);
        ctx.faults.remove(second);
        return { status: 204 };
      }
      return notFound();
    case 'identity-failures': {
      if (method !== 'POST' || second !== undefined) return notFound();
      const raw = asObject(body);
      const mode = raw.mode === undefined ? 500 : raw.mode;
      if (mode !== 500 && mode !== 'hang')
        throw new AdminError(400, 'BadRequest', "'mode' must be 500 or 'hang'.");
      ctx.faults.failIdentity(Number(raw.count ?? 1), mode);
      return { status: 204 };
    }
    case 'throttle': {
      if (method !== 'POST' || second !== undefined) return notFound();
      const raw = asObject(body);
      const value = raw.perTenSeconds;
      if (value !== null && value !== undefined && typeof value !== 'number') {
        throw new AdminError(400, 'BadRequest', "'perTenSeconds' must be a number or null.");
      }
      ctx.faults.setThrottle(value ?? undefined);
      return { status: 204 };
    }
    case 'roles': {
      if (method !== 'POST' || second !== undefined) return notFound();
      const raw = asObject(body);
      if (typeof raw.clientId !== 'string' || typeof raw.role !== 'string') {
        throw new AdminError(400, 'BadRequest', "Give 'clientId' (or 'system') and 'role'.");
      }
      ctx.setRole(raw.clientId, raw.role as VaultRoleAlias);
      return { status: 204 };
    }
    case 'token-lifetime': {
      if (method !== 'POST' || second !== undefined) return notFound();
      const seconds = asObject(body).seconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new AdminError(400, 'BadRequest', "'seconds' must be a positive number.");
      }
      ctx.setTokenLifetime(seconds);
      return { status: 204 };
    }
    case 'vaults': {
      if (second === undefined || third !== 'secrets') return notFound();
      const vault = ctx.vault(second);
      if (!vault) throw new AdminError(404, 'VaultNotFound', `No vault named ${second}.`);
      if (fourth === undefined) {
        if (method !== 'POST') return notFound();
        const secret = asObject(body) as unknown as SeedSecret;
        const version = vault.setSecret(secret);
        return { status: 201, body: { name: secret.name, version } };
      }
      if (method === 'PATCH') {
        vault.updateSecret(fourth, asObject(body) as Partial<Omit<SeedSecret, 'name' | 'value'>>);
        return { status: 204 };
      }
      if (method === 'DELETE') {
        if (search.get('purge') === 'true') vault.purgeSecret(fourth);
        else vault.deleteSecret(fourth);
        return { status: 204 };
      }
      return notFound();
    }
    default:
      return notFound();
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminError, routeAdmin, type AdminContext } from './admin.routes.js';
import { ADMIN_PATH_PREFIX, IDENTITY_HEADER_NAME } from './constants.js';
import { FaultSpecError } from './fault-spec.js';
import { headerMatches } from './http/header-check.js';
import { readJsonBody } from './http/json-body.js';
import { writeJson } from './http/json-response.js';
import { SeedError } from './seed.js';
import { KeyVaultError } from './vault/vault.errors.js';

export type { AdminContext } from './admin.routes.js';

/** Handles one admin request; resolves false when the path is not under /_emulator/. */
export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_ADMIN_BODY = 256 * 1024;

const ADMIN_BODY_LIMITS = {
  maxBytes: MAX_ADMIN_BODY,
  tooLarge: () => new AdminError(413, 'RequestTooLarge', 'The request body is too large.'),
  notJson: () => new AdminError(400, 'BadRequest', 'The request body is not valid JSON.'),
};

/** Admin answers are never cached (they change with every call). */
const send = (res: ServerResponse, status: number, body?: unknown): void =>
  writeJson(res, status, body, { 'cache-control': 'no-store' });

/** The admin API's error answer for anything an endpoint throws; messages never carry values. */
function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof AdminError) {
    send(res, error.status, { error: { code: error.code, message: error.message } });
  } else if (error instanceof KeyVaultError) send(res, error.status, error.toBody());
  else if (error instanceof FaultSpecError || error instanceof SeedError) {
    send(res, 400, { error: { code: 'BadRequest', message: error.message } });
  } else {
    // Registry/role errors and the like: readable messages without values.
    send(res, 400, { error: { code: 'BadRequest', message: (error as Error)?.message ?? 'Bad request.' } });
  }
}

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
 * - POST   /_emulator/throttle {perTenSeconds|null, retryAfter?} → 204 (retryAfter: send Retry-After)
 * - POST   /_emulator/vaults/{vault}/secrets SeedSecret→ 201 { name, version }
 * - PATCH  /_emulator/vaults/{vault}/secrets/{name}    → 204 (enabled, expires, notBefore, contentType, tags)
 * - DELETE /_emulator/vaults/{vault}/secrets/{name}[?purge=true] → 204 (soft delete, or purge)
 * - POST   /_emulator/roles        {clientId|'system', role} → 204
 * - POST   /_emulator/token-lifetime {seconds}         → 204
 * - POST   /_emulator/soft-delete-delay {ms}           → 204 (asynchronous soft delete; 0 turns it off)
 */
export function createAdminHandler(ctx: AdminContext): AdminHandler {
  return async (req, res) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    if (!(path + '/').startsWith(ADMIN_PATH_PREFIX)) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (!headerMatches(req.headers[IDENTITY_HEADER_NAME], ctx.identityHeader)) {
        req.resume();
        throw new AdminError(401, 'Unauthorized', 'The admin API requires the X-IDENTITY-HEADER header.');
      }
      const body =
        method === 'GET' || method === 'HEAD'
          ? (req.resume(), undefined)
          : await readJsonBody(req, ADMIN_BODY_LIMITS);
      const segments = path
        .slice(ADMIN_PATH_PREFIX.length)
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
      const search = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
      const result = routeAdmin(ctx, { method, segments, body, search });
      send(res, result.status, result.body);
    } catch (error) {
      sendError(res, error);
    }
    return true;
  };
}

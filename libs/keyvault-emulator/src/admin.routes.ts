import type { RequestCounters } from './counters.js';
import type { EmulatorVault, SeedSecret, VaultRoleAlias } from './emulator.interfaces.js';
import { validateFaultSpec } from './fault-spec.js';
import type { EmulatorFaultInjector } from './faults.js';

/** What the admin API operates on (provided by `startEmulator`). */
export interface AdminContext {
  identityHeader: string;
  counters: RequestCounters;
  faults: EmulatorFaultInjector;
  /** A vault by name (case-insensitive); undefined when unknown. */
  vault(name: string): EmulatorVault | undefined;
  setRole(clientId: string | 'system', role: VaultRoleAlias): void;
  setTokenLifetime(seconds: number): void;
  setSoftDeleteDelay(ms: number): void;
}

/** An admin answer other than success, in the admin API's `{ error: { code, message } }` shape. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One admin request after authentication: method, decoded path segments below /_emulator/, body. */
export interface AdminRequest {
  method: string;
  segments: string[];
  body: unknown;
  search: URLSearchParams;
}

/** What an admin endpoint answers (body undefined = empty). */
export interface AdminResult {
  status: number;
  body?: unknown;
}

type AdminEndpoint = (ctx: AdminContext, request: AdminRequest) => AdminResult;

const NO_CONTENT: AdminResult = { status: 204 };

const badRequest = (message: string): AdminError => new AdminError(400, 'BadRequest', message);

function notFound(request: AdminRequest): never {
  throw new AdminError(
    404,
    'NotFound',
    `No admin endpoint ${request.method} /_emulator/${request.segments.join('/')}.`,
  );
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The endpoint only answers `POST /_emulator/<name>` with a JSON object. */
const postOnly =
  (run: (ctx: AdminContext, body: Record<string, unknown>) => void): AdminEndpoint =>
  (ctx, request) => {
    if (request.method !== 'POST' || request.segments.length !== 1) notFound(request);
    run(ctx, asObject(request.body));
    return NO_CONTENT;
  };

const counters: AdminEndpoint = (ctx, request) => {
  const [, sub, ...rest] = request.segments;
  if (request.method === 'GET' && sub === undefined) {
    return { status: 200, body: { total: ctx.counters.count(), byRoute: ctx.counters.byRoute() } };
  }
  if (request.method === 'POST' && sub === 'reset' && rest.length === 0) {
    ctx.counters.reset();
    return NO_CONTENT;
  }
  return notFound(request);
};

const log: AdminEndpoint = (ctx, request) => {
  if (request.method !== 'GET' || request.segments.length !== 1) notFound(request);
  return { status: 200, body: { entries: ctx.counters.log() } };
};

const faults: AdminEndpoint = (ctx, request) => {
  const [, id, ...rest] = request.segments;
  if (id === undefined) {
    if (request.method === 'GET') return { status: 200, body: { faults: ctx.faults.list() } };
    if (request.method === 'POST') {
      return { status: 201, body: { id: ctx.faults.add(validateFaultSpec(request.body)) } };
    }
    if (request.method === 'DELETE') {
      ctx.faults.clear();
      return NO_CONTENT;
    }
  } else if (request.method === 'DELETE' && rest.length === 0) {
    if (!ctx.faults.has(id)) throw new AdminError(404, 'NotFound', `No fault with id ${id}.`);
    ctx.faults.remove(id);
    return NO_CONTENT;
  }
  return notFound(request);
};

const identityFailures = postOnly((ctx, raw) => {
  const mode = raw.mode === undefined ? 500 : raw.mode;
  if (mode !== 500 && mode !== 'hang') throw badRequest("'mode' must be 500 or 'hang'.");
  ctx.faults.failIdentity(Number(raw.count ?? 1), mode);
});

const throttle = postOnly((ctx, raw) => {
  const value = raw.perTenSeconds;
  if (value !== null && value !== undefined && typeof value !== 'number') {
    throw badRequest("'perTenSeconds' must be a number or null.");
  }
  if (raw.retryAfter !== undefined && typeof raw.retryAfter !== 'boolean') {
    throw badRequest("'retryAfter' must be a boolean.");
  }
  ctx.faults.setThrottle(
    value ?? undefined,
    raw.retryAfter === undefined ? {} : { retryAfter: raw.retryAfter },
  );
});

const roles = postOnly((ctx, raw) => {
  if (typeof raw.clientId !== 'string' || typeof raw.role !== 'string') {
    throw badRequest("Give 'clientId' (or 'system') and 'role'.");
  }
  ctx.setRole(raw.clientId, raw.role as VaultRoleAlias);
});

const tokenLifetime = postOnly((ctx, raw) => {
  const seconds = raw.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw badRequest("'seconds' must be a positive number.");
  }
  ctx.setTokenLifetime(seconds);
});

const softDeleteDelay = postOnly((ctx, raw) => {
  const ms = raw.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw badRequest("'ms' must be a number of milliseconds, 0 or more (0 turns it off).");
  }
  ctx.setSoftDeleteDelay(ms);
});

const vaults: AdminEndpoint = (ctx, request) => {
  const [, vaultName, collection, name, ...rest] = request.segments;
  if (vaultName === undefined || collection !== 'secrets' || rest.length > 0) return notFound(request);
  const vault = ctx.vault(vaultName);
  if (!vault) throw new AdminError(404, 'VaultNotFound', `No vault named ${vaultName}.`);
  if (name === undefined) {
    if (request.method !== 'POST') return notFound(request);
    const secret = asObject(request.body) as unknown as SeedSecret;
    return { status: 201, body: { name: secret.name, version: vault.setSecret(secret) } };
  }
  if (request.method === 'PATCH') {
    vault.updateSecret(name, asObject(request.body) as Partial<Omit<SeedSecret, 'name' | 'value'>>);
    return NO_CONTENT;
  }
  if (request.method === 'DELETE') {
    if (request.search.get('purge') === 'true') vault.purgeSecret(name);
    else vault.deleteSecret(name);
    return NO_CONTENT;
  }
  return notFound(request);
};

/** The admin endpoints by their first path segment below /_emulator/. */
const ENDPOINTS: Readonly<Record<string, AdminEndpoint>> = {
  counters,
  log,
  faults,
  'identity-failures': identityFailures,
  throttle,
  roles,
  'token-lifetime': tokenLifetime,
  'soft-delete-delay': softDeleteDelay,
  vaults,
};

/** Runs one authenticated admin request. Throws AdminError (and the operations' own errors). */
export function routeAdmin(ctx: AdminContext, request: AdminRequest): AdminResult {
  const first = request.segments[0];
  if (request.segments.length > 4 || first === undefined || !Object.hasOwn(ENDPOINTS, first)) {
    return notFound(request);
  }
  return ENDPOINTS[first](ctx, request);
}

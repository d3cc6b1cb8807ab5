import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { THROTTLE_WINDOW_SECONDS } from './constants.js';
import type { EmulatorFaults, EmulatorRoute, FaultSpec } from './emulator.interfaces.js';

/** Every route name a fault may target. */
export const EMULATOR_ROUTES: readonly EmulatorRoute[] = [
  'secrets.set',
  'secrets.get',
  'secrets.list',
  'secrets.versions',
  'secrets.update',
  'secrets.delete',
  'deleted.get',
  'deleted.list',
  'deleted.recover',
  'deleted.purge',
  'vault.unknown',
  'identity.appservice',
  'identity.imds',
  'identity.probe',
];

/** True for identity.* routes (served by the identity server, not a vault). */
export const isIdentityRoute = (route: EmulatorRoute): boolean => route.startsWith('identity.');

/**
 * What to do with one request, as decided by {@link EmulatorFaultInjector.match}. The server applies
 * it: wait `latencyMs`, then (if `action` is set) answer `status` with Key Vault's error body (and
 * Retry-After when given), destroy the socket without answering (`reset`), or never answer (`hang`).
 */
export interface FaultDecision {
  /** Total delay before acting/answering normally (fixed + jitter of every matching fault, + global). */
  latencyMs: number;
  action?: 'status' | 'reset' | 'hang';
  status?: number;
  retryAfterSeconds?: number;
  /** Ids of the faults that contributed. */
  faultIds: string[];
  /** Label for the request log. */
  kind: 'latency' | 'status' | 'reset' | 'hang';
}

/** An invalid fault specification (admin API input). */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** Validates untrusted input (admin API, CLI) as a {@link FaultSpec}. */
export function validateFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultSpecError('A fault must be a JSON object.');
  }
  const raw = input as Record<string, unknown>;
  const spec: FaultSpec = {};
  if (raw.route !== undefined) {
    const routes = Array.isArray(raw.route) ? raw.route : [raw.route];
    for (const route of routes) {
      if (!EMULATOR_ROUTES.includes(route as EmulatorRoute)) {
        throw new FaultSpecError(
          `Unknown route '${String(route)}'. Known routes: ${EMULATOR_ROUTES.join(', ')}.`,
        );
      }
    }
    spec.route = raw.route as FaultSpec['route'];
  }
  if (raw.vault !== undefined) {
    if (typeof raw.vault !== 'string' || raw.vault === '')
      throw new FaultSpecError("'vault' must be a vault name.");
    spec.vault = raw.vault;
  }
  for (const key of ['latencyMs', 'jitterMs', 'retryAfterSeconds'] as const) {
    if (raw[key] !== undefined) {
      if (!isNonNegative(raw[key])) throw new FaultSpecError(`'${key}' must be a non-negative number.`);
      spec[key] = raw[key];
    }
  }
  if (raw.status !== undefined) {
    if (!Number.isInteger(raw.status) || (raw.status as number) < 400 || (raw.status as number) > 599) {
      throw new FaultSpecError("'status' must be an HTTP error status (400–599).");
    }
    spec.status = raw.status as number;
  }
  for (const key of ['reset', 'hang'] as const) {
    if (raw[key] !== undefined) {
      if (typeof raw[key] !== 'boolean') throw new FaultSpecError(`'${key}' must be a boolean.`);
      spec[key] = raw[key];
    }
  }
  if (raw.times !== undefined) {
    if (!Number.isInteger(raw.times) || (raw.times as number) < 1) {
      throw new FaultSpecError("'times' must be a positive integer.");
    }
    spec.times = raw.times as number;
  }
  const actions = [spec.status !== undefined, spec.reset === true, spec.hang === true].filter(Boolean).length;
  if (actions > 1) throw new FaultSpecError("Give at most one of 'status', 'reset' and 'hang'.");
  if (actions === 0 && spec.latencyMs === undefined && spec.jitterMs === undefined) {
    throw new FaultSpecError("A fault needs 'latencyMs'/'jitterMs', 'status', 'reset' or 'hang'.");
  }
  return spec;
}

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number; // Infinity = until cleared
}

interface Bucket {
  tokens: number;
  last: number; // ms
}

/** Options of the fault injector. */
export interface FaultInjectorOptions {
  /** Fixed latency added to every vault request. */
  latencyMs?: number;
  /** Vault transactions per 10 s (token bucket); undefined = off. */
  throttle?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Random source in [0, 1) (tests). */
  random?: () => number;
}

/**
 * Scripted faults, identity failures, global latency and the token-bucket throttle.
 *
 * Contract with the servers:
 * - vault servers call `match(route, vault)` for every request, then `takeThrottle(vault)` for
 *   authenticated ones;
 * - the identity server calls `takeIdentityFailure()` first (a pending `failIdentity` answers 500 or
 *   hangs), then `match(route)` with its identity.* route. Faults without a route apply to vault routes
 *   only; identity requests are affected only by faults that name an identity.* route. The global
 *   latency applies to vault requests only.
 */
export class EmulatorFaultInjector implements EmulatorFaults {
  /** Fixed latency added to every vault request (ms). */
  latencyMs: number;
  private faults: ActiveFault[] = [];
  private identityFailures: Array<500 | 'hang'> = [];
  private perTenSeconds: number | undefined;
  private buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: FaultInjectorOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.setThrottle(options.throttle);
  }

  add(fault: FaultSpec): string {
    const spec = validateFaultSpec(fault);
    const id = randomUUID();
    this.faults.push({ id, spec, remaining: spec.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  remove(id: string): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  /** Ids and specs of the active faults. */
  list(): Array<{ id: string; fault: FaultSpec; remaining: number | null }> {
    return this.faults.map((f) => ({
      id: f.id,
      fault: { ...f.spec },
      remaining: Number.isFinite(f.remaining) ? f.remaining : null,
    }));
  }

  /** True when a fault with this id is still active. */
  has(id: string): boolean {
    return this.faults.some((f) => f.id === id);
  }

  clear(): void {
    this.faults = [];
    this.identityFailures = [];
  }

  failIdentity(count: number, mode: 500 | 'hang' = 500): void {
    if (!Number.isInteger(count) || count < 0)
      throw new FaultSpecError("'count' must be a non-negative integer.");
    if (mode !== 500 && mode !== 'hang') throw new FaultSpecError("'mode' must be 500 or 'hang'.");
    for (let i = 0; i < count; i++) this.identityFailures.push(mode);
  }

  /** Consumes the next pending identity failure (identity server, once per token request). */
  takeIdentityFailure(): 500 | 'hang' | undefined {
    return this.identityFailures.shift();
  }

  /** Number of identity failures still pending. */
  get pendingIdentityFailures(): number {
    return this.identityFailures.length;
  }

  setThrottle(perTenSeconds: number | undefined): void {
    if (perTenSeconds !== undefined && (!Number.isFinite(perTenSeconds) || perTenSeconds <= 0)) {
      throw new FaultSpecError('The throttle must be a positive number of transactions per 10 seconds.');
    }
    this.perTenSeconds = perTenSeconds;
    this.buckets.clear();
  }

  /** Current throttle (transactions per 10 s), undefined when off. */
  get throttle(): number | undefined {
    return this.perTenSeconds;
  }

  /**
   * Decides the faults for one request and consumes one use of every fault that matched (`times`).
   * Latency of all matching faults adds up; the first matching fault with an action decides it.
   * Returns undefined when nothing applies.
   */
  match(route: EmulatorRoute, vault?: string): FaultDecision | undefined {
    const identity = isIdentityRoute(route);
    let latency = identity ? 0 : this.latencyMs;
    const decision: FaultDecision = { latencyMs: 0, faultIds: [], kind: 'latency' };
    for (const fault of this.faults) {
      if (!this.matches(fault.spec, route, vault, identity)) continue;
      const { spec } = fault;
      const hasAction = spec.status !== undefined || spec.reset === true || spec.hang === true;
      if (hasAction && decision.action) continue; // the first action wins; this fault is not used
      latency += (spec.latencyMs ?? 0) + (spec.jitterMs ? this.random() * spec.jitterMs : 0);
      if (spec.status !== undefined) {
        decision.action = 'status';
        decision.status = spec.status;
        if (spec.retryAfterSeconds !== undefined) decision.retryAfterSeconds = spec.retryAfterSeconds;
      } else if (spec.reset) decision.action = 'reset';
      else if (spec.hang) decision.action = 'hang';
      decision.faultIds.push(fault.id);
      fault.remaining -= 1;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    if (decision.faultIds.length === 0 && latency <= 0) return undefined;
    decision.latencyMs = Math.round(latency);
    decision.kind = decision.action ?? 'latency';
    return decision;
  }

  /**
   * Takes one transaction from the vault's token bucket (capacity N, refilled continuously at N per
   * 10 s). Undefined when allowed; otherwise the seconds until a transaction is available again.
   */
  takeThrottle(vault: string): { retryAfterSeconds: number } | undefined {
    const limit = this.perTenSeconds;
    if (limit === undefined) return undefined;
    const now = this.now();
    const key = vault.toLowerCase();
    const ratePerMs = limit / (THROTTLE_WINDOW_SECONDS * 1000);
    const bucket = this.buckets.get(key) ?? { tokens: limit, last: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.last) * ratePerMs);
    bucket.last = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return { retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) };
  }

  private matches(
    spec: FaultSpec,
    route: EmulatorRoute,
    vault: string | undefined,
    identity: boolean,
  ): boolean {
    if (spec.route === undefined) {
      if (identity) return false;
    } else {
      const routes = Array.isArray(spec.route) ? spec.route : [spec.route];
      if (!routes.includes(route)) return false;
    }
    if (spec.vault !== undefined && spec.vault.toLowerCase() !== vault?.toLowerCase()) return false;
    return true;
  }
}

/**
 * Resolves after `ms` milliseconds (0 → next tick); `signal` aborts early. The abort listener is removed
 * when the timer fires: the signal is the server's, shared by every request until it closes.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts the delays of a server's requests when it closes. Every request in flight
 * listens on it, so it has no listener limit (Node warns past 10 otherwise).
 */
export function closingSignal(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

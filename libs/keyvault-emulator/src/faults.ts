import { randomUUID } from 'node:crypto';
import type { EmulatorFaults, FaultSpec, TokenFaultBody } from './emulator.interfaces.js';
import { FaultSpecError, isAnswerBody, validateFaultSpec } from './fault-spec.js';
import { isIdentityRoute, type EmulatorRoute } from './routes.js';
import { VaultThrottle, type ThrottleRejection, type ThrottleSettings } from './throttle.js';

/**
 * What to do with one request on arrival, as decided by {@link EmulatorFaultInjector.match}. The
 * servers apply it through `applyFault` (fault-apply.ts): wait `latencyMs`, then (if `action` is set)
 * answer `status` — with the server's error body, an HTML page or no body (`body`) — and Retry-After
 * when given, destroy the socket without answering (`reset`), or never answer (`hang`).
 */
export interface FaultDecision {
  /** Total delay before acting/answering normally (fixed + jitter of every matching fault, + global). */
  latencyMs: number;
  action?: 'status' | 'reset' | 'hang';
  status?: number;
  /** With action 'status': an HTML page or an empty body instead of the server's error JSON. */
  body?: 'html' | 'empty';
  retryAfterSeconds?: number;
  /** Ids of the faults that contributed. */
  faultIds: string[];
  /** Label for the request log. */
  kind: 'latency' | 'status' | 'reset' | 'hang' | 'html' | 'empty';
}

/**
 * A fault that replaces a real answer once it exists ({@link EmulatorFaultInjector.matchAnswer}):
 * the answer's body cut, an empty page that still carries a nextLink, or a token answer without its
 * token or expiry (or with a garbage expiry).
 */
export interface AnswerFault {
  body: 'truncated' | 'emptyPage' | TokenFaultBody;
  /** Bytes kept with 'truncated' (undefined: half). */
  truncateAt?: number;
  faultId: string;
}

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number; // Infinity = until cleared
}

/** Options of the fault injector. */
export interface FaultInjectorOptions {
  /** Fixed latency added to every vault request. */
  latencyMs?: number;
  /** Vault transactions per 10-second window; undefined = off. */
  throttle?: number;
  /** Send Retry-After with the throttle's 429s (Key Vault does not). @default false */
  throttleRetryAfter?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Random source in [0, 1) (tests). */
  random?: () => number;
}

/**
 * Scripted faults, identity failures, global latency and the per-vault throttle.
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
  private readonly throttleWindow: VaultThrottle;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: FaultInjectorOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.throttleWindow = new VaultThrottle(
      options.throttle,
      { retryAfter: options.throttleRetryAfter },
      this.now,
    );
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

  setThrottle(perTenSeconds: number | undefined, settings?: ThrottleSettings): void {
    this.throttleWindow.set(perTenSeconds, settings);
  }

  /** Whether the throttle's 429s carry Retry-After. */
  get throttleRetryAfter(): boolean {
    return this.throttleWindow.sendsRetryAfter;
  }

  /** Current throttle (transactions per 10 s), undefined when off. */
  get throttle(): number | undefined {
    return this.throttleWindow.limit;
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
      if (isAnswerBody(fault.spec.body) || !this.matches(fault.spec, route, vault, identity)) continue;
      const { spec } = fault;
      const hasAction =
        spec.status !== undefined || spec.body !== undefined || spec.reset === true || spec.hang === true;
      if (hasAction && decision.action) continue; // the first action wins; this fault is not used
      latency += (spec.latencyMs ?? 0) + (spec.jitterMs ? this.random() * spec.jitterMs : 0);
      if (spec.status !== undefined || spec.body !== undefined) {
        decision.action = 'status';
        // An HTML page or an empty body comes from a proxy or gateway: 502 unless told otherwise.
        decision.status = spec.status ?? 502;
        if (spec.body === 'html' || spec.body === 'empty') decision.body = spec.body;
        if (spec.retryAfterSeconds !== undefined) decision.retryAfterSeconds = spec.retryAfterSeconds;
      } else if (spec.reset) decision.action = 'reset';
      else if (spec.hang) decision.action = 'hang';
      decision.faultIds.push(fault.id);
      fault.remaining -= 1;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    if (decision.faultIds.length === 0 && latency <= 0) return undefined;
    decision.latencyMs = Math.round(latency);
    decision.kind = decision.body ?? decision.action ?? 'latency';
    return decision;
  }

  /**
   * Decides, once a real answer exists, whether a fault replaces it (`body: 'truncated'` or
   * `'emptyPage'`); the first matching one is used and consumed. Called only for requests that got as
   * far as an answer (authenticated, not throttled), so a fault with `times` is never spent on the
   * SDK's unauthenticated challenge request.
   */
  matchAnswer(route: EmulatorRoute, vault?: string): AnswerFault | undefined {
    const identity = isIdentityRoute(route);
    const fault = this.faults.find(
      (f) => isAnswerBody(f.spec.body) && this.matches(f.spec, route, vault, identity),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.remove(fault.id);
    const answer: AnswerFault = { body: fault.spec.body as AnswerFault['body'], faultId: fault.id };
    if (fault.spec.truncateAt !== undefined) answer.truncateAt = fault.spec.truncateAt;
    return answer;
  }

  /**
   * Counts one transaction against the vault's 10-second window. Undefined when allowed; otherwise a
   * rejection, with the seconds until the window has room when Retry-After is switched on.
   */
  takeThrottle(vault: string): ThrottleRejection | undefined {
    return this.throttleWindow.take(vault);
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

/**
 * What one load knows about throttling: its deadline (a throttled request may wait until then, not a
 * number of retries), and its figures for the report — 429 responses received, time spent waiting for
 * the vault's throttle, the lowest concurrency reached. The pipeline policy (retry.ts) finds the load
 * it serves through async context: the SDK's pipeline has no per-request slot for it, and the same
 * cached client serves every load of the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KeyVaultThrottlingFigures } from './interfaces.js';
import type { ThrottleController, ThrottleWaiter } from './throttle-controller.js';

/** The throttling state and figures of one load (startup load or refresh cycle). */
export class LoadThrottle {
  responses429 = 0;
  private lowest: number;
  private waiting = 0;
  private since = 0;
  private waited = 0;

  constructor(
    /** Epoch ms of the load's deadline (start + timeoutMs). */
    readonly deadline: number,
    /** The load's own concurrency, the most it ever runs. */
    readonly concurrency: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lowest = concurrency;
  }

  /** A 429 answered one of this load's requests; `controller` has already reacted to it. */
  count429(controller: ThrottleController): void {
    this.responses429++;
    this.lowest = Math.min(this.lowest, controller.concurrency);
  }

  /** Wall-clock time during which at least one of the load's requests waited for the throttle. */
  get waitedMs(): number {
    return this.waited + (this.waiting > 0 ? this.now() - this.since : 0);
  }

  figures(): KeyVaultThrottlingFigures {
    return {
      responses429: this.responses429,
      waitedMs: Math.round(this.waitedMs),
      lowestConcurrency: this.lowest,
    };
  }

  /** The waiter of one request to `host`. */
  waiter(host: string): ThrottleWaiter {
    return {
      deadline: this.deadline,
      enterWait: () => {
        if (this.waiting++ === 0) this.since = this.now();
      },
      leaveWait: () => {
        if (--this.waiting === 0) this.waited += this.now() - this.since;
      },
      deadlineError: (heldUntil) => new ThrottleDeadlineError(host, this.figures(), heldUntil),
    };
  }
}

/**
 * A request gave up because the vault's throttle holds requests past the load's deadline. Not a
 * RestError, so that the SDK's retry policy passes it straight up; load-failure.ts words it.
 */
export class ThrottleDeadlineError extends Error {
  override readonly name = 'ThrottleDeadlineError';

  constructor(
    readonly host: string,
    readonly figures: KeyVaultThrottlingFigures,
    /** Epoch ms until which the throttle holds requests. */
    readonly heldUntil: number,
  ) {
    super(`Key Vault ${host} throttles requests beyond the load's deadline.`);
  }
}

const scope = new AsyncLocalStorage<LoadThrottle>();

/** Runs `fn` (a load's sources) so that every request it makes counts toward `throttle`. */
export function withLoadThrottle<T>(throttle: LoadThrottle, fn: () => T): T {
  return scope.run(throttle, fn);
}

/** The load the current request belongs to (undefined outside a load, e.g. the doctor's probes). */
export function currentLoadThrottle(): LoadThrottle | undefined {
  return scope.getStore();
}

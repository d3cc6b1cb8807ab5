import { THROTTLE_WINDOW_SECONDS } from './constants.js';
import { FaultSpecError } from './fault-spec.js';

const WINDOW_MS = THROTTLE_WINDOW_SECONDS * 1000;

/** How the throttle answers: Key Vault sends no Retry-After, so neither does the emulator by default. */
export interface ThrottleSettings {
  /** Send `Retry-After` (seconds until the window has room again) with each 429. @default false */
  retryAfter?: boolean;
}

/** A request the throttle rejected: `retryAfterSeconds` only when Retry-After is switched on. */
export interface ThrottleRejection {
  retryAfterSeconds?: number;
}

/** Times (ms) of the requests a vault accepted within the window, oldest first. */
class AcceptedLog {
  private times: number[] = [];
  private head = 0;

  /** Drops what left the window; returns how many remain. */
  countSince(start: number): number {
    while (this.head < this.times.length && this.times[this.head] <= start) this.head += 1;
    // Compacts now and then, so a long run does not keep every timestamp it ever saw.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  oldest(): number {
    return this.times[this.head];
  }

  add(time: number): void {
    this.times.push(time);
  }
}

/**
 * The vault throttle as Key Vault's service limits describe it: at most N transactions per vault in
 * any 10-second window. A rejected request is not counted (Microsoft's throttling guidance: "Failed
 * requests that return a 429 do not count towards the throttle limits"), so a client that backs off
 * gets through as soon as the window has room; one that hammers gets nothing more than it would anyway.
 */
export class VaultThrottle {
  private perTenSeconds: number | undefined;
  private retryAfter: boolean;
  private logs = new Map<string, AcceptedLog>();

  constructor(
    perTenSeconds: number | undefined,
    settings: ThrottleSettings = {},
    private readonly now: () => number = Date.now,
  ) {
    this.retryAfter = settings.retryAfter ?? false;
    this.set(perTenSeconds);
  }

  /**
   * Changes the limit (transactions per 10 s; undefined = off) and forgets every vault's usage.
   * `settings.retryAfter` omitted keeps the current choice.
   */
  set(perTenSeconds: number | undefined, settings: ThrottleSettings = {}): void {
    if (perTenSeconds !== undefined && (!Number.isFinite(perTenSeconds) || perTenSeconds <= 0)) {
      throw new FaultSpecError('The throttle must be a positive number of transactions per 10 seconds.');
    }
    if (settings.retryAfter !== undefined && typeof settings.retryAfter !== 'boolean') {
      throw new FaultSpecError("'retryAfter' must be a boolean.");
    }
    this.perTenSeconds = perTenSeconds;
    if (settings.retryAfter !== undefined) this.retryAfter = settings.retryAfter;
    this.logs.clear();
  }

  /** Current limit (transactions per 10 s), undefined when off. */
  get limit(): number | undefined {
    return this.perTenSeconds;
  }

  /** Whether 429s carry Retry-After. */
  get sendsRetryAfter(): boolean {
    return this.retryAfter;
  }

  /** Counts one transaction against the vault's window; a rejection when the window is full. */
  take(vault: string): ThrottleRejection | undefined {
    const limit = this.perTenSeconds;
    if (limit === undefined) return undefined;
    const now = this.now();
    const key = vault.toLowerCase();
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new AcceptedLog()));
    if (log.countSince(now - WINDOW_MS) < limit) {
      log.add(now);
      return undefined;
    }
    if (!this.retryAfter) return {};
    // Room comes back when the oldest accepted request leaves the window.
    return { retryAfterSeconds: Math.max(1, Math.ceil((log.oldest() + WINDOW_MS - now) / 1000)) };
  }
}

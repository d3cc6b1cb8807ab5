import { THROTTLE_WINDOW_SECONDS } from './constants.js';
import { FaultSpecError } from './fault-spec.js';

interface Bucket {
  tokens: number;
  last: number; // ms
}

/**
 * The vault throttle: a token bucket per vault (capacity N, refilled continuously at N per 10 s).
 */
export class VaultThrottle {
  private perTenSeconds: number | undefined;
  private buckets = new Map<string, Bucket>();

  constructor(
    perTenSeconds: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.set(perTenSeconds);
  }

  /** Changes the limit (transactions per 10 s; undefined = off) and forgets every vault's usage. */
  set(perTenSeconds: number | undefined): void {
    if (perTenSeconds !== undefined && (!Number.isFinite(perTenSeconds) || perTenSeconds <= 0)) {
      throw new FaultSpecError('The throttle must be a positive number of transactions per 10 seconds.');
    }
    this.perTenSeconds = perTenSeconds;
    this.buckets.clear();
  }

  /** Current limit (transactions per 10 s), undefined when off. */
  get limit(): number | undefined {
    return this.perTenSeconds;
  }

  /**
   * Takes one transaction from the vault's bucket. Undefined when allowed; otherwise the seconds until
   * a transaction is available again.
   */
  take(vault: string): { retryAfterSeconds: number } | undefined {
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
}

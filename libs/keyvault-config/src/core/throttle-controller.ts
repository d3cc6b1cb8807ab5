/**
 * The throttle controller of one vault host, shared by every load, refresh and reference of the
 * process: Key Vault's limit is per vault, so every request to it draws on one budget whatever client,
 * credential or load sends it. AIMD, as TCP does with congestion: a 429 halves the concurrency toward
 * the vault (down to 1) and holds every request until one shared backoff instant (Retry-After when the
 * vault sends one, else exponential backoff with full jitter); successes grow it back by about one
 * request per round trip. One throttling episode (the 429s of requests sent before the reaction)
 * halves and backs off once, not once per request in flight.
 */
import { abortError } from './abort.js';

/** Backoff of the first episode; each further episode without a success doubles it. */
export const THROTTLE_BASE_DELAY_MS = 1000;
/** Ceiling of the jittered backoff: Key Vault counts no rejected request, and its window is 10 s, so a longer wait only loses time. */
export const THROTTLE_MAX_DELAY_MS = 8000;
/** Above this many requests in flight the controller stops limiting (the load's pool limits). */
const UNCAPPED_ABOVE = 64;

/** The part of an abort signal the controller uses (the SDK's `AbortSignalLike` or a DOM AbortSignal). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A request admitted by the controller; hand it back with `succeeded`, `failed` or `throttled`. */
export interface ThrottleTicket {
  /** The episode it was sent in. */
  readonly epoch: number;
}

/** What a waiting request watches besides the controller: the load's deadline and its wait clock. */
export interface ThrottleWaiter {
  /** Epoch ms after which waiting is pointless (the load's deadline). */
  readonly deadline?: number;
  enterWait(): void;
  leaveWait(): void;
  /** The error to fail with when the shared instant lies beyond `deadline`. */
  deadlineError(holdUntil: number): Error;
}

/** Backoff delays (ms) of an episode; `random` in [0, 1). */
export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Full jitter: uniform in [0, min(max, 2 × base × 2^attempt)] — mean base × 2^attempt. */
export function fullJitterDelay(attempt: number, settings: BackoffSettings, random = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, 2 * settings.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

interface Queued {
  resolve(ticket: ThrottleTicket): void;
  reject(error: unknown): void;
  waiter?: ThrottleWaiter;
  cleanup(): void;
}

export class ThrottleController {
  private limit = Infinity;
  private inFlight = 0;
  private holdUntil = 0;
  private epoch = 0;
  private attempt = 0;
  private readonly queue: Queued[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Requests allowed in flight now (Infinity: not limited). */
  get concurrency(): number {
    return Number.isFinite(this.limit) ? Math.floor(this.limit) : Infinity;
  }

  /** Epoch ms until which every request waits (0 or past: none). */
  get heldUntil(): number {
    return this.holdUntil;
  }

  /** Waits for the shared instant and a free slot; rejects on abort or when the deadline cannot be met. */
  acquire(signal?: AbortSignalLike, waiter?: ThrottleWaiter): Promise<ThrottleTicket> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.queue.length === 0 && this.canStart()) return Promise.resolve(this.start());
    return new Promise<ThrottleTicket>((resolve, reject) => {
      const onAbort = (): void => this.drop(entry, abortError());
      const entry: Queued = {
        resolve,
        reject,
        waiter,
        cleanup: () => {
          signal?.removeEventListener('abort', onAbort);
          waiter?.leaveWait();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter?.enterWait();
      this.queue.push(entry);
      this.pump();
    });
  }

  /** A non-429 answer: the backoff resets, concurrency grows back. */
  succeeded(ticket: ThrottleTicket): void {
    this.inFlight--;
    if (ticket.epoch === this.epoch) this.attempt = 0;
    if (Number.isFinite(this.limit)) {
      this.limit += 1 / Math.max(1, this.limit);
      if (this.limit > UNCAPPED_ABOVE) this.limit = Infinity;
    }
    this.pump();
  }

  /** A transport error or any other outcome that says nothing about throttling. */
  failed(): void {
    this.inFlight--;
    this.pump();
  }

  /**
   * A 429: the first of an episode halves the concurrency and sets the shared backoff instant;
   * `retryAfterMs` (the vault's Retry-After) always moves the instant at least that far.
   */
  throttled(ticket: ThrottleTicket, retryAfterMs: number | undefined, backoff: BackoffSettings): void {
    const now = this.now();
    if (ticket.epoch === this.epoch) {
      const base = Number.isFinite(this.limit) ? Math.min(this.limit, this.inFlight) : this.inFlight;
      this.limit = Math.max(1, Math.floor(base / 2));
      this.epoch++;
      const delay = retryAfterMs ?? fullJitterDelay(this.attempt, backoff, this.random);
      this.attempt++;
      this.holdUntil = Math.max(this.holdUntil, now + delay);
    } else if (retryAfterMs !== undefined) {
      this.holdUntil = Math.max(this.holdUntil, now + retryAfterMs);
    }
    this.inFlight--;
    this.pump();
  }

  private canStart(now = this.now()): boolean {
    return now >= this.holdUntil && this.inFlight < this.concurrency;
  }

  private start(): ThrottleTicket {
    this.inFlight++;
    return { epoch: this.epoch };
  }

  private drop(entry: Queued, error: unknown): void {
    if (this.remove(entry, error)) this.pump();
  }

  private remove(entry: Queued, error: unknown): boolean {
    const index = this.queue.indexOf(entry);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    entry.cleanup();
    entry.reject(error);
    return true;
  }

  /**
   * Fails the waiters whose deadline comes before the instant, then admits what may start. One clock
   * reading for the whole pump: read twice, the instant could pass between "may not start yet" and
   * "no wait left to arm a timer for", and the waiter would be left queued with no timer.
   */
  private pump(): void {
    const now = this.now();
    if (this.holdUntil > now) {
      const late = this.queue.filter(
        (e) => e.waiter?.deadline !== undefined && this.holdUntil > e.waiter.deadline,
      );
      for (const entry of late) this.remove(entry, entry.waiter!.deadlineError(this.holdUntil));
    }
    while (this.queue.length > 0 && this.canStart(now)) {
      const entry = this.queue.shift()!;
      entry.cleanup();
      entry.resolve(this.start());
    }
    this.arm(now);
  }

  /** One timer for the shared instant while anyone waits for it. */
  private arm(now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const wait = this.holdUntil - now;
    if (this.queue.length === 0 || wait <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
  }
}

const controllers = new Map<string, ThrottleController>();

/** The process's controller for a vault host (case-insensitive). */
export function throttleControllerFor(host: string): ThrottleController {
  const key = host.toLowerCase();
  let controller = controllers.get(key);
  if (!controller) controllers.set(key, (controller = new ThrottleController()));
  return controller;
}

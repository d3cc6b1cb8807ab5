/**
 * Concurrency and retries: the bounded fetch pool shared by every vault and reference of a load, the
 * fail-fast task group, and the pipeline policy that retries 429 responses without Retry-After (the
 * SDK's default retry policy returns those unretried).
 */
import {
  retryPolicy,
  type PipelinePolicy,
  type PipelineResponse,
  type RetryStrategy,
} from '@azure/core-rest-pipeline';

/** Name of the added policy (visible in the SDK's pipeline). */
export const THROTTLING_RETRY_POLICY_NAME = 'keyVaultConfigThrottlingRetryPolicy';

/** Same defaults as the SDK's exponential strategy. */
const DEFAULT_RETRY_DELAY_MS = 1000;
const DEFAULT_MAX_RETRY_DELAY_MS = 64_000;

const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'];

/** True when a 429/503 carries a Retry-After style header (the SDK's throttling strategy handles those). */
export function hasRetryAfter(response: PipelineResponse): boolean {
  return RETRY_AFTER_HEADERS.some((name) => {
    const value = response.headers.get(name);
    return (
      value !== undefined &&
      value.trim() !== '' &&
      (Number.isFinite(Number(value)) || !Number.isNaN(Date.parse(value)))
    );
  });
}

/** Exponential backoff with the SDK's jitter: half the clamped delay plus a random part of the other half. */
export function backoffDelay(retryCount: number, retryDelayInMs: number, maxRetryDelayInMs: number): number {
  const clamped = Math.min(maxRetryDelayInMs, retryDelayInMs * 2 ** retryCount);
  return clamped / 2 + Math.floor(Math.random() * (clamped / 2 + 1));
}

/**
 * Retries a 429 without Retry-After with exponential backoff. Everything else is skipped: transient 5xx,
 * resets and 429/503 with Retry-After are the default policy's (configured with the same maxRetries).
 */
export function throttlingWithoutRetryAfterStrategy(options: {
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}): RetryStrategy {
  const base = options.retryDelayInMs ?? DEFAULT_RETRY_DELAY_MS;
  const max = options.maxRetryDelayInMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  return {
    name: 'keyVaultConfigThrottlingRetryStrategy',
    retry({ retryCount, response }) {
      if (!response || response.status !== 429 || hasRetryAfter(response)) return { skipStrategy: true };
      return { retryAfterInMs: backoffDelay(retryCount, base, max) };
    },
  };
}

/**
 * The policy added to each SecretClient (position perCall, i.e. around the SDK's own retry policy) so
 * that 429 without Retry-After is retried too — at most `maxRetries` times, honouring the abort signal.
 */
export function throttlingRetryPolicy(options: {
  maxRetries: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}): PipelinePolicy {
  const policy = retryPolicy([throttlingWithoutRetryAfterStrategy(options)], {
    maxRetries: options.maxRetries,
  });
  return { name: THROTTLING_RETRY_POLICY_NAME, sendRequest: policy.sendRequest };
}

/** An AbortError like the SDK's (name 'AbortError'). */
export function abortError(message = 'The operation was aborted.'): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

/** Runs at most `limit` tasks at once; queued tasks never start once `signal` is aborted. */
export interface Pool {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now (for tests and diagnostics). */
  readonly active: number;
}

export function createPool(limit: number, signal?: AbortSignal): Pool {
  let active = 0;
  const queue: Array<() => void> = [];
  const hasCapacity = (): boolean => active < limit;
  const next = (): void => {
    // `start` (synchronously) increments `active`, which ends the loop at the limit.
    while (queue.length > 0 && hasCapacity()) queue.shift()!();
  };
  return {
    get active() {
      return active;
    },
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          if (signal?.aborted) {
            reject(abortError());
            next();
            return;
          }
          active++;
          let promise: Promise<T>;
          try {
            promise = task();
          } catch (error) {
            promise = Promise.reject(error);
          }
          promise.then(resolve, reject).finally(() => {
            active--;
            next();
          });
        };
        queue.push(start);
        next();
      });
    },
  };
}

/**
 * Collects the promises of one load. The first real failure aborts the load (so nothing more starts
 * and in-flight requests are cancelled) and is the one reported; aborts caused by it are ignored.
 */
export class TaskGroup {
  private readonly tasks: Promise<unknown>[] = [];
  private firstError: unknown;
  private failed = false;

  constructor(private readonly controller: AbortController) {}

  /** Adds a task; its rejection fails the group. */
  add(promise: Promise<unknown>): void {
    this.tasks.push(
      promise.catch((error: unknown) => {
        this.fail(error);
      }),
    );
  }

  /** Fails the group with this error unless it already failed. */
  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.firstError = error;
    this.controller.abort();
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  /** Waits for every task added so far (and those they add); throws the first failure. */
  async settle(): Promise<void> {
    for (let settled = 0; settled < this.tasks.length;) {
      const batch = this.tasks.slice(settled);
      settled += batch.length;
      await Promise.all(batch);
    }
    if (this.failed) throw this.firstError;
  }
}

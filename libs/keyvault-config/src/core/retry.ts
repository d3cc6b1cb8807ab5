/**
 * The throttling retry policy: the pipeline policy added to every SecretClient that retries 429
 * responses without Retry-After (the SDK's default retry policy returns those unretried). Concurrency
 * (the fetch pool and the task group) is pool.ts's.
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

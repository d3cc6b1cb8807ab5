/**
 * The vault throttle policy: the one owner of 429 handling and of the fast failure of an unresolvable
 * host. Added to every SecretClient at `perRetry` (inside the SDK's retry policy, just before the
 * transport), so the SDK's retry never sees a 429 — neither its throttling strategy (429/503 with
 * Retry-After) nor a count of retries applies to throttling. A 429 goes to the vault's throttle
 * controller (throttle-controller.ts), the request waits for the shared instant and is sent again,
 * until the load's deadline (throttle-scope.ts) cannot be met. Other transient failures (5xx, resets)
 * stay with the SDK's retry policy and its `maxRetries`. Concurrency of one load is pool.ts's.
 */
import { RestError, type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';
import { abortError } from './abort.js';
import { safeCause } from './errors.js';
import {
  THROTTLE_BASE_DELAY_MS,
  THROTTLE_MAX_DELAY_MS,
  throttleControllerFor,
  type AbortSignalLike,
  type BackoffSettings,
} from './throttle-controller.js';
import { currentLoadThrottle } from './throttle-scope.js';

/** Name of the added policy (visible in the SDK's pipeline). */
export const THROTTLING_RETRY_POLICY_NAME = 'keyVaultConfigThrottlePolicy';

/** One retry of a host that did not resolve, this long after (a resolver's hiccup, EAI_AGAIN). */
export const DNS_RETRY_DELAY_MS = 500;

const UNRESOLVED_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'];

/** Retry-After in ms (`retry-after-ms`, `x-ms-retry-after-ms`, `retry-after` in seconds or a date). */
export function retryAfterMs(response: PipelineResponse, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.headers.get(name)?.trim() || Number.NaN);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = response.headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** True when a 429/503 carries a usable Retry-After header. */
export function hasRetryAfter(response: PipelineResponse): boolean {
  return retryAfterMs(response) !== undefined;
}

/**
 * A host that does not resolve, after its one retry. Not a RestError, so that the SDK's retry policy
 * passes it straight up instead of retrying it for ~13 s; errors.ts maps it by its `code`.
 */
export class HostNotResolvedError extends Error {
  override readonly name = 'HostNotResolvedError';
  readonly code: string;

  constructor(host: string, code: string, cause: unknown) {
    super(`getaddrinfo ${code} ${host}`, { cause: safeCause(cause) });
    this.code = code;
  }
}

function unresolvedCode(error: unknown): string | undefined {
  const code = error instanceof RestError ? error.code : (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNRESOLVED_CODES.has(code) ? code : undefined;
}

function sleep(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The 429 handed up to the SDK: without Retry-After, so its throttling strategy does not retry it again. */
function withoutRetryAfter(response: PipelineResponse): PipelineResponse {
  for (const name of RETRY_AFTER_HEADERS) response.headers.delete(name);
  return response;
}

/**
 * The policy. `retryOptions.retryDelayInMs` / `maxRetryDelayInMs` (the SDK's options) set the backoff
 * of throttling too. Outside a load (the doctor's probes) nothing bounds the wait but the abort
 * signal, so there a 429 is retried at most `maxRetries` times and then returned.
 */
export function throttlingRetryPolicy(options: {
  maxRetries: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}): PipelinePolicy {
  const backoff: BackoffSettings = {
    baseDelayMs: options.retryDelayInMs ?? THROTTLE_BASE_DELAY_MS,
    maxDelayMs: options.maxRetryDelayInMs ?? THROTTLE_MAX_DELAY_MS,
  };
  return {
    name: THROTTLING_RETRY_POLICY_NAME,
    async sendRequest(request, next) {
      const host = new URL(request.url).host;
      const controller = throttleControllerFor(host);
      const load = currentLoadThrottle();
      const waiter = load?.waiter(host);
      let dnsRetried = false;
      for (let throttled = 0; ;) {
        const ticket = await controller.acquire(request.abortSignal, waiter);
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          controller.failed();
          const code = unresolvedCode(error);
          if (!code) throw error;
          if (dnsRetried) throw new HostNotResolvedError(host, code, error);
          dnsRetried = true;
          await sleep(DNS_RETRY_DELAY_MS, request.abortSignal);
          continue;
        }
        if (response.status !== 429) {
          controller.succeeded(ticket);
          return response;
        }
        controller.throttled(ticket, retryAfterMs(response), backoff);
        load?.count429(controller);
        throttled++;
        if (!load && throttled > options.maxRetries) return withoutRetryAfter(response);
      }
    },
  };
}

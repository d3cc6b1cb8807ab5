import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  hasRetryAfter,
  throttlingRetryPolicy,
  throttlingWithoutRetryAfterStrategy,
} from './retry.js';

function response(status: number, headers: Record<string, string> = {}): PipelineResponse {
  const request = createPipelineRequest({ url: 'https://v.vault.azure.net/secrets/x' });
  return { status, headers: createHttpHeaders(headers), request };
}

describe('throttling strategy', () => {
  const strategy = throttlingWithoutRetryAfterStrategy({ retryDelayInMs: 100, maxRetryDelayInMs: 1000 });

  it('retries a 429 without Retry-After', () => {
    const modifiers = strategy.retry({ retryCount: 0, response: response(429) });
    expect(modifiers.retryAfterInMs).toBeGreaterThanOrEqual(50);
    expect(modifiers.retryAfterInMs).toBeLessThanOrEqual(100);
  });

  it('leaves 429 with Retry-After, 5xx and successes to the SDK policy', () => {
    expect(strategy.retry({ retryCount: 0, response: response(429, { 'retry-after': '1' }) })).toEqual({
      skipStrategy: true,
    });
    expect(strategy.retry({ retryCount: 0, response: response(503) })).toEqual({ skipStrategy: true });
    expect(strategy.retry({ retryCount: 0, response: response(200) })).toEqual({ skipStrategy: true });
    expect(strategy.retry({ retryCount: 0 })).toEqual({ skipStrategy: true });
  });

  it('reads every Retry-After form', () => {
    expect(hasRetryAfter(response(429, { 'Retry-After': '2' }))).toBe(true);
    expect(hasRetryAfter(response(429, { 'retry-after-ms': '20' }))).toBe(true);
    expect(hasRetryAfter(response(429, { 'x-ms-retry-after-ms': '20' }))).toBe(true);
    expect(hasRetryAfter(response(429, { 'Retry-After': new Date(Date.now() + 1000).toUTCString() }))).toBe(
      true,
    );
    expect(hasRetryAfter(response(429, { 'Retry-After': 'soon' }))).toBe(false);
    expect(hasRetryAfter(response(429))).toBe(false);
  });

  it('backs off exponentially within bounds', () => {
    for (let i = 0; i < 20; i++) {
      expect(backoffDelay(0, 100, 1000)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(0, 100, 1000)).toBeLessThanOrEqual(100);
      expect(backoffDelay(3, 100, 1000)).toBeGreaterThanOrEqual(400);
      expect(backoffDelay(10, 100, 1000)).toBeLessThanOrEqual(1000);
    }
  });
});

const request = (): PipelineRequest => createPipelineRequest({ url: 'https://v.vault.azure.net/secrets/x' });

describe('throttlingRetryPolicy', () => {
  it('retries 429s without Retry-After until one succeeds', async () => {
    const statuses = [429, 429, 200];
    let calls = 0;
    const policy = throttlingRetryPolicy({ maxRetries: 4, retryDelayInMs: 1, maxRetryDelayInMs: 2 });
    const result = await policy.sendRequest(request(), async () => response(statuses[calls++]!));
    expect(result.status).toBe(200);
    expect(calls).toBe(3);
  });

  it('gives up after maxRetries and returns the 429', async () => {
    let calls = 0;
    const policy = throttlingRetryPolicy({ maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 });
    const result = await policy.sendRequest(request(), async () => {
      calls++;
      return response(429);
    });
    expect(result.status).toBe(429);
    expect(calls).toBe(3);
  });

  it('does not retry other statuses', async () => {
    let calls = 0;
    const policy = throttlingRetryPolicy({ maxRetries: 4, retryDelayInMs: 1 });
    const result = await policy.sendRequest(request(), async () => {
      calls++;
      return response(503);
    });
    expect(result.status).toBe(503);
    expect(calls).toBe(1);
  });

  it('stops waiting when the request is aborted', async () => {
    const controller = new AbortController();
    const req = request();
    req.abortSignal = controller.signal;
    const policy = throttlingRetryPolicy({
      maxRetries: 4,
      retryDelayInMs: 60_000,
      maxRetryDelayInMs: 60_000,
    });
    const pending = policy.sendRequest(req, async () => response(429));
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

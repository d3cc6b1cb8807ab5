import type { TokenCredential } from '@azure/core-auth';
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { SecretClient } from '@azure/keyvault-secrets';
import { describe, expect, it } from 'vitest';
import { buildClientOptions } from './client.js';
import { parseVaultUrl } from './vault-url.js';
import { HostNotResolvedError, retryAfterMs, throttlingRetryPolicy } from './retry.js';
import { LoadThrottle, ThrottleDeadlineError, withLoadThrottle } from './throttle-scope.js';

let hosts = 0;
/** A host of its own per test: controllers are per host for the whole process. */
const freshHost = (): string => `retry-spec-${++hosts}.vault.azure.net`;

function response(status: number, headers: Record<string, string> = {}, host = 'v.vault.azure.net') {
  const request = createPipelineRequest({ url: `https://${host}/secrets/x` });
  return { status, headers: createHttpHeaders(headers), request } as PipelineResponse;
}
const request = (host: string): PipelineRequest =>
  createPipelineRequest({ url: `https://${host}/secrets/x` });
const fast = { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 };

describe('retryAfterMs', () => {
  it('reads every Retry-After form', () => {
    expect(retryAfterMs(response(429, { 'Retry-After': '2' }))).toBe(2000);
    expect(retryAfterMs(response(429, { 'retry-after-ms': '20' }))).toBe(20);
    expect(retryAfterMs(response(429, { 'x-ms-retry-after-ms': '30' }))).toBe(30);
    const now = Date.now();
    expect(retryAfterMs(response(429, { 'Retry-After': new Date(now + 5000).toUTCString() }), now)).toBe(
      Math.floor((now + 5000) / 1000) * 1000 - now,
    );
    expect(retryAfterMs(response(429, { 'Retry-After': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(response(429))).toBeUndefined();
  });
});

describe('throttlingRetryPolicy outside a load', () => {
  it('retries 429s until one succeeds', async () => {
    const host = freshHost();
    const statuses = [429, 429, 200];
    let calls = 0;
    const result = await throttlingRetryPolicy(fast).sendRequest(request(host), async () =>
      response(statuses[calls++]!),
    );
    expect(result.status).toBe(200);
    expect(calls).toBe(3);
  });

  it('returns the 429 after maxRetries (nothing else bounds a wait there)', async () => {
    let calls = 0;
    const result = await throttlingRetryPolicy(fast).sendRequest(request(freshHost()), async () => {
      calls++;
      return response(429);
    });
    expect(result.status).toBe(429);
    expect(calls).toBe(3);
  });

  it('leaves other statuses to the SDK', async () => {
    let calls = 0;
    const result = await throttlingRetryPolicy(fast).sendRequest(request(freshHost()), async () => {
      calls++;
      return response(503);
    });
    expect(result.status).toBe(503);
    expect(calls).toBe(1);
  });

  it('stops waiting when the request is aborted', async () => {
    const controller = new AbortController();
    const req = request(freshHost());
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

describe('throttlingRetryPolicy inside a load', () => {
  it('keeps retrying past maxRetries while the deadline allows, and counts the 429s', async () => {
    const host = freshHost();
    const load = new LoadThrottle(Date.now() + 60_000, 32);
    let calls = 0;
    const result = await withLoadThrottle(load, () =>
      throttlingRetryPolicy(fast).sendRequest(request(host), async () => response(++calls <= 6 ? 429 : 200)),
    );
    expect(result.status).toBe(200);
    expect(load.figures()).toMatchObject({ responses429: 6, lowestConcurrency: 1 });
  });

  it('fails with ThrottleDeadlineError when the shared instant lies beyond the deadline', async () => {
    const host = freshHost();
    const load = new LoadThrottle(Date.now() + 50, 32);
    let calls = 0;
    const error = await withLoadThrottle(load, () =>
      throttlingRetryPolicy({ maxRetries: 4 }).sendRequest(request(host), async () => {
        calls++;
        return response(429, { 'retry-after': '30' });
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottleDeadlineError);
    expect(error).toMatchObject({ host, figures: { responses429: 1 } });
    expect(calls).toBe(1);
  });
});

const notFound = (host: string) =>
  new RestError(`getaddrinfo ENOTFOUND ${host}`, { code: 'ENOTFOUND', request: request(host) });

describe('a host that does not resolve', () => {
  it('is retried once, then fails with an error the SDK does not retry', async () => {
    const host = freshHost();
    let calls = 0;
    const error = await throttlingRetryPolicy(fast)
      .sendRequest(request(host), async () => {
        calls++;
        throw notFound(host);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostNotResolvedError);
    expect(error).toMatchObject({ code: 'ENOTFOUND', message: `getaddrinfo ENOTFOUND ${host}` });
    expect(RestError.prototype.isPrototypeOf(error as object)).toBe(false);
    expect(calls).toBe(2);
  });

  it('succeeds when the one retry resolves', async () => {
    let calls = 0;
    const host = freshHost();
    const result = await throttlingRetryPolicy(fast).sendRequest(request(host), async () => {
      if (++calls === 1) throw notFound(host);
      return response(200);
    });
    expect(result.status).toBe(200);
  });
});

describe('one owner of 429s in a real SecretClient pipeline', () => {
  const credential: TokenCredential = {
    getToken: async () => ({ token: 'token', expiresOnTimestamp: Date.now() + 3_600_000 }),
  };

  /** A vault that challenges unauthenticated requests and answers the others with `status`. */
  function client(host: string, status: () => number, headers: Record<string, string> = {}) {
    const sent: number[] = [];
    const httpClient: HttpClient = {
      async sendRequest(req) {
        if (!req.headers.get('authorization')) {
          return {
            status: 401,
            request: req,
            headers: createHttpHeaders({
              'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net"`,
            }),
          };
        }
        const s = status();
        sent.push(s);
        const body =
          s === 200
            ? { id: `https://${host}/secrets/x/v1`, value: 'v', attributes: {} }
            : { error: { code: 'Throttled' } };
        return {
          status: s,
          request: req,
          headers: createHttpHeaders({ ...(s === 429 ? headers : {}), 'content-type': 'application/json' }),
          bodyAsText: JSON.stringify(body),
        };
      },
    };
    const vault = parseVaultUrl(`https://${host}`);
    const options = buildClientOptions(
      vault,
      { httpClient, retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 2 } },
      2,
    );
    return { secrets: new SecretClient(vault.url, credential, options), sent };
  }

  it('the SDK does not retry 429s with Retry-After underneath: maxRetries + 1 sends, not (maxRetries + 1)²', async () => {
    const { secrets, sent } = client(freshHost(), () => 429, { 'retry-after-ms': '1' });
    await expect(secrets.getSecret('x')).rejects.toMatchObject({ statusCode: 429 });
    expect(sent).toEqual([429, 429, 429]);
  });

  it('inside a load a throttled get waits and succeeds however many 429s it takes', async () => {
    let n = 0;
    const { secrets, sent } = client(freshHost(), () => (++n <= 5 ? 429 : 200));
    const load = new LoadThrottle(Date.now() + 60_000, 32);
    const secret = await withLoadThrottle(load, () => secrets.getSecret('x'));
    expect(secret.name).toBe('x');
    expect(sent).toEqual([429, 429, 429, 429, 429, 200]);
    expect(load.figures().responses429).toBe(5);
  });
});

import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
  type SendRequest,
} from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import {
  KeyVaultTimelineRecorder,
  MAX_TIMELINE_ENTRIES,
  recordTimeline,
  timelinePolicy,
} from './timeline.js';

const VAULT = 'https://v.vault.azure.net';

function respond(status: number, body?: string, fail?: Error): SendRequest {
  return async (request) => {
    if (fail) throw fail;
    return { request, status, headers: createHttpHeaders(), bodyAsText: body } as PipelineResponse;
  };
}

const request = (): ReturnType<typeof createPipelineRequest> =>
  createPipelineRequest({ url: `${VAULT}/secrets/A` });

describe('timelinePolicy', () => {
  it('records the challenge, the token gap, list pages (with item counts) and gets (names only)', async () => {
    const recorder = new KeyVaultTimelineRecorder();
    const policy = timelinePolicy(recorder);
    const list = createPipelineRequest({ url: `${VAULT}/secrets?api-version=2025-07-01` });
    await policy.sendRequest(list, respond(401));
    list.headers.set('authorization', 'Bearer x');
    await policy.sendRequest(list, respond(200, JSON.stringify({ value: [{ id: 'a' }, { id: 'b' }] })));
    const page2 = createPipelineRequest({ url: `${VAULT}/secrets?api-version=2025-07-01&$skiptoken=abc` });
    page2.headers.set('authorization', 'Bearer x');
    await policy.sendRequest(page2, respond(200, JSON.stringify({ value: [] })));
    const get = createPipelineRequest({ url: `${VAULT}/secrets/Db--Password/?api-version=2025-07-01` });
    get.headers.set('authorization', 'Bearer x');
    // A get's body holds the value: the policy must not read it.
    const body = JSON.stringify({ value: 'the-value' });
    await policy.sendRequest(get, respond(200, body));
    expect(recorder.entries.map(({ startMs: _s, durationMs: _d, ...e }) => e)).toEqual([
      { step: 'challenge', vault: 'v.vault.azure.net', status: 401 },
      { step: 'token', vault: 'v.vault.azure.net' },
      { step: 'list', vault: 'v.vault.azure.net', page: 1, status: 200, items: 2 },
      { step: 'list', vault: 'v.vault.azure.net', page: 2, status: 200, items: 0 },
      { step: 'get', vault: 'v.vault.azure.net', secretName: 'Db--Password', status: 200 },
    ]);
    expect(JSON.stringify(recorder.entries)).not.toContain('the-value');
  });

  it('numbers retries of one request and records transport errors by code', async () => {
    const recorder = new KeyVaultTimelineRecorder();
    const policy = timelinePolicy(recorder);
    const get = createPipelineRequest({ url: `${VAULT}/secrets/A/0123abcd` });
    get.headers.set('authorization', 'Bearer x');
    await policy.sendRequest(get, respond(429));
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await expect(policy.sendRequest(get, respond(0, undefined, reset))).rejects.toBe(reset);
    expect(recorder.entries.map((e) => [e.step, e.secretName, e.status, e.error, e.attempt])).toEqual([
      ['get', 'A', 429, undefined, undefined],
      ['get', 'A', undefined, 'ECONNRESET', 2],
    ]);
  });

  it('a policy with its own recorder has its own name, so it can sit beside the library’s', () => {
    expect(timelinePolicy(new KeyVaultTimelineRecorder()).name).not.toBe(timelinePolicy().name);
  });

  it('records into the recorder of the load in progress, and nowhere outside one', async () => {
    const policy = timelinePolicy();
    const recorder = new KeyVaultTimelineRecorder();
    await policy.sendRequest(request(), respond(200));
    await recordTimeline(recorder, () => policy.sendRequest(request(), respond(200)));
    expect(recorder.entries).toHaveLength(1);
  });

  it('ignores requests that are not secrets (and keeps at most MAX_TIMELINE_ENTRIES)', async () => {
    const recorder = new KeyVaultTimelineRecorder();
    const policy = timelinePolicy(recorder);
    await policy.sendRequest(createPipelineRequest({ url: `${VAULT}/keys/k` }), respond(200));
    expect(recorder.entries).toEqual([]);
    for (let i = 0; i < MAX_TIMELINE_ENTRIES + 3; i++) {
      recorder.add({ step: 'get', vault: 'v', startMs: 0, durationMs: 0 });
    }
    expect(recorder.entries).toHaveLength(MAX_TIMELINE_ENTRIES);
    expect(recorder.dropped).toBe(3);
  });
});

/**
 * The bootstrap timeline: what happened on the wire before the configuration had a value — the
 * challenge (the SDK's unauthenticated first request and its 401), the token (from that 401 until the
 * first authorized request left), each page of the secret list and each get, with milliseconds.
 *
 * Recorded by a pipeline policy placed after the SDK's retry policy, so it sees every attempt (a 429
 * and its retry are two entries) and the Authorization header the challenge policy set. It reads URLs,
 * statuses and, for list pages only, the number of items — never a get's body, so never a value.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { KeyVaultTimelineEntry } from './interfaces.js';

export type { KeyVaultTimelineEntry } from './interfaces.js';

/** Most entries one recording keeps (a vault of thousands of secrets records its first gets only). */
export const MAX_TIMELINE_ENTRIES = 2_000;

/** Collects the entries of one load (or of one doctor run). */
export class KeyVaultTimelineRecorder {
  readonly entries: KeyVaultTimelineEntry[] = [];
  /** Entries not kept because of {@link MAX_TIMELINE_ENTRIES}. */
  dropped = 0;
  private readonly origin = performance.now();
  /** Per vault host: when its challenge's 401 arrived (until the authorized request is seen). */
  private readonly challengedAt = new Map<string, number>();
  /** Per vault host: list pages seen so far. */
  private readonly pages = new Map<string, number>();
  /** Per request object: attempts seen so far (the retry policy sends the same object again). */
  private readonly attempts = new WeakMap<PipelineRequest, number>();

  /** Milliseconds since the recording began. */
  now(): number {
    return performance.now() - this.origin;
  }

  add(entry: KeyVaultTimelineEntry): void {
    if (this.entries.length >= MAX_TIMELINE_ENTRIES) {
      this.dropped++;
      return;
    }
    this.entries.push({
      ...entry,
      startMs: Math.round(entry.startMs),
      durationMs: Math.round(entry.durationMs),
    });
  }

  /** @internal Called by the policy. */
  attemptOf(request: PipelineRequest): number {
    const attempt = (this.attempts.get(request) ?? 0) + 1;
    this.attempts.set(request, attempt);
    return attempt;
  }

  /** @internal The next page number of a vault's list (a retry keeps its page number). */
  pageOf(host: string, attempt: number): number {
    const page = (this.pages.get(host) ?? 0) + (attempt === 1 ? 1 : 0);
    this.pages.set(host, page);
    return page;
  }

  /** @internal */
  challenged(host: string, at: number): void {
    this.challengedAt.set(host, at);
  }

  /** @internal Records the token step when this is the first authorized request after a challenge. */
  authorized(host: string, at: number): void {
    const since = this.challengedAt.get(host);
    if (since === undefined) return;
    this.challengedAt.delete(host);
    this.add({ step: 'token', vault: host, startMs: since, durationMs: at - since });
  }
}

/** The recorder of the load in progress (several loads of one process each have their own). */
const currentRecorder = new AsyncLocalStorage<KeyVaultTimelineRecorder>();

/** Runs `fn` with `recorder` receiving the timeline of every Key Vault request it makes. */
export function recordTimeline<T>(recorder: KeyVaultTimelineRecorder, fn: () => Promise<T>): Promise<T> {
  return currentRecorder.run(recorder, fn);
}

/** `/secrets` → list; `/secrets/<name>[/<version>]` → get; anything else is not recorded. */
function classify(pathname: string): { step: 'list' } | { step: 'get'; secretName: string } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  if (parts[0] !== 'secrets') return undefined;
  if (parts.length === 1) return { step: 'list' };
  if (parts.length <= 3) return { step: 'get', secretName: decodeURIComponent(parts[1]!) };
  return undefined;
}

/** Number of items of a list page (names and attributes only — a list never carries values). */
function itemsOf(response: PipelineResponse): number | undefined {
  if (response.status !== 200 || !response.bodyAsText) return undefined;
  try {
    const value = (JSON.parse(response.bodyAsText) as { value?: unknown }).value;
    return Array.isArray(value) ? value.length : undefined;
  } catch {
    return undefined;
  }
}

function errorCodeOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === 'string' && e.code !== '') return e.code;
  return typeof e?.name === 'string' ? e.name : 'Error';
}

/**
 * The recording policy (position `perRetry`). Records into `recorder`, or into the recorder of the
 * load in progress (see {@link recordTimeline}); does nothing when there is neither.
 */
export function timelinePolicy(recorder?: KeyVaultTimelineRecorder): PipelinePolicy {
  return {
    // A pipeline refuses two policies of one name: a caller's own recorder (the doctor's) gets its own.
    name: recorder ? 'keyVaultConfigTimelinePolicy (own recorder)' : 'keyVaultConfigTimelinePolicy',
    async sendRequest(request, next) {
      const sink = recorder ?? currentRecorder.getStore();
      const url = new URL(request.url);
      const kind = sink ? classify(url.pathname) : undefined;
      if (!sink || !kind) return next(request);
      const host = url.host;
      const authorized = request.headers.has('authorization');
      const startMs = sink.now();
      if (authorized) sink.authorized(host, startMs);
      let response: PipelineResponse | undefined;
      let failure: { error: unknown } | undefined;
      try {
        response = await next(request);
      } catch (error) {
        failure = { error };
      }
      const durationMs = sink.now() - startMs;
      if (response && !authorized && response.status === 401) {
        sink.add({ step: 'challenge', vault: host, startMs, durationMs, status: 401 });
        sink.challenged(host, sink.now());
        return response;
      }
      const attempt = sink.attemptOf(request);
      const items = response && kind.step === 'list' ? itemsOf(response) : undefined;
      sink.add({
        vault: host,
        startMs,
        durationMs,
        ...(kind.step === 'get'
          ? { step: 'get', secretName: kind.secretName }
          : { step: 'list', page: sink.pageOf(host, attempt) }),
        ...(response ? { status: response.status } : { error: errorCodeOf(failure?.error) }),
        ...(items === undefined ? {} : { items }),
        ...(attempt > 1 ? { attempt } : {}),
      });
      if (failure) throw failure.error;
      return response!;
    },
  };
}

/**
 * "The process exits on its own", checked inside a Vitest worker: Node keeps a process alive only while
 * it has ref'd resources (sockets, timers, …; `process.getActiveResourcesInfo()` lists them). A case
 * takes the worker's resources before it starts the library and, once the load settled or the watcher
 * stopped, waits until every kind is back to at most its count then: whatever the library left behind
 * (a hung socket, a retry timer, an interval) keeps a count above it. The emulator's servers run in the
 * same worker: the sockets they accept are unref'd here (a public diagnostics channel), as if the
 * emulator were another process — else an idle keep-alive connection, which the client's agent unrefs
 * and which never holds a real app, would count on the server's side.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

subscribe('net.server.socket', (message) => void (message as { socket: Socket }).socket.unref());

/** Counts of each kind of active resource. */
export type Resources = Map<string, number>;

/** The worker's active resources now, by kind. */
export function activeResources(): Resources {
  const counts: Resources = new Map();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** The kinds above their baseline count (empty: back to the baseline). */
function above(baseline: Resources): string[] {
  return [...activeResources()]
    .filter(([kind, count]) => count > (baseline.get(kind) ?? 0))
    .map(([kind, count]) => `${kind} ×${count - (baseline.get(kind) ?? 0)}`);
}

/**
 * Milliseconds until the worker's resources are back to `baseline`, polled every 10 ms up to `boundMs`.
 * @returns the time, or `left` naming what is still held when the bound passed
 */
export async function backToBaseline(
  baseline: Resources,
  boundMs: number,
): Promise<{ ms: number; left: string[] }> {
  const started = performance.now();
  for (;;) {
    const left = above(baseline);
    const ms = Math.round(performance.now() - started);
    if (left.length === 0 || ms > boundMs) return { ms, left };
    await new Promise((done) => setTimeout(done, 10));
  }
}

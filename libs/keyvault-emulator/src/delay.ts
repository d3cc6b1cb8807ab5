import { setMaxListeners } from 'node:events';

/**
 * Resolves after `ms` milliseconds (0 → next tick); `signal` aborts early. The abort listener is removed
 * when the timer fires: the signal is the server's, shared by every request until it closes.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts the delays of a server's requests when it closes. Every request in flight
 * listens on it, so it has no listener limit (Node warns past 10 otherwise).
 */
export function closingSignal(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * Timing and bounding of the doctor's steps: every step reports its milliseconds, and none may take
 * longer than `--timeout` (a hanging identity endpoint or vault becomes a failed step, not a hung CLI).
 */

/** The step did not finish within the doctor's timeout. */
export class StepTimeoutError extends Error {
  override readonly name = 'StepTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`did not answer within ${timeoutMs} ms`);
  }
}

/** Milliseconds since `start` (a `performance.now()` value), rounded. */
export function since(start: number): number {
  return Math.round(performance.now() - start);
}

/**
 * Runs `fn` with an abort signal that fires after `timeoutMs`, and rejects with
 * {@link StepTimeoutError} then even if `fn` ignores the signal.
 */
export async function bounded<T>(timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StepTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    const work = fn(controller.signal);
    work.catch(() => undefined); // the deadline may win; never an unhandled rejection
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a step and returns its result (or error) with its duration. */
export async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number } & ({ ok: true; value: T } | { ok: false; error: unknown })> {
  const start = performance.now();
  try {
    const value = await fn();
    return { ms: since(start), ok: true, value };
  } catch (error) {
    return { ms: since(start), ok: false, error };
  }
}

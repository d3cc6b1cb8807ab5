/**
 * Concurrency of one load: the bounded pool every fetch of a load (all vaults and references) runs
 * through, and the fail-fast task group whose first failure aborts the rest.
 */
import { abortError } from './abort.js';

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

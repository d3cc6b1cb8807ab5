import { describe, expect, it } from 'vitest';
import { DeferredPromise } from './deferred-module.util.js';

describe('DeferredPromise', () => {
  it('is a Promise (Nest awaits imports only then) that starts its work when awaited, once', async () => {
    let starts = 0;
    const deferred = new DeferredPromise(async () => ++starts);
    expect(deferred).toBeInstanceOf(Promise);
    await Promise.resolve();
    expect(starts).toBe(0);
    expect(await deferred).toBe(1);
    expect(await deferred.then((n) => n * 10)).toBe(10);
    expect(starts).toBe(1);
  });

  it('never rejects unobserved: a failing start runs only for an awaiter, who gets the error', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let started = false;
      const failing = new DeferredPromise<never>(() => {
        started = true;
        throw new Error('boom');
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(started).toBe(false);
      await expect(failing).rejects.toThrow('boom');
      await expect(failing.catch((e: Error) => e.message)).resolves.toBe('boom');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

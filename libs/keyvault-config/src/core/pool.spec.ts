import { describe, expect, it } from 'vitest';
import { abortError } from './abort.js';
import { createPool, TaskGroup } from './pool.js';

describe('createPool', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const pool = createPool(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pool.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 1));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(pool.active).toBe(0);
  });

  it('does not start queued tasks once aborted, and survives throwing tasks', async () => {
    const controller = new AbortController();
    const pool = createPool(1, controller.signal);
    let started = 0;
    const first = pool.run(async () => {
      started++;
      controller.abort();
      throw new Error('boom');
    });
    const second = pool.run(async () => {
      started++;
    });
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(started).toBe(1);
    const sync = createPool(1).run(() => {
      throw new Error('sync');
    });
    await expect(sync).rejects.toThrow('sync');
  });
});

describe('TaskGroup', () => {
  it('reports the first failure, aborts, and ignores the aborts it caused', async () => {
    const controller = new AbortController();
    const group = new TaskGroup(controller);
    group.add(
      new Promise((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(abortError()));
      }),
    );
    group.add(Promise.reject(new Error('first')));
    await expect(group.settle()).rejects.toThrow('first');
    expect(controller.signal.aborted).toBe(true);
    expect(group.hasFailed).toBe(true);
  });

  it('waits for tasks added by tasks', async () => {
    const group = new TaskGroup(new AbortController());
    const order: string[] = [];
    group.add(
      (async () => {
        await Promise.resolve();
        group.add(
          (async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            order.push('inner');
          })(),
        );
        order.push('outer');
      })(),
    );
    await group.settle();
    expect(order).toEqual(['outer', 'inner']);
  });
});

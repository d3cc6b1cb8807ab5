import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { closingSignal } from '../delay.js';
import { listen } from './listen.js';

describe('listen', () => {
  it('names the server in the error of a port in use, and passes other servers the error as Node gives it', async () => {
    const first = await listen(createServer(), { port: 0, host: '127.0.0.1' }, closingSignal());
    try {
      const taken = { port: first.port, host: '127.0.0.1' };
      await expect(listen(createServer(), { ...taken, name: 'Identity' }, closingSignal())).rejects.toThrow(
        `Identity port ${first.port} on 127.0.0.1 is already in use`,
      );
      await expect(listen(createServer(), taken, closingSignal())).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('runs onBound with the port before resolving; close aborts the signal and ends a hanging request', async () => {
    const closing = closingSignal();
    let bound: number | undefined;
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const server = await listen(
      createServer(() => arrived()), // never answers
      { port: 0, host: '127.0.0.1' },
      closing,
      (port) => (bound = port),
    );
    expect(bound).toBe(server.port);
    const ended = new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port: server.port, path: '/' })
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        .end();
    });
    await received;
    await server.close();
    expect(closing.signal.aborted).toBe(true);
    expect(await ended).toBe('ECONNRESET');
  });
});

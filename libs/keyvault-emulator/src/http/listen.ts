import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A bound server: its port, and a close that ends every connection (hanging requests included). */
export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/** Where and under which name {@link listen} binds. */
export interface ListenOptions {
  port: number;
  host: string;
  /** Names the server in the error of a port already in use (`Identity port 8080 on …`); absent: the error as Node gives it. */
  name?: string;
}

/**
 * Binds `server` (node:http or node:https) and resolves with its port once bound; `onBound` runs before
 * the promise settles, in the listen callback, so nothing is served before it. `close()` aborts
 * `closing` (the delays of requests in flight), stops listening and destroys every connection.
 */
export function listen(
  server: HttpServer | HttpsServer,
  options: ListenOptions,
  closing: AbortController,
  onBound?: (port: number) => void,
): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        options.name !== undefined && error.code === 'EADDRINUSE'
          ? new Error(`${options.name} port ${options.port} on ${options.host} is already in use`, {
              cause: error,
            })
          : error,
      );
    });
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      onBound?.(port);
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            closing.abort();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

import type { IncomingMessage } from 'node:http';

/** How a server reports an oversized or unreadable body (each in its own error shape). */
export interface JsonBodyLimits {
  /** Largest body read, in bytes; more is drained and rejected. */
  maxBytes: number;
  tooLarge(): Error;
  /** No parser detail on purpose: it could quote part of the body, i.e. of a secret value. */
  notJson(): Error;
}

/**
 * Reads a request body as JSON: undefined when empty (or only whitespace). Rejects with the server's
 * own errors for an oversized or malformed body, and with the stream's error when the client goes away.
 */
export function readJsonBody(req: IncomingMessage, limits: JsonBodyLimits): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limits.maxBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limits.maxBytes) return reject(limits.tooLarge());
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(limits.notJson());
      }
    });
  });
}

/** Reads and discards a request body; resolves when it ended or the connection went away. */
export function drainBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

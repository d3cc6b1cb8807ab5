import type { ServerResponse } from 'node:http';
import { JSON_CONTENT_TYPE } from '../constants.js';

/**
 * Writes one JSON answer (every server of the emulator answers through here): `body` undefined gives
 * an empty body with `content-length: 0`. Does nothing once an answer was started or the connection is
 * gone, so a late error path can never write a second answer.
 */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status, { ...headers, 'content-length': '0' });
    res.end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    ...headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': String(payload.length),
  });
  res.end(payload);
}

import { STATUS_CODES, type ServerResponse } from 'node:http';
import { JSON_CONTENT_TYPE } from '../constants.js';

/** How {@link writeJson} may mangle an answer (a fault). */
export interface WriteOptions {
  /** Cut the serialized body to this many bytes ('half': half of it). */
  truncateAt?: number | 'half';
}

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
  options: WriteOptions = {},
): void {
  if (res.headersSent || res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status, { ...headers, 'content-length': '0' });
    res.end();
    return;
  }
  let payload = Buffer.from(JSON.stringify(body), 'utf8');
  if (options.truncateAt !== undefined) {
    // Re-framed: the length header matches the cut body, so the client reads a complete, malformed answer.
    const at = options.truncateAt === 'half' ? Math.floor(payload.length / 2) : options.truncateAt;
    payload = payload.subarray(0, Math.min(at, payload.length));
  }
  res.writeHead(status, {
    ...headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': String(payload.length),
  });
  res.end(payload);
}

/** What a proxy or gateway answers in front of the service: a small HTML error page. */
function htmlPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Writes a hostile answer: an HTML error page, or no body at all, with the given status. */
export function writeHostile(res: ServerResponse, status: number, body: 'html' | 'empty'): void {
  if (res.headersSent || res.destroyed) return;
  if (body === 'empty') {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  const payload = Buffer.from(htmlPage(status), 'utf8');
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': String(payload.length) });
  res.end(payload);
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { EMULATOR_REGION, SERVICE_VERSION_HEADER_VALUE } from '../constants.js';
import type { RequestLogEntry } from '../emulator.interfaces.js';
import { writeJson, type WriteOptions } from '../http/json-response.js';
import { parseQuery } from './api-version.js';
import type { KeyVaultError } from './vault.errors.js';
import { resolveRoute, type ResolvedRoute } from './vault.router.js';

/** The headers Key Vault puts on every answer (the SDKs log some; none carries a value). */
function commonHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'x-ms-keyvault-region': EMULATOR_REGION,
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-service-version': SERVICE_VERSION_HEADER_VALUE,
    'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=${req.socket.remoteAddress ?? '127.0.0.1'};act_addr_fam=InterNetwork;`,
    'strict-transport-security': 'max-age=31536000;includeSubDomains',
    'x-content-type-options': 'nosniff',
  };
  const clientRequestId = req.headers['x-ms-client-request-id'];
  if (typeof clientRequestId === 'string' && clientRequestId.length <= 200) {
    headers['x-ms-client-request-id'] = clientRequestId;
  }
  return headers;
}

/**
 * One vault request being served: what it asks for, and its single entry in the request log. The entry
 * is recorded as the answer is written (so a client that reads the answer sees it in the log), or with
 * status 0 when the connection closes without one (reset, hang, client gone).
 */
export class VaultExchange {
  readonly method: string;
  readonly path: string;
  readonly query: Map<string, string>;
  readonly route: ResolvedRoute;
  /** Caller's client id once a valid token was presented. */
  clientId?: string;
  /** Fault applied, for the log. */
  fault?: RequestLogEntry['fault'];
  private readonly started = performance.now();
  private recorded = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly vault: string,
    private readonly log: { record(entry: RequestLogEntry): void },
  ) {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    this.path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    this.query = parseQuery(q === -1 ? '' : rawUrl.slice(q + 1));
    this.method = (req.method ?? 'GET').toUpperCase();
    this.route = resolveRoute(this.method, this.path);
    res.on('close', () => this.record(res.headersSent ? res.statusCode : 0));
  }

  record(status: number): void {
    if (this.recorded) return;
    this.recorded = true;
    this.log.record({
      time: new Date().toISOString(),
      vault: this.vault,
      route: this.route.route,
      method: this.method,
      path: this.path,
      status,
      ...(this.clientId !== undefined ? { clientId: this.clientId } : {}),
      ...(this.fault !== undefined ? { fault: this.fault } : {}),
      durationMs: Math.round((performance.now() - this.started) * 100) / 100,
    });
  }

  /** Answers Key Vault's error JSON (and its headers: WWW-Authenticate, Retry-After). */
  sendError(error: KeyVaultError): void {
    this.sendJson(error.status, error.toBody(), error.headers);
  }

  /** Answers JSON with Key Vault's common headers; records the request first. */
  sendJson(
    status: number,
    body: unknown,
    extraHeaders: Record<string, string> = {},
    options: WriteOptions = {},
  ): void {
    if (this.res.headersSent || this.res.destroyed) return;
    this.record(status);
    writeJson(this.res, status, body, { ...commonHeaders(this.req), ...extraHeaders }, options);
  }
}

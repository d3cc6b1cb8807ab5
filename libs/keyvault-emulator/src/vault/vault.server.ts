import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  CHALLENGE_AUTHORITY_HOST,
  EMULATOR_REGION,
  JSON_CONTENT_TYPE,
  KEY_VAULT_AUDIENCE,
  SERVICE_VERSION_HEADER_VALUE,
} from '../constants.js';
import type { RequestCounters } from '../counters.js';
import type { VaultRole } from '../emulator.interfaces.js';
import { closingSignal, delay, type EmulatorFaultInjector } from '../faults.js';
import { parseQuery, requireApiVersion } from './api-version.js';
import type { SecretStore } from './store.js';
import { executeOperation } from './vault.handlers.js';
import { resolveRoute, type RoutePermission } from './vault.router.js';
import {
  challengeHeader,
  faultError,
  forbidden,
  KeyVaultError,
  MISSING_TOKEN_MESSAGE,
  throttled,
  unauthorized,
  unauthorizedMessage,
  VaultErrors,
} from './vault.errors.js';

/** Largest request body read (a 25 KB value plus JSON overhead fits many times over). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Minimal logger the emulator writes operational problems to (never values or tokens). */
export interface EmulatorLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Token checks and authorization, provided by the identity half. */
export interface VaultSecurity {
  readonly tenantId: string;
  verify(
    token: string,
    audience: string,
  ): { ok: true; clientId: string; objectId: string } | { ok: false; reason: string };
  roleOf(clientId: string): VaultRole;
  isAllowed(role: VaultRole, permission: RoutePermission): boolean;
  /** RBAC data action of a permission (named in 403 messages). */
  actionOf(permission: RoutePermission): string;
}

/** Options of one vault's HTTPS server. */
export interface VaultServerOptions {
  name: string;
  host: string;
  port: number;
  tls: { cert: string; key: string };
  store: SecretStore;
  security: VaultSecurity;
  faults: EmulatorFaultInjector;
  counters: RequestCounters;
  logger?: EmulatorLogger;
}

/** URL host part for a bind address: wildcard binds are reached through 127.0.0.1, IPv6 is bracketed. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Where a response keeps its request-log callback. */
const RECORD = Symbol('record');
type RecordingResponse = ServerResponse & { [RECORD]?: (status: number) => void };

const HOST_HEADER_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * One emulated vault: an HTTPS server on its own port answering Key Vault's secrets data plane.
 * Per request: fault injection → body → authentication (401 challenge) → throttle → api-version →
 * route → authorization (403) → operation. Every request is counted and logged once.
 */
export class VaultServer {
  readonly name: string;
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private readonly closing = closingSignal();
  private actualPort = 0;

  private constructor(private readonly options: VaultServerOptions) {
    this.name = options.name;
  }

  /** Starts listening; resolves once the port is bound. */
  static async start(options: VaultServerOptions): Promise<VaultServer> {
    const vault = new VaultServer(options);
    await vault.listen();
    return vault;
  }

  get port(): number {
    return this.actualPort;
  }

  /** https://127.0.0.1:<port> (or the configured host). */
  get url(): string {
    return `https://${urlHost(this.options.host)}:${this.actualPort}`;
  }

  get store(): SecretStore {
    return this.options.store;
  }

  private listen(): Promise<void> {
    this.server = createServer({ cert: this.options.tls.cert, key: this.options.tls.key }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.logger?.error(
          `Vault ${this.name}: unexpected failure: ${(error as Error)?.message ?? error}`,
        );
        if (!res.headersSent && !res.destroyed) {
          this.send(
            req,
            res,
            new KeyVaultError(500, 'InternalServerError', 'The server encountered an internal error.'),
          );
        } else res.destroy();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // TLS handshake failures (a client not trusting the CA) are the client's to report.
    this.server.on('tlsClientError', () => undefined);
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`Vault port ${this.options.port} on ${this.options.host} is already in use`, {
                cause: error,
              })
            : error,
        );
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        this.actualPort = typeof address === 'object' && address ? address.port : this.options.port;
        resolve();
      });
    });
  }

  /** Stops listening and destroys every connection (including hanging requests). */
  close(): Promise<void> {
    this.closing.abort();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { counters, faults, security } = this.options;
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = parseQuery(q === -1 ? '' : rawUrl.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();
    const route = resolveRoute(method, path);

    let clientId: string | undefined;
    let fault: 'latency' | 'status' | 'reset' | 'hang' | 'throttle' | undefined;
    let recorded = false;
    const record = (status: number): void => {
      if (recorded) return;
      recorded = true;
      counters.record({
        time: new Date().toISOString(),
        vault: this.name,
        route: route.route,
        method,
        path,
        status,
        ...(clientId !== undefined ? { clientId } : {}),
        ...(fault !== undefined ? { fault } : {}),
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    };
    // Recorded as the answer is written (so a client that reads the answer sees it in the log), or with
    // status 0 when the connection closes without one (reset, hang, client gone).
    (res as RecordingResponse)[RECORD] = record;
    res.on('close', () => record(res.headersSent ? res.statusCode : 0));

    const decision = faults.match(route.route, this.name);
    if (decision) {
      fault = decision.kind;
      await delay(decision.latencyMs, this.closing.signal);
      if (this.closing.signal.aborted) return void req.socket.destroy();
      if (decision.action === 'reset') {
        req.socket.destroy();
        return;
      }
      if (decision.action === 'hang') {
        record(0); // the socket only closes when the emulator does
        req.resume();
        return;
      }
      if (decision.action === 'status') {
        await this.drain(req);
        return this.send(req, res, faultError(decision.status ?? 500, decision.retryAfterSeconds));
      }
    }

    let body: unknown;
    try {
      body = await this.readBody(req);
    } catch (error) {
      if (error instanceof KeyVaultError) return this.send(req, res, error);
      throw error;
    }

    const challenge = challengeHeader(security.tenantId, CHALLENGE_AUTHORITY_HOST, KEY_VAULT_AUDIENCE);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!bearer) return this.send(req, res, unauthorized(MISSING_TOKEN_MESSAGE, challenge));
    const verified = security.verify(bearer[1], KEY_VAULT_AUDIENCE);
    if (!verified.ok) {
      return this.send(
        req,
        res,
        unauthorized(unauthorizedMessage(verified.reason, KEY_VAULT_AUDIENCE), challenge),
      );
    }
    clientId = verified.clientId;

    const limited = faults.takeThrottle(this.name);
    if (limited) {
      fault = 'throttle';
      return this.send(req, res, throttled(limited.retryAfterSeconds));
    }

    try {
      const apiVersion = requireApiVersion(query);
      if (route.route === 'vault.unknown' || !route.permission) {
        throw route.methodNotAllowed
          ? VaultErrors.methodNotAllowed(method)
          : VaultErrors.notFoundRoute(method, path);
      }
      const role = security.roleOf(verified.clientId);
      if (!security.isAllowed(role, route.permission)) {
        throw forbidden({
          clientId: verified.clientId,
          objectId: verified.objectId,
          tenantId: security.tenantId,
          vaultName: this.name,
          permission: route.permission,
          action: security.actionOf(route.permission),
          secretName: route.name,
        });
      }
      const result = executeOperation(this.options.store, route, {
        baseUrl: this.baseUrl(req),
        apiVersion,
        query,
        body,
      });
      this.sendJson(req, res, result.status, result.body);
    } catch (error) {
      if (error instanceof KeyVaultError) return this.send(req, res, error);
      throw error;
    }
  }

  /** Ids and nextLinks use the host the client addressed (so they parse back to its vault URL). */
  private baseUrl(req: IncomingMessage): string {
    const host = req.headers.host;
    return host && HOST_HEADER_PATTERN.test(host) ? `https://${host}` : this.url;
  }

  private drain(req: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      if (req.readableEnded) return resolve();
      req.on('end', resolve);
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.resume();
    });
  }

  private readBody(req: IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on('error', reject);
      req.on('end', () => {
        if (tooLarge) {
          return reject(new KeyVaultError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        }
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') return resolve(undefined);
        try {
          resolve(JSON.parse(text));
        } catch {
          // No parser detail: it could quote part of the body, i.e. of a secret value.
          reject(VaultErrors.invalidBody('The request body is not valid JSON.'));
        }
      });
    });
  }

  private commonHeaders(req: IncomingMessage): Record<string, string> {
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

  private send(req: IncomingMessage, res: ServerResponse, error: KeyVaultError): void {
    this.sendJson(req, res, error.status, error.toBody(), error.headers);
  }

  private sendJson(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    extraHeaders: Record<string, string> = {},
  ): void {
    if (res.headersSent || res.destroyed) return;
    (res as RecordingResponse)[RECORD]?.(status);
    const headers = { ...this.commonHeaders(req), ...extraHeaders };
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
}

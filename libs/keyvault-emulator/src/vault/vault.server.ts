import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { CHALLENGE_AUTHORITY_HOST, KEY_VAULT_AUDIENCE } from '../constants.js';
import type { RequestCounters } from '../counters.js';
import { closingSignal } from '../delay.js';
import type { VaultRole } from '../emulator.interfaces.js';
import { applyFault } from '../fault-apply.js';
import type { EmulatorFaultInjector, FaultDecision } from '../faults.js';
import { readJsonBody } from '../http/json-body.js';
import { requireApiVersion } from './api-version.js';
import type { SecretStore } from './store.js';
import { VaultExchange } from './vault.exchange.js';
import { executeOperation } from './vault.handlers.js';
import type { RoutePermission } from './vault.router.js';
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

const VAULT_BODY_LIMITS = {
  maxBytes: MAX_BODY_BYTES,
  tooLarge: () => new KeyVaultError(413, 'RequestEntityTooLarge', 'The request body is too large.'),
  // No parser detail: it could quote part of the body, i.e. of a secret value.
  notJson: () => VaultErrors.invalidBody('The request body is not valid JSON.'),
};

/** Minimal logger the emulator writes operational problems to (never values or tokens). */
export interface EmulatorLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** A caller whose token the vault accepted. */
export interface VerifiedCaller {
  clientId: string;
  objectId: string;
}

/** Token checks and authorization, provided by the identity half. */
export interface VaultSecurity {
  readonly tenantId: string;
  verify(token: string, audience: string): ({ ok: true } & VerifiedCaller) | { ok: false; reason: string };
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
      const exchange = new VaultExchange(req, res, this.name, this.options.counters);
      this.handle(exchange).catch((error: unknown) => {
        this.options.logger?.error(
          `Vault ${this.name}: unexpected failure: ${(error as Error)?.message ?? error}`,
        );
        if (!res.headersSent && !res.destroyed) {
          exchange.sendError(
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

  private async handle(exchange: VaultExchange): Promise<void> {
    const { faults } = this.options;
    const { req } = exchange;
    const decision = faults.match(exchange.route.route, this.name);
    if (decision && (await this.applyFault(exchange, decision))) return;

    let body: unknown;
    try {
      body = await readJsonBody(req, VAULT_BODY_LIMITS);
    } catch (error) {
      if (error instanceof KeyVaultError) return exchange.sendError(error);
      throw error;
    }
    const caller = this.authenticate(exchange);
    if (!caller) return;
    exchange.clientId = caller.clientId;

    const limited = faults.takeThrottle(this.name);
    if (limited) {
      exchange.fault = 'throttle';
      return exchange.sendError(throttled(limited.retryAfterSeconds));
    }
    try {
      this.execute(exchange, caller, body);
    } catch (error) {
      if (error instanceof KeyVaultError) return exchange.sendError(error);
      throw error;
    }
  }

  private applyFault(exchange: VaultExchange, decision: FaultDecision): Promise<boolean> {
    exchange.fault = decision.kind;
    return applyFault(decision, {
      req: exchange.req,
      res: exchange.res,
      signal: this.closing.signal,
      record: (status) => exchange.record(status),
      answerStatus: (status, retryAfterSeconds) => exchange.sendError(faultError(status, retryAfterSeconds)),
    });
  }

  /** Checks the bearer token; answers the 401 challenge and resolves undefined when it is not valid. */
  private authenticate(exchange: VaultExchange): VerifiedCaller | undefined {
    const { security } = this.options;
    const challenge = challengeHeader(security.tenantId, CHALLENGE_AUTHORITY_HOST, KEY_VAULT_AUDIENCE);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(exchange.req.headers.authorization ?? '');
    if (!bearer) {
      exchange.sendError(unauthorized(MISSING_TOKEN_MESSAGE, challenge));
      return undefined;
    }
    const verified = security.verify(bearer[1], KEY_VAULT_AUDIENCE);
    if (!verified.ok) {
      exchange.sendError(unauthorized(unauthorizedMessage(verified.reason, KEY_VAULT_AUDIENCE), challenge));
      return undefined;
    }
    return verified;
  }

  /** api-version → route → authorization (403) → operation. Throws KeyVaultErrors. */
  private execute(exchange: VaultExchange, caller: VerifiedCaller, body: unknown): void {
    const { security } = this.options;
    const { route, method } = exchange;
    const apiVersion = requireApiVersion(exchange.query);
    if (route.route === 'vault.unknown' || !route.permission) {
      throw route.methodNotAllowed
        ? VaultErrors.methodNotAllowed(method)
        : VaultErrors.notFoundRoute(method, exchange.path);
    }
    if (!security.isAllowed(security.roleOf(caller.clientId), route.permission)) {
      throw forbidden({
        clientId: caller.clientId,
        objectId: caller.objectId,
        tenantId: security.tenantId,
        vaultName: this.name,
        permission: route.permission,
        action: security.actionOf(route.permission),
        secretName: route.name,
      });
    }
    const baseUrl = this.baseUrl(exchange.req);
    const result = executeOperation(this.options.store, route, {
      baseUrl,
      apiVersion,
      query: exchange.query,
      body,
    });
    const replaced = this.options.faults.matchAnswer(route.route, this.name);
    if (!replaced) return exchange.sendJson(result.status, result.body);
    exchange.fault = replaced.body;
    if (replaced.body === 'emptyPage') {
      // Points at the very position just asked for: a client that follows it gets the real page next.
      return exchange.sendJson(200, {
        value: [],
        nextLink: `${baseUrl}${exchange.req.url ?? exchange.path}`,
      });
    }
    exchange.sendJson(result.status, result.body, {}, { truncateAt: replaced.truncateAt ?? 'half' });
  }

  /** Ids and nextLinks use the host the client addressed (so they parse back to its vault URL). */
  private baseUrl(req: IncomingMessage): string {
    const host = req.headers.host;
    return host && HOST_HEADER_PATTERN.test(host) ? `https://${host}` : this.url;
  }
}

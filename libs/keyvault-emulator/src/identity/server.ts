import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorRoute, RequestLogEntry } from '../emulator.interfaces.js';
import { closingSignal, delay, type FaultDecision } from '../faults.js';
import { appServiceFailure, handleAppServiceToken } from './app-service.js';
import type { IdentityRegistry } from './identities.js';
import { APP_SERVICE_TOKEN_PATH, IMDS_TOKEN_PATH } from './identity.constants.js';
import type { IdentityRequest, IdentityResponse } from './identity-response.js';
import { handleImdsToken, imdsError, imdsFailure, imdsMissingMetadata } from './imds.js';
import type { TokenAuthority } from './tokens.js';

/** The parts of the fault injector the identity server uses (see faults.ts for the contract). */
export interface IdentityFaults {
  /** Consumed once per token request: a pending `failIdentity` answers 500 or never answers. */
  takeIdentityFailure(): 500 | 'hang' | undefined;
  /** Scripted faults naming an identity.* route (latency, status, reset, hang). */
  match?(route: EmulatorRoute): FaultDecision | undefined;
}

/** Options of {@link startIdentityServer}. */
export interface IdentityServerOptions {
  /** Interface to bind (127.0.0.1 unless asked otherwise). */
  host: string;
  /** 0 = a free port. */
  port: number;
  /** The per-start secret App Service callers send in X-IDENTITY-HEADER (IDENTITY_HEADER). */
  header: string;
  authority: TokenAuthority;
  registry: IdentityRegistry;
  faults: IdentityFaults;
  counters: { record(entry: RequestLogEntry): void };
  /** Handler of the admin API (/_emulator/*), asked first; true when it answered the request. */
  admin?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

/** A running identity server. */
export interface IdentityServer {
  port: number;
  /** Stops listening and drops every connection, hanging ones included. */
  close(): Promise<void>;
}

/**
 * Which identity route a request is for. The SDKs' IMDS availability probe is a GET of the token path
 * with neither query nor Metadata header; everything else on that path is an IMDS token request.
 */
function routeOf(path: string, search: string, req: IncomingMessage): EmulatorRoute | undefined {
  if (path === APP_SERVICE_TOKEN_PATH) return 'identity.appservice';
  if (path === IMDS_TOKEN_PATH) {
    return search === '' && req.headers.metadata === undefined ? 'identity.probe' : 'identity.imds';
  }
  return undefined;
}

function failureFor(route: EmulatorRoute, status: number): IdentityResponse {
  return route === 'identity.appservice' ? appServiceFailure(status) : imdsFailure(status);
}

function send(res: ServerResponse, response: IdentityResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...response.headers,
  });
  res.end(body);
}

/**
 * Starts the managed-identity endpoints on plain HTTP: App Service (`/msi/token`, for IDENTITY_ENDPOINT
 * + IDENTITY_HEADER) and IMDS (`/metadata/identity/oauth2/token`, for AZURE_POD_IDENTITY_AUTHORITY_HOST),
 * plus whatever the admin handler serves. Every identity request is recorded in the counters (route,
 * status, client id — never a token).
 */
export function startIdentityServer(options: IdentityServerOptions): Promise<IdentityServer> {
  const { authority, registry, faults, counters, admin } = options;
  const context = { authority, registry };
  const closing = closingSignal();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = Date.now();
    if (admin && (await admin(req, res))) return;
    const url = new URL(req.url ?? '/', 'http://identity.invalid');
    // MSAL normalizes the IMDS URL to end in a slash (…/oauth2/token/), and a trailing slash in
    // AZURE_POD_IDENTITY_AUTHORITY_HOST doubles the one before the path: IMDS accepts both.
    const path = url.pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
    const route = routeOf(path, url.search, req);
    if (route === undefined) {
      send(res, imdsError(404, 'not_found', `No identity endpoint at ${path}`));
      return;
    }
    const method = req.method ?? 'GET';
    const record = (status: number, extra: Pick<RequestLogEntry, 'clientId' | 'fault'> = {}): void => {
      const entry: RequestLogEntry = {
        time: new Date(startedAt).toISOString(),
        route,
        method,
        path,
        status,
        durationMs: Date.now() - startedAt,
      };
      if (extra.clientId !== undefined) entry.clientId = extra.clientId;
      if (extra.fault !== undefined) entry.fault = extra.fault;
      counters.record(entry);
    };

    if (route !== 'identity.probe') {
      const failure = faults.takeIdentityFailure();
      if (failure === 'hang') {
        // Never answered; the connection is dropped when the client gives up or the emulator closes.
        record(0, { fault: 'hang' });
        return;
      }
      if (failure !== undefined) {
        send(res, failureFor(route, failure));
        record(failure, { fault: 'status' });
        return;
      }
    }

    const decision = faults.match?.(route);
    if (decision) {
      await delay(decision.latencyMs, closing.signal);
      if (closing.signal.aborted) return;
      if (decision.action === 'hang') {
        record(0, { fault: 'hang' });
        return;
      }
      if (decision.action === 'reset') {
        req.socket.destroy();
        record(0, { fault: 'reset' });
        return;
      }
      if (decision.action === 'status') {
        const status = decision.status ?? 500;
        const response = failureFor(route, status);
        if (decision.retryAfterSeconds !== undefined) {
          response.headers = { ...response.headers, 'Retry-After': String(decision.retryAfterSeconds) };
        }
        send(res, response);
        record(status, { fault: 'status' });
        return;
      }
    }

    const request: IdentityRequest = { method, query: url.searchParams, headers: req.headers };
    const response =
      route === 'identity.appservice'
        ? handleAppServiceToken(request, context, options.header)
        : route === 'identity.imds'
          ? handleImdsToken(request, context)
          : imdsMissingMetadata();
    send(res, response);
    record(response.status, { clientId: response.clientId, fault: decision ? 'latency' : undefined });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only the error's kind: a message could echo request input.
      const kind = error instanceof Error ? error.name : 'error';
      send(res, imdsError(500, 'server_error', `The identity endpoint failed (${kind}).`));
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Identity port ${options.port} on ${options.host} is already in use`, { cause: error })
          : error,
      );
    });
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
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

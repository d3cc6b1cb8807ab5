import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closingSignal } from '../delay.js';
import type { RequestLogEntry } from '../emulator.interfaces.js';
import { applyFault, identityFailureDecision } from '../fault-apply.js';
import { isTokenFaultBody } from '../fault-spec.js';
import type { AnswerFault, FaultDecision } from '../faults.js';
import { writeJson } from '../http/json-response.js';
import { listen } from '../http/listen.js';
import type { EmulatorRoute } from '../routes.js';
import { appServiceFailure, handleAppServiceToken } from './app-service.js';
import type { IdentityRegistry } from './identities.js';
import { APP_SERVICE_TOKEN_PATH, IMDS_TOKEN_PATH } from './identity.constants.js';
import type { IdentityRequest, IdentityResponse } from './identity-response.js';
import { mangleTokenAnswer } from './token-answer-fault.js';
import { handleImdsToken, imdsError, imdsFailure, imdsMissingMetadata } from './imds.js';
import { handleLegacyMsiToken, isLegacyMsiRequest } from './legacy-msi.js';
import type { TokenAuthority } from './tokens.js';

/** The parts of the fault injector the identity server uses (see faults.ts for the contract). */
export interface IdentityFaults {
  /** Consumed once per token request: a pending `failIdentity` answers 500 or never answers. */
  takeIdentityFailure(): 500 | 'hang' | undefined;
  /** Scripted faults naming an identity.* route (latency, status, html/empty bodies, reset, hang). */
  match?(route: EmulatorRoute): FaultDecision | undefined;
  /** A fault replacing the real answer (truncated, or a token fault), consumed once per token answer. */
  matchAnswer?(route: EmulatorRoute): AnswerFault | undefined;
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
  /** Serve the 2017-09-01 App Service protocol (MSI_ENDPOINT + MSI_SECRET) on the App Service path too. */
  legacyMsi?: boolean;
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
function routeOf(
  path: string,
  url: URL,
  req: IncomingMessage,
  legacyMsi: boolean,
): EmulatorRoute | undefined {
  const search = url.search;
  // App Service serves both protocols on one path (MSI_ENDPOINT ends in /MSI/token/, IDENTITY_ENDPOINT in
  // /msi/token): the api-version tells them apart.
  if (path.toLowerCase() === APP_SERVICE_TOKEN_PATH) {
    return legacyMsi && isLegacyMsiRequest(url.searchParams) ? 'identity.legacy' : 'identity.appservice';
  }
  if (path === IMDS_TOKEN_PATH) {
    return search === '' && req.headers.metadata === undefined ? 'identity.probe' : 'identity.imds';
  }
  return undefined;
}

function failureFor(route: EmulatorRoute, status: number): IdentityResponse {
  return route === 'identity.appservice' || route === 'identity.legacy'
    ? appServiceFailure(status)
    : imdsFailure(status);
}

function send(res: ServerResponse, response: IdentityResponse): void {
  writeJson(res, response.status, response.body, response.headers);
}

/** One identity request being served: its route, its log entry and its fault. */
class IdentityExchange {
  private readonly startedAt = Date.now();
  private fault: RequestLogEntry['fault'];
  private recorded = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly route: EmulatorRoute,
    readonly path: string,
    private readonly counters: IdentityServerOptions['counters'],
  ) {}

  record(status: number, clientId?: string): void {
    if (this.recorded) return;
    this.recorded = true;
    const entry: RequestLogEntry = {
      time: new Date(this.startedAt).toISOString(),
      route: this.route,
      method: this.req.method ?? 'GET',
      path: this.path,
      status,
      durationMs: Date.now() - this.startedAt,
    };
    if (clientId !== undefined) entry.clientId = clientId;
    if (this.fault !== undefined) entry.fault = this.fault;
    this.counters.record(entry);
  }

  /** Labels the request's log entry with a fault. */
  markFault(fault: RequestLogEntry['fault']): void {
    this.fault = fault;
  }

  /** Applies a fault decision; true when the request was dealt with. */
  applyFault(decision: FaultDecision, signal: AbortSignal): Promise<boolean> {
    this.fault = decision.kind;
    return applyFault(decision, {
      req: this.req,
      res: this.res,
      signal,
      record: (status) => this.record(status),
      answerStatus: (status, retryAfterSeconds) => {
        const response = failureFor(this.route, status);
        if (retryAfterSeconds !== undefined) {
          response.headers = { ...response.headers, 'Retry-After': String(retryAfterSeconds) };
        }
        send(this.res, response);
        this.record(status);
      },
    });
  }
}

/** Serves one request: admin API, identity failures and faults, then the token endpoint itself. */
async function serve(
  options: IdentityServerOptions,
  signal: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { faults } = options;
  if (options.admin && (await options.admin(req, res))) return;
  const url = new URL(req.url ?? '/', 'http://identity.invalid');
  // MSAL normalizes the IMDS URL to end in a slash (…/oauth2/token/), and a trailing slash in
  // AZURE_POD_IDENTITY_AUTHORITY_HOST doubles the one before the path: IMDS accepts both.
  const path = url.pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  const route = routeOf(path, url, req, options.legacyMsi === true);
  if (route === undefined) return send(res, imdsError(404, 'not_found', `No identity endpoint at ${path}`));
  const exchange = new IdentityExchange(req, res, route, path, options.counters);

  // A pending failIdentity comes first and, when there is one, scripted faults are left untouched.
  const failure = route === 'identity.probe' ? undefined : faults.takeIdentityFailure();
  const decision = failure !== undefined ? identityFailureDecision(failure) : faults.match?.(route);
  if (decision && (await exchange.applyFault(decision, signal))) return;

  const request: IdentityRequest = {
    method: req.method ?? 'GET',
    query: url.searchParams,
    headers: req.headers,
  };
  const context = { authority: options.authority, registry: options.registry };
  const response =
    route === 'identity.appservice'
      ? handleAppServiceToken(request, context, options.header)
      : route === 'identity.legacy'
        ? handleLegacyMsiToken(request, context, options.header)
        : route === 'identity.imds'
          ? handleImdsToken(request, context)
          : imdsMissingMetadata();
  const replaced = faults.matchAnswer?.(route);
  if (replaced) exchange.markFault(replaced.body);
  const body = isTokenFaultBody(replaced?.body)
    ? mangleTokenAnswer(response.status, response.body, replaced.body)
    : response.body;
  writeJson(res, response.status, body, response.headers, {
    truncateAt: replaced?.body === 'truncated' ? (replaced.truncateAt ?? 'half') : undefined,
  });
  exchange.record(response.status, response.clientId);
}

/**
 * Starts the managed-identity endpoints on plain HTTP: App Service (`/msi/token`, for IDENTITY_ENDPOINT
 * + IDENTITY_HEADER) and IMDS (`/metadata/identity/oauth2/token`, for AZURE_POD_IDENTITY_AUTHORITY_HOST),
 * plus whatever the admin handler serves. Every identity request is recorded in the counters (route,
 * status, client id — never a token).
 */
export function startIdentityServer(options: IdentityServerOptions): Promise<IdentityServer> {
  const closing = closingSignal();
  const server = createServer((req, res) => {
    serve(options, closing.signal, req, res).catch((error: unknown) => {
      // Only the error's kind: a message could echo request input.
      const kind = error instanceof Error ? error.name : 'error';
      send(res, imdsError(500, 'server_error', `The identity endpoint failed (${kind}).`));
    });
  });

  return listen(server, { port: options.port, host: options.host, name: 'Identity' }, closing);
}

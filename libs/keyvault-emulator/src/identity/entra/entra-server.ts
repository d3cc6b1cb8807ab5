import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closingSignal } from '../../delay.js';
import type { RequestLogEntry } from '../../emulator.interfaces.js';
import { applyFault, identityFailureDecision } from '../../fault-apply.js';
import { isTokenFaultBody } from '../../fault-spec.js';
import { writeJson } from '../../http/json-response.js';
import { listen } from '../../http/listen.js';
import type { IdentityFaults } from '../server.js';
import { mangleTokenAnswer } from '../token-answer-fault.js';
import { MAX_TOKEN_REQUEST_BYTES } from './entra.constants.js';
import { aadstsError, entraErrors, type EntraResponse } from './entra-errors.js';
import {
  clusterOpenIdConfiguration,
  instanceDiscovery,
  openIdConfiguration,
  tenantKeys,
} from './metadata.js';
import { handleTokenRequest, type TokenEndpointContext } from './token-endpoint.js';

/** Options of {@link startEntraServer}. */
export interface EntraServerOptions {
  host: string;
  port: number;
  tls: { cert: string; key: string };
  /** Builds the token endpoint's context once the base URL (port) is known. */
  context: (base: string) => TokenEndpointContext;
  counters: { record(entry: RequestLogEntry): void };
  /**
   * The emulator's faults: token requests (route `identity.entra`) take a pending `failIdentity` first,
   * then scripted faults naming `identity.entra`, like the managed-identity endpoints.
   */
  faults?: IdentityFaults;
}

/** A running Entra ID endpoint. */
export interface EntraServer {
  port: number;
  close(): Promise<void>;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_TOKEN_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('error', () => resolve(undefined));
    req.on('end', () =>
      resolve(
        size > MAX_TOKEN_REQUEST_BYTES ? undefined : new URLSearchParams(Buffer.concat(chunks).toString()),
      ),
    );
  });
}

const ok = (body: Record<string, unknown>): EntraResponse => ({ status: 200, body });

/** GET routes: discovery documents of the tenant and of the emulated cluster. */
function answerGet(path: string, url: URL, base: string, context: TokenEndpointContext): EntraResponse {
  const { cluster } = context;
  const clusterPath = cluster.issuer ? new URL(cluster.issuer).pathname : undefined;
  if (clusterPath && path === `${clusterPath}.well-known/openid-configuration`) {
    return ok(clusterOpenIdConfiguration(cluster.issuer));
  }
  if (clusterPath && path === `${clusterPath}openid/v1/jwks`) return ok(cluster.jwks());
  if (path === '/common/discovery/instance') {
    return ok(instanceDiscovery(base, url.searchParams.get('authorization_endpoint')));
  }
  const match = /^\/([^/]+)(\/v2\.0)?\/\.well-known\/openid-configuration$/.exec(path);
  if (match) {
    const tenant = decodeURIComponent(match[1]);
    if (tenant.toLowerCase() !== context.tenantId.toLowerCase()) return entraErrors.tenantNotFound(tenant);
    return ok(openIdConfiguration(base, context.tenantId, match[2] === undefined));
  }
  if (/^\/[^/]+\/discovery(\/v2\.0)?\/keys$/.test(path)) {
    return ok(tenantKeys(context.authority.publicKeyPem, context.authority.keyId));
  }
  return aadstsError(404, 'not_found', 90011, `No endpoint at ${path} on this emulated Entra ID.`);
}

async function answer(
  req: IncomingMessage,
  base: string,
  context: TokenEndpointContext,
): Promise<EntraResponse> {
  const url = new URL(req.url ?? '/', base);
  const path = url.pathname.replace(/\/{2,}/g, '/');
  const token = /^\/([^/]+)\/oauth2(\/v2\.0)?\/token\/?$/.exec(path);
  if (token) {
    if (req.method !== 'POST') {
      return aadstsError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    }
    const form = await readForm(req);
    if (!form) return aadstsError(400, 'invalid_request', 900144, 'The request body could not be read.');
    return handleTokenRequest(decodeURIComponent(token[1]), form, context, token[2] === undefined);
  }
  return answerGet(path, url, base, context);
}

const ENTRA_HEADERS = { 'cache-control': 'no-store, no-cache' };
const isTokenPath = (url: string | undefined): boolean => /\/token\/?$/.test(url?.split('?')[0] ?? '');

type Recorder = ((status: number, clientId?: string) => void) & { fault?: RequestLogEntry['fault'] };

/** One request's log entry (token requests only, as route `identity.entra`), with the fault applied. */
function recorder(options: EntraServerOptions, req: IncomingMessage): Recorder {
  const started = Date.now();
  let recorded = false;
  const record: Recorder = (status, clientId) => {
    if (recorded || !isTokenPath(req.url)) return;
    recorded = true;
    options.counters.record({
      time: new Date(started).toISOString(),
      route: 'identity.entra',
      method: req.method ?? 'POST',
      path: (req.url ?? '/').split('?')[0],
      status,
      durationMs: Date.now() - started,
      ...(clientId ? { clientId } : {}),
      ...(record.fault ? { fault: record.fault } : {}),
    });
  };
  return record;
}

/** Applies a pending identity failure or a scripted `identity.entra` fault; true when it answered. */
async function applyEntraFault(
  faults: IdentityFaults | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
  record: Recorder,
): Promise<boolean> {
  if (!faults || !isTokenPath(req.url)) return false;
  const failure = faults.takeIdentityFailure();
  const decision =
    failure !== undefined ? identityFailureDecision(failure) : faults.match?.('identity.entra');
  if (!decision) return false;
  record.fault = decision.kind;
  return applyFault(decision, {
    req,
    res,
    signal,
    record,
    answerStatus: (status, retryAfterSeconds) => {
      const { body } = aadstsError(
        status,
        'server_error',
        90033,
        'A transient error has occurred. Please try again.',
      );
      const headers =
        retryAfterSeconds === undefined
          ? ENTRA_HEADERS
          : { ...ENTRA_HEADERS, 'Retry-After': String(retryAfterSeconds) };
      writeJson(res, status, body, headers);
      record(status);
    },
  });
}

async function serve(
  options: EntraServerOptions,
  base: string,
  context: TokenEndpointContext,
  signal: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const record = recorder(options, req);
  if (await applyEntraFault(options.faults, req, res, signal, record)) return;
  const response = await answer(req, base, context).catch(() =>
    aadstsError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.'),
  );
  const replaced = isTokenPath(req.url) ? options.faults?.matchAnswer?.('identity.entra') : undefined;
  if (replaced) record.fault = replaced.body;
  const body = isTokenFaultBody(replaced?.body)
    ? mangleTokenAnswer(response.status, response.body, replaced.body)
    : response.body;
  writeJson(res, response.status, body, ENTRA_HEADERS, {
    truncateAt: replaced?.body === 'truncated' ? (replaced.truncateAt ?? 'half') : undefined,
  });
  record(response.status, response.clientId);
}

/**
 * Starts the emulated Entra ID (HTTPS on loopback, the vault's certificate): the token endpoint, the
 * OpenID discovery documents MSAL fetches, the tenant's keys, instance discovery, and the emulated AKS
 * cluster's OIDC issuer. Every token request is logged as route `identity.entra` (status, client id)
 * and goes through the emulator's faults on that route (discovery documents do not).
 */
export function startEntraServer(options: EntraServerOptions): Promise<EntraServer> {
  let context: TokenEndpointContext | undefined;
  let base = '';
  const closing = closingSignal();
  const server: Server = createServer(options.tls, (req, res: ServerResponse) => {
    // Nothing may escape as an unhandled rejection: a request that cannot be served is dropped.
    serve(options, base, context!, closing.signal, req, res).catch(() => req.socket.destroy());
  });
  return listen(server, { port: options.port, host: options.host }, closing, (port) => {
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    base = `https://${host}:${port}`;
    context = options.context(base);
  });
}

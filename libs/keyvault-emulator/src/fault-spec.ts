import type { FaultBody, FaultSpec, TokenFaultBody } from './emulator.interfaces.js';
import { EMULATOR_ROUTES, isEmulatorRoute, type EmulatorRoute } from './routes.js';

/** An invalid fault specification (admin API input). */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

function validateRoute(raw: unknown): FaultSpec['route'] {
  const routes = Array.isArray(raw) ? raw : [raw];
  for (const route of routes) {
    if (!isEmulatorRoute(route)) {
      throw new FaultSpecError(
        `Unknown route '${String(route)}'. Known routes: ${EMULATOR_ROUTES.join(', ')}.`,
      );
    }
  }
  return raw as FaultSpec['route'];
}

/** Every hostile body, and those that replace a real answer (decided once the answer exists). */
export const TOKEN_FAULT_BODIES: readonly TokenFaultBody[] = ['noAccessToken', 'noExpiry', 'badExpiry'];
export const FAULT_BODIES: readonly FaultBody[] = [
  'html',
  'empty',
  'truncated',
  'emptyPage',
  ...TOKEN_FAULT_BODIES,
];
export const isTokenFaultBody = (body: FaultBody | undefined): body is TokenFaultBody =>
  TOKEN_FAULT_BODIES.includes(body as TokenFaultBody);
export const isAnswerBody = (body: FaultBody | undefined): boolean =>
  body === 'truncated' || body === 'emptyPage' || isTokenFaultBody(body);
/** Routes that answer a page (`emptyPage` applies to these only). */
export const LIST_ROUTES: readonly EmulatorRoute[] = ['secrets.list', 'secrets.versions', 'deleted.list'];
/** Routes that answer a token (the token faults apply to these only; the IMDS probe answers none). */
export const TOKEN_ROUTES: readonly EmulatorRoute[] = [
  'identity.appservice',
  'identity.imds',
  'identity.legacy',
  'identity.entra',
];

function validateStatus(raw: unknown, body: unknown): number {
  // An HTML page or an empty body may come with any status, a 200 included (a captive portal).
  const min = body === 'html' || body === 'empty' ? 200 : 400;
  if (!Number.isInteger(raw) || (raw as number) < min || (raw as number) > 599) {
    throw new FaultSpecError(
      min === 200
        ? "'status' must be an HTTP status (200–599)."
        : "'status' must be an HTTP error status (400–599).",
    );
  }
  return raw as number;
}

function validateBody(spec: FaultSpec, raw: Record<string, unknown>): void {
  if (raw.body !== undefined) {
    if (!FAULT_BODIES.includes(raw.body as FaultBody)) {
      throw new FaultSpecError(`'body' must be one of ${FAULT_BODIES.join(', ')}.`);
    }
    spec.body = raw.body as FaultBody;
  }
  if (raw.truncateAt !== undefined) {
    if (spec.body !== 'truncated') throw new FaultSpecError("'truncateAt' needs body 'truncated'.");
    if (!isNonNegative(raw.truncateAt) || !Number.isInteger(raw.truncateAt)) {
      throw new FaultSpecError("'truncateAt' must be a non-negative integer (bytes kept).");
    }
    spec.truncateAt = raw.truncateAt;
  }
  if (!isAnswerBody(spec.body)) return;
  if (
    spec.status !== undefined ||
    spec.reset ||
    spec.hang ||
    spec.latencyMs !== undefined ||
    spec.jitterMs !== undefined
  ) {
    throw new FaultSpecError(
      `body '${spec.body}' replaces the real answer: give no 'status', 'reset', 'hang' or latency with it (add a separate fault).`,
    );
  }
  const routes = spec.route === undefined ? [] : Array.isArray(spec.route) ? spec.route : [spec.route];
  // A body that replaces one kind of answer needs routes that all answer that kind.
  const onlyOn = (kind: readonly EmulatorRoute[]): boolean =>
    routes.length > 0 && routes.every((r) => kind.includes(r));
  if (spec.body === 'emptyPage' && !onlyOn(LIST_ROUTES)) {
    throw new FaultSpecError(`body 'emptyPage' needs a list route (${LIST_ROUTES.join(', ')}).`);
  }
  if (isTokenFaultBody(spec.body) && !onlyOn(TOKEN_ROUTES)) {
    throw new FaultSpecError(`body '${spec.body}' needs a token route (${TOKEN_ROUTES.join(', ')}).`);
  }
}

function validateActions(spec: FaultSpec): void {
  const actions = [
    spec.status !== undefined || spec.body === 'html' || spec.body === 'empty',
    spec.reset === true,
    spec.hang === true,
  ].filter(Boolean).length;
  if (actions > 1) throw new FaultSpecError("Give at most one of 'status'/'body', 'reset' and 'hang'.");
  if (
    actions === 0 &&
    spec.latencyMs === undefined &&
    spec.jitterMs === undefined &&
    !isAnswerBody(spec.body)
  ) {
    throw new FaultSpecError("A fault needs 'latencyMs'/'jitterMs', 'status', 'body', 'reset' or 'hang'.");
  }
}

/** Validates untrusted input (admin API, CLI) as a {@link FaultSpec}. */
export function validateFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultSpecError('A fault must be a JSON object.');
  }
  const raw = input as Record<string, unknown>;
  const spec: FaultSpec = {};
  if (raw.route !== undefined) spec.route = validateRoute(raw.route);
  if (raw.vault !== undefined) {
    if (typeof raw.vault !== 'string' || raw.vault === '')
      throw new FaultSpecError("'vault' must be a vault name.");
    spec.vault = raw.vault;
  }
  for (const key of ['latencyMs', 'jitterMs', 'retryAfterSeconds'] as const) {
    if (raw[key] !== undefined) {
      if (!isNonNegative(raw[key])) throw new FaultSpecError(`'${key}' must be a non-negative number.`);
      spec[key] = raw[key];
    }
  }
  if (raw.status !== undefined) spec.status = validateStatus(raw.status, raw.body);
  for (const key of ['reset', 'hang'] as const) {
    if (raw[key] !== undefined) {
      if (typeof raw[key] !== 'boolean') throw new FaultSpecError(`'${key}' must be a boolean.`);
      spec[key] = raw[key];
    }
  }
  if (raw.times !== undefined) {
    if (!Number.isInteger(raw.times) || (raw.times as number) < 1) {
      throw new FaultSpecError("'times' must be a positive integer.");
    }
    spec.times = raw.times as number;
  }
  validateBody(spec, raw);
  validateActions(spec);
  return spec;
}

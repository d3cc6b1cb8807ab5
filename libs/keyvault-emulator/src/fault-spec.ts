import type { FaultSpec } from './emulator.interfaces.js';
import { EMULATOR_ROUTES, isEmulatorRoute } from './routes.js';

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

function validateStatus(raw: unknown): number {
  if (!Number.isInteger(raw) || (raw as number) < 400 || (raw as number) > 599) {
    throw new FaultSpecError("'status' must be an HTTP error status (400–599).");
  }
  return raw as number;
}

function validateActions(spec: FaultSpec): void {
  const actions = [spec.status !== undefined, spec.reset === true, spec.hang === true].filter(Boolean).length;
  if (actions > 1) throw new FaultSpecError("Give at most one of 'status', 'reset' and 'hang'.");
  if (actions === 0 && spec.latencyMs === undefined && spec.jitterMs === undefined) {
    throw new FaultSpecError("A fault needs 'latencyMs'/'jitterMs', 'status', 'reset' or 'hang'.");
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
  if (raw.status !== undefined) spec.status = validateStatus(raw.status);
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
  validateActions(spec);
  return spec;
}

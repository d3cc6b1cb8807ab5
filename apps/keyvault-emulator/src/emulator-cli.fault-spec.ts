import {
  EMULATOR_ROUTES,
  FaultSpecError,
  isEmulatorRoute,
  validateFaultSpec,
  type EmulatorRoute,
  type FaultBody,
  type FaultSpec,
} from 'keyvault-emulator';
import { UsageError } from './emulator-cli.errors.js';
import { integer } from './emulator-cli.values.js';

/** Reads one `key=value` item of a --fault SPEC into the fault. */
type FaultKey = (fault: FaultSpec, value: () => string, where: string, raw: string | undefined) => void;

function routes(fault: FaultSpec, value: () => string, where: string): void {
  const names = value()
    .split(/[|+]/)
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = names.find((r) => !isEmulatorRoute(r));
  if (unknown !== undefined || names.length === 0) {
    throw new UsageError(`${where}: unknown route "${unknown ?? ''}" (known: ${EMULATOR_ROUTES.join(', ')})`);
  }
  fault.route = names.length === 1 ? (names[0] as EmulatorRoute) : (names as EmulatorRoute[]);
}

const flag =
  (key: 'reset' | 'hang'): FaultKey =>
  (fault, _value, where, raw) => {
    if (raw !== undefined && !/^(true|1|yes)$/i.test(raw)) {
      throw new UsageError(`${where}: "${key}" is a flag (write just ${key})`);
    }
    fault[key] = true;
  };

const retryAfter: FaultKey = (fault, value, where) => {
  fault.retryAfterSeconds = integer(`${where}: retry-after`, value(), 0);
};
const latency: FaultKey = (fault, value, where) => {
  fault.latencyMs = integer(`${where}: latency`, value(), 0);
};
const jitter: FaultKey = (fault, value, where) => {
  fault.jitterMs = integer(`${where}: jitter`, value(), 0);
};

/** Keys of a --fault SPEC (lower-cased), with their accepted spellings. */
const FAULT_KEYS: Readonly<Record<string, FaultKey>> = {
  route: routes,
  vault: (fault, value) => {
    fault.vault = value();
  },
  status: (fault, value, where) => {
    // 2xx/3xx only with body=html|empty (checked once every key is read).
    fault.status = integer(`${where}: status`, value(), 200, 599);
  },
  'retry-after': retryAfter,
  retryafter: retryAfter,
  retryafterseconds: retryAfter,
  times: (fault, value, where) => {
    fault.times = integer(`${where}: times`, value(), 1);
  },
  latency,
  latencyms: latency,
  jitter,
  jitterms: jitter,
  reset: flag('reset'),
  hang: flag('hang'),
  body: (fault, value) => {
    fault.body = value() as FaultBody; // checked by validateFaultSpec below
  },
  'truncate-at': (fault, value, where) => {
    fault.truncateAt = integer(`${where}: truncate-at`, value(), 0);
  },
};

const KNOWN_KEYS =
  'route, vault, status, retry-after, times, latency, jitter, reset, hang, body, truncate-at';

function checkActions(fault: FaultSpec, where: string): void {
  const actions = [fault.status !== undefined, fault.reset === true, fault.hang === true].filter(
    Boolean,
  ).length;
  if (actions > 1) throw new UsageError(`${where}: give at most one of status, reset and hang`);
  if (fault.status !== undefined && fault.status < 400 && fault.body !== 'html' && fault.body !== 'empty') {
    throw new UsageError(
      `${where}: status must be an integer from 400 to 599 (or come with body=html|empty), got "${fault.status}"`,
    );
  }
  if (
    actions === 0 &&
    fault.latencyMs === undefined &&
    fault.jitterMs === undefined &&
    fault.body === undefined
  ) {
    throw new UsageError(`${where}: a fault needs status=…, reset, hang, latency=… or jitter=… (or body=…)`);
  }
  if (fault.retryAfterSeconds !== undefined && fault.status === undefined) {
    throw new UsageError(`${where}: retry-after needs a status (e.g. status=429,retry-after=1)`);
  }
}

/**
 * Parses a --fault SPEC: comma-separated `key=value` items and the bare flags `reset` / `hang`.
 * Keys: route (several joined by `|` or `+`), vault, status, retry-after, times, latency, jitter,
 * body (html | empty | truncated | emptyPage | noAccessToken | noExpiry | badExpiry), truncate-at.
 */
export function parseFaultSpec(spec: string): FaultSpec {
  const fault: FaultSpec = {};
  const where = `--fault "${spec}"`;
  const items = spec
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${where}: empty fault specification`);
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
    const raw = eq === -1 ? undefined : item.slice(eq + 1).trim();
    const value = (): string => {
      if (raw === undefined || raw === '')
        throw new UsageError(`${where}: "${key}" needs a value (${key}=…)`);
      return raw;
    };
    if (!Object.hasOwn(FAULT_KEYS, key)) {
      throw new UsageError(`${where}: unknown key "${key}" (known: ${KNOWN_KEYS})`);
    }
    FAULT_KEYS[key](fault, value, where, raw);
  }
  checkActions(fault, where);
  try {
    // The emulator's own rules (body shapes, status ranges) in its own words.
    return validateFaultSpec(fault);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(`${where}: ${error.message}`);
    throw error;
  }
}

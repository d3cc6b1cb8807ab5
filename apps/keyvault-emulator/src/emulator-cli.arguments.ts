import { parseRole, type EmulatorOptions, type EmulatorRoute, type FaultSpec } from 'keyvault-emulator';

/** A bad command line; the message is one readable line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | {
      kind: 'run';
      options: EmulatorOptions;
      /** Scripted faults to add once started (--fault, in order). */
      faults: FaultSpec[];
      /** Identity failures to arm once started (--fail-identity). */
      failIdentity?: { count: number; mode: 500 | 'hang' };
    };

/** Every route name, checked against the contract's union at compile time. */
const ROUTES: Record<EmulatorRoute, true> = {
  'secrets.set': true,
  'secrets.get': true,
  'secrets.list': true,
  'secrets.versions': true,
  'secrets.update': true,
  'secrets.delete': true,
  'deleted.get': true,
  'deleted.list': true,
  'deleted.recover': true,
  'deleted.purge': true,
  'vault.unknown': true,
  'identity.appservice': true,
  'identity.imds': true,
  'identity.probe': true,
};

const isRoute = (value: string): value is EmulatorRoute => Object.hasOwn(ROUTES, value);

function integer(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${range}, got "${raw}"`);
  }
  return value;
}

function positiveNumber(flag: string, raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${raw}"`);
  return value;
}

/**
 * Parses a --fault SPEC: comma-separated `key=value` items and the bare flags `reset` / `hang`.
 * Keys: route (several joined by `|` or `+`), vault, status, retry-after, times, latency, jitter.
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
    const value = eq === -1 ? undefined : item.slice(eq + 1).trim();
    const need = (): string => {
      if (value === undefined || value === '')
        throw new UsageError(`${where}: "${key}" needs a value (${key}=…)`);
      return value;
    };
    switch (key) {
      case 'route': {
        const routes = need()
          .split(/[|+]/)
          .map((r) => r.trim())
          .filter(Boolean);
        const unknown = routes.find((r) => !isRoute(r));
        if (unknown !== undefined || routes.length === 0) {
          throw new UsageError(
            `${where}: unknown route "${unknown ?? ''}" (known: ${Object.keys(ROUTES).join(', ')})`,
          );
        }
        fault.route = routes.length === 1 ? (routes[0] as EmulatorRoute) : (routes as EmulatorRoute[]);
        break;
      }
      case 'vault':
        fault.vault = need();
        break;
      case 'status':
        fault.status = integer(`${where}: status`, need(), 400, 599);
        break;
      case 'retry-after':
      case 'retryafter':
      case 'retryafterseconds':
        fault.retryAfterSeconds = integer(`${where}: retry-after`, need(), 0);
        break;
      case 'times':
        fault.times = integer(`${where}: times`, need(), 1);
        break;
      case 'latency':
      case 'latencyms':
        fault.latencyMs = integer(`${where}: latency`, need(), 0);
        break;
      case 'jitter':
      case 'jitterms':
        fault.jitterMs = integer(`${where}: jitter`, need(), 0);
        break;
      case 'reset':
      case 'hang':
        if (value !== undefined && !/^(true|1|yes)$/i.test(value)) {
          throw new UsageError(`${where}: "${key}" is a flag (write just ${key})`);
        }
        fault[key] = true;
        break;
      default:
        throw new UsageError(
          `${where}: unknown key "${key}" (known: route, vault, status, retry-after, times, latency, jitter, reset, hang)`,
        );
    }
  }
  const actions = [fault.status !== undefined, fault.reset === true, fault.hang === true].filter(
    Boolean,
  ).length;
  if (actions > 1) throw new UsageError(`${where}: give at most one of status, reset and hang`);
  if (actions === 0 && fault.latencyMs === undefined && fault.jitterMs === undefined) {
    throw new UsageError(`${where}: a fault needs status=…, reset, hang, latency=… or jitter=…`);
  }
  if (fault.retryAfterSeconds !== undefined && fault.status === undefined) {
    throw new UsageError(`${where}: retry-after needs a status (e.g. status=429,retry-after=1)`);
  }
  return fault;
}

/** Parses --fail-identity K[:hang] (K:500 is accepted too). */
export function parseFailIdentity(raw: string): { count: number; mode: 500 | 'hang' } {
  const match = /^(\d+)(?::(hang|500))?$/i.exec(raw.trim());
  if (!match) throw new UsageError(`--fail-identity must be K or K:hang (e.g. 2 or 1:hang), got "${raw}"`);
  return {
    count: integer('--fail-identity', match[1], 1),
    mode: match[2]?.toLowerCase() === 'hang' ? 'hang' : 500,
  };
}

const VALUE_FLAGS = new Set([
  '--seed',
  '--port',
  '--identity-port',
  '--latency',
  '--throttle',
  '--role',
  '--data',
  '--host',
  '--token-lifetime',
  '--vault-name',
  '--fault',
  '--fail-identity',
]);

/**
 * Parses the command line (without `node` and the script). Accepts `--flag value` and `--flag=value`;
 * every flag but --fault may be given once.
 * @throws UsageError with one readable line.
 */
export function parseArguments(argv: readonly string[]): CliCommand {
  const options: EmulatorOptions = {};
  const faults: FaultSpec[] = [];
  let failIdentity: { count: number; mode: 500 | 'hang' } | undefined;
  const seen = new Set<string>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option ${flag}`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`${flag} needs a value`);
      }
      value = next;
      i += 1;
    }
    if (flag !== '--fault') {
      if (seen.has(flag)) throw new UsageError(`${flag} given more than once`);
      seen.add(flag);
    }
    if (value.trim() === '') throw new UsageError(`${flag} needs a non-empty value`);

    switch (flag) {
      case '--seed':
        options.seed = value;
        break;
      case '--port':
        options.port = integer('--port', value, 0, 65_535);
        break;
      case '--identity-port':
        options.identityPort = integer('--identity-port', value, 0, 65_535);
        break;
      case '--latency':
        options.latencyMs = integer('--latency', value, 0);
        break;
      case '--throttle':
        options.throttle = positiveNumber('--throttle', value);
        break;
      case '--role':
        try {
          options.systemAssignedRole = parseRole(value);
        } catch (error) {
          throw new UsageError(`--role: ${(error as Error).message}`);
        }
        break;
      case '--data':
        options.dataFile = value;
        break;
      case '--host':
        options.host = value.trim();
        break;
      case '--token-lifetime':
        options.tokenLifetimeSeconds = integer('--token-lifetime', value, 1);
        break;
      case '--vault-name':
        options.vaultName = value.trim();
        break;
      case '--fault':
        faults.push(parseFaultSpec(value));
        break;
      case '--fail-identity':
        failIdentity = parseFailIdentity(value);
        break;
    }
  }
  return failIdentity ? { kind: 'run', options, faults, failIdentity } : { kind: 'run', options, faults };
}

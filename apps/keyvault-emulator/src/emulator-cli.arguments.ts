import { parseRole, type EmulatorOptions, type FaultSpec } from 'keyvault-emulator';
import { UsageError } from './emulator-cli.errors.js';
import { parseFaultSpec } from './emulator-cli.fault-spec.js';
import { integer, positiveNumber } from './emulator-cli.values.js';

export { UsageError } from './emulator-cli.errors.js';
export { parseFaultSpec } from './emulator-cli.fault-spec.js';

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

type RunCommand = Extract<CliCommand, { kind: 'run' }>;

/** Parses --fail-identity K[:hang] (K:500 is accepted too). */
export function parseFailIdentity(raw: string): { count: number; mode: 500 | 'hang' } {
  const match = /^(\d+)(?::(hang|500))?$/i.exec(raw.trim());
  if (!match) throw new UsageError(`--fail-identity must be K or K:hang (e.g. 2 or 1:hang), got "${raw}"`);
  return {
    count: integer('--fail-identity', match[1], 1),
    mode: match[2]?.toLowerCase() === 'hang' ? 'hang' : 500,
  };
}

/** Applies one flag's value to the command being built. */
type FlagHandler = (command: RunCommand, value: string) => void;

/** The flags that take a value, and what each sets. */
const VALUE_FLAGS: Readonly<Record<string, FlagHandler>> = {
  '--seed': ({ options }, value) => (options.seed = value),
  '--port': ({ options }, value) => (options.port = integer('--port', value, 0, 65_535)),
  '--identity-port': ({ options }, value) =>
    (options.identityPort = integer('--identity-port', value, 0, 65_535)),
  '--latency': ({ options }, value) => (options.latencyMs = integer('--latency', value, 0)),
  '--soft-delete-delay': ({ options }, value) =>
    (options.softDeleteDelayMs = integer('--soft-delete-delay', value, 0)),
  '--throttle': ({ options }, value) => (options.throttle = positiveNumber('--throttle', value)),
  '--role': ({ options }, value) => {
    try {
      options.systemAssignedRole = parseRole(value);
    } catch (error) {
      throw new UsageError(`--role: ${(error as Error).message}`);
    }
  },
  '--data': ({ options }, value) => (options.dataFile = value),
  '--host': ({ options }, value) => (options.host = value.trim()),
  '--token-lifetime': ({ options }, value) =>
    (options.tokenLifetimeSeconds = integer('--token-lifetime', value, 1)),
  '--vault-name': ({ options }, value) => (options.vaultName = value.trim()),
  '--entra-port': ({ options }, value) => (options.entraPort = integer('--entra-port', value, 0, 65_535)),
  '--fault': (command, value) => command.faults.push(parseFaultSpec(value)),
  '--fail-identity': (command, value) => (command.failIdentity = parseFailIdentity(value)),
};

/** Flags without a value (`--flag` alone), and what each sets. */
const SWITCHES: Readonly<Record<string, (command: RunCommand) => void>> = {
  '--throttle-retry-after': ({ options }) => (options.throttleRetryAfter = true),
  '--workload-identity': ({ options }) => (options.workloadIdentity = true),
  '--service-principal': ({ options }) => (options.servicePrincipal = true),
  '--legacy-msi': ({ options }) => (options.legacyMsi = true),
};

/** Flags that may be repeated; every other one may be given once. */
const REPEATABLE = new Set(['--fault']);

/**
 * Splits `--flag value` / `--flag=value` (or a bare switch) at argv[i]; returns the flag, its value
 * (undefined for a switch) and the next index.
 */
function readFlag(
  argv: readonly string[],
  i: number,
): { flag: string; value: string | undefined; next: number } {
  const arg = argv[i];
  if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
  const eq = arg.indexOf('=');
  const flag = eq === -1 ? arg : arg.slice(0, eq);
  if (Object.hasOwn(SWITCHES, flag)) {
    if (eq !== -1) throw new UsageError(`${flag} takes no value (write just ${flag})`);
    return { flag, value: undefined, next: i + 1 };
  }
  if (!Object.hasOwn(VALUE_FLAGS, flag)) throw new UsageError(`unknown option ${flag}`);
  if (eq !== -1) return { flag, value: arg.slice(eq + 1), next: i + 1 };
  const next = argv[i + 1];
  if (next === undefined || (next.startsWith('--') && next.length > 2)) {
    throw new UsageError(`${flag} needs a value`);
  }
  return { flag, value: next, next: i + 2 };
}

/**
 * Parses the command line (without `node` and the script). Accepts `--flag value` and `--flag=value`;
 * every flag but --fault may be given once.
 * @throws UsageError with one readable line.
 */
export function parseArguments(argv: readonly string[]): CliCommand {
  const command: RunCommand = { kind: 'run', options: {}, faults: [] };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length;) {
    if (argv[i] === '-h' || argv[i] === '--help') return { kind: 'help' };
    const { flag, value, next } = readFlag(argv, i);
    i = next;
    if (!REPEATABLE.has(flag)) {
      if (seen.has(flag)) throw new UsageError(`${flag} given more than once`);
      seen.add(flag);
    }
    if (value === undefined) SWITCHES[flag](command);
    else if (value.trim() === '') throw new UsageError(`${flag} needs a non-empty value`);
    else VALUE_FLAGS[flag](command, value);
  }
  if (command.options.workloadIdentity && command.options.servicePrincipal) {
    throw new UsageError('--workload-identity and --service-principal both set AZURE_CLIENT_ID: choose one');
  }
  return command;
}

/**
 * The command line of `nestjs-keyvault-config doctor`: argv → {@link DoctorArgs}, or a usage error
 * (exit code 2). No I/O here, so every flag is unit-tested.
 */
import { DOCTOR_COMMAND } from './doctor.constants.js';

/** What the command line asked for. */
export interface DoctorArgs {
  vaultUrl?: string;
  envFile?: string;
  secrets?: string[];
  prefix?: string;
  config?: string;
  timeoutMs?: number;
  json: boolean;
  help: boolean;
}

/** A command line the doctor cannot run with (exit code 2). */
export class DoctorUsageError extends Error {
  override readonly name = 'DoctorUsageError';
}

const VALUE_FLAGS = new Set(['--vault-url', '--env-file', '--secrets', '--prefix', '--config', '--timeout']);

/** `--flag=value` and `--flag value` both work. */
function splitArgs(argv: readonly string[]): Array<{ flag: string; value?: string }> {
  const result: Array<{ flag: string; value?: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      result.push({ flag: arg.slice(0, eq), value: arg.slice(eq + 1) });
    } else if (VALUE_FLAGS.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        throw new DoctorUsageError(`${arg} needs a value.`);
      }
      result.push({ flag: arg, value });
      i++;
    } else {
      result.push({ flag: arg });
    }
  }
  return result;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms < 1 || ms > 3_600_000) {
    throw new DoctorUsageError(`--timeout expects milliseconds from 1 to 3600000, got '${value}'.`);
  }
  return ms;
}

function parseList(value: string): string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new DoctorUsageError('--secrets expects names separated by commas.');
  return names;
}

/**
 * Parses the arguments after the binary's name. The first may be `doctor` (the only command); without
 * it the doctor runs all the same, so `npm run doctor -- --json` works.
 */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  const rest = argv[0] === DOCTOR_COMMAND ? argv.slice(1) : [...argv];
  const args: DoctorArgs = { json: false, help: false };
  for (const { flag, value } of splitArgs(rest)) {
    const needValue = (): string => {
      if (value === undefined || value === '') throw new DoctorUsageError(`${flag} needs a value.`);
      return value;
    };
    switch (flag) {
      case '--vault-url':
        args.vaultUrl = needValue();
        break;
      case '--env-file':
        args.envFile = needValue();
        break;
      case '--secrets':
        args.secrets = parseList(needValue());
        break;
      case '--prefix':
        args.prefix = needValue();
        break;
      case '--config':
        args.config = needValue();
        break;
      case '--timeout':
        args.timeoutMs = parseTimeout(needValue());
        break;
      case '--json':
        args.json = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new DoctorUsageError(
          flag.startsWith('-')
            ? `Unknown option ${flag}.`
            : `Unknown command '${flag}': the only command is '${DOCTOR_COMMAND}'.`,
        );
    }
  }
  if (args.secrets && args.prefix !== undefined) {
    throw new DoctorUsageError(
      '--secrets and --prefix cannot be combined: explicit mode gets exactly the named secrets.',
    );
  }
  return args;
}

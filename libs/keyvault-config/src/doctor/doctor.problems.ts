/**
 * Problems of the report: a KeyVaultConfigError (the library's own message, with its fix) becomes
 * `{ code, message, fix }`, where `fix` lists the commands the message names, one per line.
 */
import {
  isKeyVaultConfigError,
  type KeyVaultConfigError,
  type KeyVaultConfigErrorCode,
} from '../core/errors.js';
import type { DoctorProblem } from './doctor.interfaces.js';

/** Backticked text in a message that is a command to run (not an option name such as `secrets`). */
const COMMAND = /^(az|azd|npm|npx|node|export|set|Connect-AzAccount)\b|^[A-Z][A-Z0-9_]+=/;

/** The commands a library message names (`az …` in backticks), in order, without duplicates. */
export function fixOf(message: string): string | undefined {
  const commands = [...message.matchAll(/`([^`]+)`/g)]
    .map((m) => m[1]!.trim())
    .filter((text) => COMMAND.test(text));
  const unique = [...new Set(commands)];
  return unique.length > 0 ? unique.join('\n') : undefined;
}

/** A problem from a library error. */
export function problemOf(error: KeyVaultConfigError): DoctorProblem {
  const problem: DoctorProblem = { code: error.code, message: error.message };
  const fix = fixOf(error.message);
  if (fix) problem.fix = fix;
  if (error.vault) problem.vault = error.vault;
  if (error.secretName) problem.secretName = error.secretName;
  if (error.key) problem.key = error.key;
  return problem;
}

/** A problem from anything thrown: library errors keep their code; the rest is unexpected. */
export function problemFrom(
  error: unknown,
  fallback: KeyVaultConfigErrorCode,
  context: string,
): DoctorProblem {
  if (isKeyVaultConfigError(error)) return problemOf(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return { code: fallback, message: `${context}: ${message}` };
}

/** What makes two problems the same: the code and its subject (or, without a subject, the message). */
function identityOf(p: DoctorProblem): string {
  // A collision is reported with either secret first (by the load and by the inventory): the key decides.
  if (p.code === 'KEY_COLLISION') return [p.code, p.vault, p.key].join('|');
  return p.secretName !== undefined || p.key !== undefined
    ? [p.code, p.vault, p.secretName, p.key].join('|')
    : [p.code, p.message].join('|');
}

/** Adds `problem` unless the same one (see {@link identityOf}) is there already. */
export function addProblem(problems: DoctorProblem[], problem: DoctorProblem): void {
  const id = identityOf(problem);
  if (!problems.some((p) => identityOf(p) === id)) problems.push(problem);
}

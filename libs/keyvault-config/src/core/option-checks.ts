/**
 * The checks every option goes through: each returns the value it accepts or throws INVALID_OPTIONS
 * naming the option and the problem (never the value of anything that could be a secret).
 */
import { SECRET_NAME_PATTERN } from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { parseKeyPath } from './key-mapping.js';
import { invalidOption, optionProblem } from './messages/index.js';

/** The INVALID_OPTIONS error for `option`, its `key` set to the option's name. */
export function invalid(option: string, problem: string): KeyVaultConfigError {
  return new KeyVaultConfigError(KeyVaultConfigErrorCode.InvalidOptions, invalidOption(option, problem), {
    key: option,
  });
}

export function checkInteger(option: string, value: unknown, range: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw invalid(option, optionProblem.notAnIntegerIn(range, value));
  }
  return value;
}

export function checkBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(option, optionProblem.notABoolean(value));
  return value;
}

export function checkOneOf<T extends string>(
  option: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(option, optionProblem.notOneOf(allowed, value));
  }
  return value as T;
}

export function checkFunction<T>(option: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalid(option, optionProblem.notAFunction(value));
  return value as T;
}

export function checkSecretName(option: string, name: unknown): string {
  if (typeof name !== 'string' || !SECRET_NAME_PATTERN.test(name)) {
    throw invalid(option, optionProblem.invalidSecretName(name));
  }
  return name;
}

export function checkKey(option: string, key: unknown): string[] {
  const path = typeof key === 'string' ? parseKeyPath(key) : undefined;
  if (!path) throw invalid(option, optionProblem.invalidKey(key));
  return path;
}

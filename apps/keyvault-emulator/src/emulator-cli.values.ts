import { UsageError } from './emulator-cli.errors.js';

/** An integer flag value in [min, max]. */
export function integer(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${range}, got "${raw}"`);
  }
  return value;
}

/** A positive (possibly fractional) flag value. */
export function positiveNumber(flag: string, raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${raw}"`);
  return value;
}

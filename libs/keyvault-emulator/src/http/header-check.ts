import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a request header with the expected secret in constant time. Both sides are hashed first so
 * that neither the content nor the length of the secret leaks through timing. A repeated header
 * (array) or a missing one never matches.
 */
export function headerMatches(actual: string | string[] | undefined, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  return timingSafeEqual(digest(actual), digest(expected));
}

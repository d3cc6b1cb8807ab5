import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time that depends on neither their content nor their length: both sides are
 * hashed to 32 bytes first, so `timingSafeEqual` never sees buffers of different sizes (which would
 * throw, and leak the length through that shortcut).
 */
export function constantTimeEquals(actual: string, expected: string): boolean {
  const a = createHash('sha256').update(actual, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

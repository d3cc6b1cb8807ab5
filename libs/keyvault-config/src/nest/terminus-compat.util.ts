/**
 * The one place that knows how `@nestjs/terminus`'s majors read an indicator's result, without
 * loading terminus (an optional peer). Terminus 12 knows `degraded` (HTTP 200, overall `degraded`)
 * and turns a returned `down` into 503. Terminus 11 turns a returned `down` into 503 but drops any
 * other status from the payload. Terminus 10 treats every returned result as healthy: only a thrown
 * error carrying `isHealthCheckError` (its `HealthCheckError`, duck-typed by terminus itself) and
 * `causes` makes it answer 503.
 *
 * The major is read from `@nestjs/terminus/package.json` as the app resolves it (from its entry
 * script, else the working directory) — public package metadata, no private field.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { KeyVaultHealth } from '../core/index.js';

/** An indicator's health as terminus receives it (see {@link toTerminusResult}). */
export interface KeyVaultIndicatorHealth extends Omit<KeyVaultHealth, 'status'> {
  /**
   * `'up'`, `'down'` or — on terminus 12 — `'degraded'`. Typed loosely on purpose: the result must be
   * each major's `HealthIndicatorResult`, and the status types of terminus 10 and 11 have no `degraded`.
   */
  // oxlint-disable-next-line typescript/no-explicit-any
  status: any;
  /** On terminus 10 and 11 a degraded vault reads `status: 'up'` with `degraded: true`. */
  degraded?: true;
}

let detected: { major: number | undefined } | undefined;

/** Major version of the `@nestjs/terminus` the app resolves; undefined when it has none. */
export function terminusMajor(): number | undefined {
  if (detected) return detected.major;
  detected = { major: undefined };
  for (const base of [process.argv[1], join(process.cwd(), 'index.js')]) {
    if (!base) continue;
    try {
      const { version } = createRequire(base)('@nestjs/terminus/package.json') as { version: string };
      detected = { major: Number.parseInt(version, 10) };
      break;
    } catch {
      // Not resolvable from there (no terminus, or a launcher's script): try the next base.
    }
  }
  return detected.major;
}

/** Terminus 10's HealthCheckError, recognised by its `isHealthCheckError` flag. */
class TerminusHealthCheckError extends Error {
  readonly isHealthCheckError = true;
  constructor(readonly causes: Record<string, KeyVaultIndicatorHealth>) {
    super('Key Vault health check failed');
  }
}

/**
 * `{ [key]: health }` in the form the given terminus major reports correctly: unchanged from 12 on
 * (and without terminus); `degraded` as `up` + `degraded: true` on 10 and 11; `down` thrown as a
 * health-check error on 10.
 */
export function toTerminusResult<Key extends string>(
  key: Key,
  health: KeyVaultHealth,
  major: number | undefined,
): Record<Key, KeyVaultIndicatorHealth> {
  const result = (value: KeyVaultIndicatorHealth) =>
    ({ [key]: value }) as Record<Key, KeyVaultIndicatorHealth>;
  if (major === undefined || major >= 12) return result(health);
  if (health.status === 'degraded') return result({ ...health, status: 'up', degraded: true });
  if (health.status === 'down' && major < 11) throw new TerminusHealthCheckError(result(health));
  return result(health);
}

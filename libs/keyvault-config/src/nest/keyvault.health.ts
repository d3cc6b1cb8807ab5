import { Injectable } from '@nestjs/common';
import { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';
import { terminusMajor, toTerminusResult, type KeyVaultIndicatorHealth } from './terminus-compat.util.js';

/**
 * What {@link KeyVaultHealthIndicator.isHealthy} returns: `{ [key]: { status, ...details } }` — the
 * shape of `@nestjs/terminus`'s `HealthIndicatorResult` on terminus 10, 11 and 12, declared here so
 * that neither this file nor its type declarations need `@nestjs/terminus` (an optional peer).
 */
export type KeyVaultHealthIndicatorResult<Key extends string = string> = Record<Key, KeyVaultIndicatorHealth>;

/** Options of {@link KeyVaultHealthIndicator.isHealthy}. */
export interface KeyVaultHealthCheckOptions {
  /** Consecutive refresh failures at which the status turns `down` (default: the module's `healthFailureThreshold`, 3). */
  failureThreshold?: number | undefined;
}

/**
 * Health indicator for `@nestjs/terminus` 10, 11 and 12. `up` with the vault hosts, the number of keys
 * loaded and the time of the last successful refresh; `degraded` (HTTP 200; terminus 12: overall status
 * `degraded`, terminus 10 and 11, which know no such status: `up` with `degraded: true`) while refresh
 * cycles fail fewer than `healthFailureThreshold` times in a row; `down` (HTTP 503) from then on — on
 * terminus 10 by throwing its health-check error, as its indicators do. The payload never holds a
 * value, and only the code of the last error.
 *
 * It builds the result object itself instead of calling terminus's `HealthIndicatorService`, so the
 * library never loads `@nestjs/terminus` at run time: apps without terminus are unaffected, and the
 * module can provide this indicator unconditionally.
 *
 * ```ts
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.keyVault.isHealthy('keyvault')]);
 * }
 * ```
 */
@Injectable()
export class KeyVaultHealthIndicator {
  constructor(private readonly watcher: KeyVaultConfigWatcher) {}

  /** The indicator result under `key` (default `'keyvault'`). */
  isHealthy<const Key extends string = 'keyvault'>(
    key: Key = 'keyvault' as Key,
    options: KeyVaultHealthCheckOptions = {},
  ): KeyVaultHealthIndicatorResult<Key> {
    return toTerminusResult(key, this.watcher.health(options.failureThreshold), terminusMajor());
  }
}

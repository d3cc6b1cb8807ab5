/**
 * A watcher's health (`KeyVaultWatcher.health()`, the Nest health indicator): a pure function of the
 * refresh state and the current report.
 */
import { DEFAULT_HEALTH_FAILURE_THRESHOLD } from './constants.js';
import type { KeyVaultHealth, KeyVaultLoadReport, KeyVaultRefreshState } from './interfaces.js';

/**
 * Health from the state and the report: `up` while no cycle has failed since the last success,
 * `degraded` while 0 < consecutive failures < threshold (or when an `optional` startup load failed and
 * nothing loaded since), `down` from `threshold` consecutive failures on.
 */
export function evaluateRefreshHealth(
  state: KeyVaultRefreshState,
  report: KeyVaultLoadReport,
  threshold: number = DEFAULT_HEALTH_FAILURE_THRESHOLD,
): KeyVaultHealth {
  const failures = state.consecutiveFailures;
  const startupFailed = report.error !== undefined && state.lastSuccessAt === undefined;
  const status = failures >= threshold ? 'down' : failures > 0 || startupFailed ? 'degraded' : 'up';
  const health: KeyVaultHealth = {
    status,
    vaults: [...report.vaults],
    secrets: state.loaded,
    consecutiveFailures: failures,
  };
  if (state.lastSuccessAt) health.lastRefreshAt = state.lastSuccessAt.toISOString();
  if (state.intervalMs !== undefined) health.refreshIntervalMs = state.intervalMs;
  if (state.failingSince) health.failingSince = state.failingSince.toISOString();
  const lastError = state.lastError?.code ?? (startupFailed ? report.error?.code : undefined);
  if (lastError) health.lastError = lastError;
  return health;
}

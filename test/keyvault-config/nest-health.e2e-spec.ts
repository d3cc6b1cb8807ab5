/**
 * KeyVaultHealthIndicator with @nestjs/terminus 12's HealthCheckService: up with the vault host, the
 * number of keys and the last successful refresh; degraded (HTTP 200) after a failed cycle; down
 * (503) from `healthFailureThreshold` consecutive failures; up again on recovery. Never a value.
 */
import { ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, TerminusModule, type HealthIndicatorResult } from '@nestjs/terminus';
import { KeyVaultConfigModule, KeyVaultHealthIndicator, KeyVaultConfigWatcher } from 'nestjs-keyvault-config';
import { expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, secretValue } from '../support/load-harness.js';
import { bootApp } from '../support/nest-app.js';

const fx = useEmulator();

it('reports up, degraded, down and up again through terminus, without values', async () => {
  const vault = await fx.freshVault(
    [
      { name: 'Db--Password', value: secretValue('db') },
      { name: 'Api-Key', value: secretValue('api') },
    ],
    { clientOptions: { retryOptions: { retryDelayInMs: 5 } } },
  );
  const { name, logger } = vault;
  const app = await bootApp(fx, [
    TerminusModule.forRoot({ logger: false }),
    await KeyVaultConfigModule.forRoot(
      vault.options({ maxRetries: 0, ignoreEnvFile: true, healthFailureThreshold: 2 }),
    ),
  ]);
  const health = app.get(HealthCheckService);
  const indicator = app.get(KeyVaultHealthIndicator);
  const secrets = app.get(KeyVaultConfigWatcher);
  // The indicator's result is a terminus HealthIndicatorResult (checked by the type checker).
  const check = () =>
    health.check([(): HealthIndicatorResult<'keyvault'> => indicator.isHealthy('keyvault')]);
  const host = new URL(vault.url).host;
  const seen: unknown[] = [];

  const up = await check();
  seen.push(up);
  expect(up.status).toBe('ok');
  expect(up.details.keyvault).toMatchObject({
    status: 'up',
    vaults: [host],
    secrets: 2,
    consecutiveFailures: 0,
    lastRefreshAt: secrets.report.loadedAt.toISOString(),
  });

  fx.emulator.faults.add({ route: 'secrets.list', vault: name, status: 503 });
  expect((await secrets.refresh()).ok).toBe(false);
  const degraded = await check();
  seen.push(degraded);
  expect(degraded.status).toBe('degraded');
  expect(degraded.details.keyvault).toMatchObject({
    status: 'degraded',
    consecutiveFailures: 1,
    lastError: 'VAULT_UNREACHABLE',
    secrets: 2,
  });
  expect(degraded.details.keyvault.failingSince).toEqual(expect.any(String));

  expect((await secrets.refresh()).ok).toBe(false);
  const down = await check().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(down).toBeInstanceOf(ServiceUnavailableException);
  const body = (down as ServiceUnavailableException).getResponse() as {
    status: string;
    error: Record<string, { status: string; consecutiveFailures: number }>;
  };
  seen.push(body);
  expect(body.status).toBe('error');
  expect(body.error.keyvault).toMatchObject({ status: 'down', consecutiveFailures: 2 });
  // A caller may still ask with its own threshold.
  expect(indicator.isHealthy('kv', { failureThreshold: 5 }).kv.status).toBe('degraded');

  fx.emulator.faults.clear();
  const refreshed = await secrets.refresh();
  expect(refreshed.ok).toBe(true);
  const again = await check();
  seen.push(again);
  expect(again.details.keyvault).toMatchObject({ status: 'up', consecutiveFailures: 0 });
  expect(again.details.keyvault.lastRefreshAt).toBe(refreshed.at.toISOString());
  expectNoCanary(seen, logger.lines);
});

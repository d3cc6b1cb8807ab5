/**
 * KeyVaultHealthIndicator with @nestjs/terminus 12's HealthCheckService: up with the vault host, the
 * number of keys and the last successful refresh; degraded (HTTP 200) after a failed cycle; down
 * (503) from `healthFailureThreshold` consecutive failures; up again on recovery. Never a value.
 */
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential } from '@azure/identity';
import { ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, TerminusModule, type HealthIndicatorResult } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import { KeyVaultConfigModule, KeyVaultHealthIndicator, KeyVaultConfigWatcher } from 'nestjs-keyvault-config';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { captureLogger, expectNoCanary, secretValue, useEmulatorIdentity } from '../support/load-harness.js';

let emulator: Emulator;
let app: TestingModule;

beforeAll(async () => {
  emulator = await startEmulator();
  useEmulatorIdentity(emulator);
});
afterAll(async () => {
  await app?.close();
  await emulator?.close();
});

it('reports up, degraded, down and up again through terminus, without values', async () => {
  const name = `v-${randomUUID().slice(0, 8)}`;
  const vault = await emulator.addVault(name, {
    seed: [
      { name: 'Db--Password', value: secretValue('db') },
      { name: 'Api-Key', value: secretValue('api') },
    ],
  });
  const { clientId } = emulator.addIdentity({ clientId: randomUUID(), role: 'user' });
  const logger = captureLogger();
  app = await Test.createTestingModule({
    imports: [
      TerminusModule.forRoot({ logger: false }),
      await KeyVaultConfigModule.forRoot({
        vaultUrl: vault.url,
        credential: new ManagedIdentityCredential({ clientId }),
        clientOptions: { tlsOptions: { ca: emulator.caCert }, retryOptions: { retryDelayInMs: 5 } },
        maxRetries: 0,
        env: {},
        ignoreEnvFile: true,
        logger,
        healthFailureThreshold: 2,
      }),
    ],
  }).compile();
  await app.init();
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

  emulator.faults.add({ route: 'secrets.list', vault: name, status: 503 });
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

  emulator.faults.clear();
  const refreshed = await secrets.refresh();
  expect(refreshed.ok).toBe(true);
  const again = await check();
  seen.push(again);
  expect(again.details.keyvault).toMatchObject({ status: 'up', consecutiveFailures: 0 });
  expect(again.details.keyvault.lastRefreshAt).toBe(refreshed.at.toISOString());
  expectNoCanary(seen, logger.lines);
});

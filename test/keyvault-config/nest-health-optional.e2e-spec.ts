/**
 * @nestjs/terminus is an optional peer dependency: the package root — which exports
 * KeyVaultHealthIndicator — must import and run when it is not installed. Here every import of it
 * fails, as it would without the package.
 */
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential } from '@azure/identity';
import { Test } from '@nestjs/testing';
import { startEmulator } from 'keyvault-emulator';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { captureLogger, secretValue, useEmulatorIdentity } from '../support/load-harness.js';

vi.mock('@nestjs/terminus', () => {
  throw new Error("Cannot find package '@nestjs/terminus'");
});

let emulator: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  emulator = await startEmulator({ seed: [{ name: 'Db--Password', value: secretValue('db') }] });
  useEmulatorIdentity(emulator);
});
afterAll(() => emulator?.close());

it('loads the module and its health indicator without @nestjs/terminus', async () => {
  await expect(import('@nestjs/terminus')).rejects.toThrow(/mock/); // as if it were not installed
  const { KeyVaultConfigModule, KeyVaultHealthIndicator } = await import('nestjs-keyvault-config');
  const { clientId } = emulator.addIdentity({ clientId: randomUUID(), role: 'user' });
  const app = await Test.createTestingModule({
    imports: [
      await KeyVaultConfigModule.forRoot({
        vaultUrl: emulator.vaultUrl,
        credential: new ManagedIdentityCredential({ clientId }),
        clientOptions: { tlsOptions: { ca: emulator.caCert } },
        env: {},
        ignoreEnvFile: true,
        logger: captureLogger(),
      }),
    ],
  }).compile();
  await app.init();
  expect(app.get(KeyVaultHealthIndicator).isHealthy()).toMatchObject({
    keyvault: { status: 'up', secrets: 1 },
  });
  await app.close();
});

/**
 * @nestjs/terminus is an optional peer dependency: the package root — which exports
 * KeyVaultHealthIndicator — must import and run when it is not installed. Here every import of it
 * fails, as it would without the package.
 */
import { Test } from '@nestjs/testing';
import { expect, it, vi } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { secretValue } from '../support/load-harness.js';

vi.mock('@nestjs/terminus', () => {
  throw new Error("Cannot find package '@nestjs/terminus'");
});

const fx = useEmulator();

it('loads the module and its health indicator without @nestjs/terminus', async () => {
  await expect(import('@nestjs/terminus')).rejects.toThrow(/mock/); // as if it were not installed
  const { KeyVaultConfigModule, KeyVaultHealthIndicator } = await import('nestjs-keyvault-config');
  const vault = await fx.freshVault([{ name: 'Db--Password', value: secretValue('db') }]);
  const app = await Test.createTestingModule({
    imports: [await KeyVaultConfigModule.forRoot(vault.options({ ignoreEnvFile: true }))],
  }).compile();
  await app.init();
  expect(app.get(KeyVaultHealthIndicator).isHealthy()).toMatchObject({
    keyvault: { status: 'up', secrets: 1 },
  });
  await app.close();
});

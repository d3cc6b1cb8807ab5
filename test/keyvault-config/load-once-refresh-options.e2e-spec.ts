/**
 * `refreshInterval` (and `healthFailureThreshold`) where nothing would refresh: `loadKeyVaultSecrets`
 * and the `keyVaultConfig()` load factory load once, so the option fails with INVALID_OPTIONS naming it
 * and what to use instead — before any request reaches the vault — instead of silently loading once.
 * On `keyVaultConfig()` it is also a type error.
 */
import {
  keyVaultConfig,
  loadKeyVaultSecrets,
  type KeyVaultConfigFactoryOptions,
} from 'nestjs-keyvault-config';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator({ seed: [{ name: 'Db--Password', value: secretValue('db') }] });

describe('refresh options on entry points that load once', () => {
  it.each([
    [
      'loadKeyVaultSecrets()',
      () =>
        loadKeyVaultSecrets({
          vaultUrl: fx.emulator.vaultUrl,
          clientOptions: fx.clientOptions(),
          // @ts-expect-error -- the load-once signature refuses it; this checks plain JavaScript's run time
          refreshInterval: '5m',
        }),
    ],
    [
      'keyVaultConfig()',
      () =>
        keyVaultConfig({
          vaultUrl: fx.emulator.vaultUrl,
          clientOptions: fx.clientOptions(),
          ignoreEnvFile: true,
          ...({ refreshInterval: 300_000 } as object),
        }),
    ],
  ])('%s fails with INVALID_OPTIONS naming refreshInterval and the alternative', async (entryPoint, load) => {
    fx.emulator.counters.reset();
    const error = await rejectionOf(load());
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.key).toBe('refreshInterval');
    expect(error.message).toContain(`${entryPoint} loads once`);
    expect(error.message).toContain('KeyVaultConfigModule.forRoot({ refreshInterval })');
    expect(error.message).toContain('watchKeyVaultSecrets({ refreshInterval })');
    expect(fx.emulator.counters.count()).toBe(0);
  });

  it('healthFailureThreshold too; and the load-once option types refuse both', async () => {
    const error = await rejectionOf(
      loadKeyVaultSecrets({
        vaultUrl: fx.emulator.vaultUrl,
        clientOptions: fx.clientOptions(),
        // @ts-expect-error -- as above
        healthFailureThreshold: 5,
      }),
    );
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.key).toBe('healthFailureThreshold');
    expectTypeOf<KeyVaultConfigFactoryOptions['refreshInterval']>().toEqualTypeOf<undefined>();
    // @ts-expect-error -- keyVaultConfig() loads once: refreshInterval is not an option of it
    const typed: KeyVaultConfigFactoryOptions = { refreshInterval: '5m' };
    expect(typed).toBeDefined();
  });
});

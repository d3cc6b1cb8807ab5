/**
 * A token request that never answers (identity endpoint hung) must cost one load at most: the load
 * fails TIMEOUT naming the token request, the flight is dropped, and the next load asks afresh.
 */
import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator();

describe('a hung token request', () => {
  it('fails the load TIMEOUT naming the token request, and the next load gets a new token', async () => {
    const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue('api') }]);
    const options = vault.options({ timeoutMs: 600 });
    fx.emulator.faults.failIdentity(1, 'hang');
    const error = await rejectionOf(loadKeyVaultSecrets(options));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('still waiting for the token request');
    // Same credential object: its flight must not be the hung one.
    const { config } = await loadKeyVaultSecrets({ ...options, timeoutMs: 5000 });
    expect(config).toEqual({ Api: { Key: secretValue('api') } });
    expectNoCanary(error, vault.logger.lines);
  });
});

describe('TIMEOUT names what was still pending', () => {
  it('the secrets whose reads never answered', async () => {
    const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue('api') }], {
      faults: [{ route: 'secrets.get', hang: true }],
    });
    const error = await rejectionOf(loadKeyVaultSecrets(vault.options({ timeoutMs: 500 })));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain(`still waiting for secret 'Api--Key' in ${vault.host}`);
  });

  it('the list that never answered', async () => {
    const vault = await fx.freshVault([], { faults: [{ route: 'secrets.list', hang: true }] });
    const error = await rejectionOf(loadKeyVaultSecrets(vault.options({ timeoutMs: 500 })));
    expect(error.message).toContain(`still waiting for the secret list of ${vault.host}`);
  });
});

import { describe, expect, it } from 'vitest';
import { faultError, forbidden, throttled, unauthorizedMessage, VaultErrors } from './vault.errors.js';

describe('Key Vault error bodies', () => {
  it('answers a disabled secret like Key Vault', () => {
    expect(VaultErrors.disabled('get').toBody()).toEqual({
      error: {
        code: 'Forbidden',
        message: 'Operation get is not allowed on a disabled secret.',
        innererror: { code: 'SecretDisabled' },
      },
    });
  });

  it('names caller, action, vault and the access-policy permission in 403s', () => {
    const error = forbidden({
      clientId: 'app-1',
      objectId: 'obj-1',
      tenantId: 'tenant-1',
      vaultName: 'myvault',
      permission: 'get',
      action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      secretName: 'db',
    });
    expect(error.status).toBe(403);
    expect(error.code).toBe('Forbidden');
    expect(error.innerCode).toBe('ForbiddenByRbac');
    expect(error.message).toMatch(/^Caller is not authorized to perform action on resource\.\r\n/);
    expect(error.message).toContain(
      'Caller: appid=app-1;oid=obj-1;iss=https://sts.windows.net/tenant-1/\r\n',
    );
    expect(error.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    expect(error.message).toContain('Vault: myvault;location=local');
    expect(error.message).toContain(
      "The user, group or application 'appid=app-1;oid=obj-1;iss=https://sts.windows.net/tenant-1/' does not have secrets get permission on key vault 'myvault;location=local'.",
    );
  });

  it('classifies token failures with Key Vault codes', () => {
    expect(
      unauthorizedMessage(
        'invalid audience https://management.azure.com (expected x)',
        'https://vault.azure.net',
      ),
    ).toBe(
      'AKV10022: Invalid audience. Expected https://vault.azure.net or cfa8b339-82a2-471a-a3c9-0fc0be7a4093, found: https://management.azure.com.',
    );
    expect(unauthorizedMessage('token expired at 2020-01-01T00:00:00.000Z', 'a')).toContain('IDX10223');
    expect(unauthorizedMessage('invalid signature', 'a')).toMatch(/^AKV10046/);
    expect(unauthorizedMessage('invalid issuer x', 'a')).toMatch(/^AKV10032/);
    expect(unauthorizedMessage('malformed token', 'a')).toContain('BearerReadAccessTokenFailed');
    expect(unauthorizedMessage('AKV10000: as is', 'a')).toBe('AKV10000: as is');
  });

  it('shapes throttling and injected faults', () => {
    expect(throttled(3).headers).toEqual({ 'retry-after': '3' });
    expect(throttled().headers).toEqual({});
    expect(throttled().toBody().error.code).toBe('Throttled');
    expect(faultError(503, 1).toBody().error.code).toBe('ServiceUnavailable');
    expect(faultError(500).toBody().error.code).toBe('InternalServerError');
    expect(faultError(429).status).toBe(429);
    expect(faultError(409).toBody().error.code).toBe('Conflict');
  });
});

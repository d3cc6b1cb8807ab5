import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { findReferences, hasReferences, isKeyVaultReference, parseKeyVaultReference } from './references.js';

describe('parseKeyVaultReference', () => {
  it('returns undefined for ordinary values', () => {
    expect(parseKeyVaultReference('plain')).toBeUndefined();
    expect(parseKeyVaultReference('Microsoft.KeyVault(SecretUri=x)')).toBeUndefined();
    expect(isKeyVaultReference(undefined)).toBe(false);
  });

  it.each([
    ['@Microsoft.KeyVault(SecretUri=https://my-vault.vault.azure.net/secrets/Db-Password)', undefined],
    ['@Microsoft.KeyVault(SecretUri=https://my-vault.vault.azure.net/secrets/Db-Password/)', undefined],
    [
      '@Microsoft.KeyVault(SecretUri=https://my-vault.vault.azure.net/secrets/Db-Password/ec96f02080254f109c51a1f14cdb1931)',
      'ec96f02080254f109c51a1f14cdb1931',
    ],
    [
      '  @microsoft.keyvault( secreturi = https://my-vault.vault.azure.net/secrets/Db-Password/ec96f02080254f109c51a1f14cdb1931/ ; )  ',
      'ec96f02080254f109c51a1f14cdb1931',
    ],
  ])('parses SecretUri form %s', (value, version) => {
    expect(parseKeyVaultReference(value)).toEqual({
      vaultUrl: 'https://my-vault.vault.azure.net',
      vault: 'my-vault.vault.azure.net',
      secretName: 'Db-Password',
      version,
      form: 'SecretUri',
    });
  });

  it('parses a SecretUri to a loopback vault with a port', () => {
    expect(
      parseKeyVaultReference('@Microsoft.KeyVault(SecretUri=https://127.0.0.1:8443/secrets/x)'),
    ).toMatchObject({
      vaultUrl: 'https://127.0.0.1:8443',
      vault: '127.0.0.1:8443',
      secretName: 'x',
    });
  });

  it('parses the VaultName form with the DNS suffix', () => {
    expect(parseKeyVaultReference('@Microsoft.KeyVault(VaultName=my-vault;SecretName=Db-Password)')).toEqual({
      vaultUrl: 'https://my-vault.vault.azure.net',
      vault: 'my-vault.vault.azure.net',
      secretName: 'Db-Password',
      version: undefined,
      form: 'VaultName',
    });
    expect(
      parseKeyVaultReference(
        '@Microsoft.KeyVault( vaultname = My-Vault ; SECRETNAME=Db-Password ; SecretVersion=abc123 ; )',
        { vaultDnsSuffix: 'vault.azure.cn' },
      ),
    ).toMatchObject({
      vaultUrl: 'https://my-vault.vault.azure.cn',
      secretName: 'Db-Password',
      version: 'abc123',
    });
  });

  it.each([
    ['@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x', 'closing parenthesis'],
    ['@Microsoft.KeyVault()', 'either SecretUri'],
    ['@Microsoft.KeyVault(VaultName=v)', 'either SecretUri'],
    ['@Microsoft.KeyVault(SecretName=x)', 'either SecretUri'],
    ['@Microsoft.KeyVault(VaultName=v;SecretName=x;Foo=1)', "unknown key 'Foo'"],
    ['@Microsoft.KeyVault(VaultName=v;VaultName=w;SecretName=x)', 'twice'],
    ['@Microsoft.KeyVault(VaultName=v;SecretName=bad_name)', 'SecretName'],
    ['@Microsoft.KeyVault(VaultName=v.x;SecretName=a)', 'VaultName'],
    ['@Microsoft.KeyVault(VaultName=v;SecretName=a;SecretVersion=x-y)', 'SecretVersion'],
    ['@Microsoft.KeyVault(SecretUri=)', 'empty'],
    ['@Microsoft.KeyVault(SecretUri=not a url)', 'not a URL'],
    ['@Microsoft.KeyVault(SecretUri=http://v.vault.azure.net/secrets/x)', 'https'],
    ['@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/keys/x)', '/secrets/'],
    ['@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x/1/2)', '/secrets/'],
    ['@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x?a=1)', 'query'],
    ['@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x;VaultName=v)', 'cannot be combined'],
    ['@Microsoft.KeyVault(garbage)', 'Key=Value'],
  ])('rejects %s', (value, what) => {
    let caught: unknown;
    try {
      parseKeyVaultReference(value, { variable: 'DB_PASSWORD' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyVaultConfigError);
    const error = caught as KeyVaultConfigError;
    expect(error.code).toBe(KeyVaultConfigErrorCode.InvalidReference);
    expect(error.key).toBe('DB_PASSWORD');
    expect(error.message).toContain('DB_PASSWORD');
    expect(error.message).toContain(what);
    expect(error.message).not.toContain(value);
  });

  it('allows http only for loopback SecretUri hosts', () => {
    expect(
      parseKeyVaultReference('@Microsoft.KeyVault(SecretUri=http://localhost:8080/secrets/x)'),
    ).toMatchObject({
      vaultUrl: 'http://localhost:8080',
    });
  });
});

describe('findReferences', () => {
  it('finds references and skips other variables', () => {
    const env = {
      PLAIN: 'x',
      DB_PASSWORD: '@Microsoft.KeyVault(VaultName=v;SecretName=Db-Password)',
      EMPTY: undefined,
      API: '@Microsoft.KeyVault(SecretUri=https://w.vault.azure.net/secrets/Api/)',
    };
    expect(hasReferences(env)).toBe(true);
    expect(findReferences(env).map((r) => [r.variable, r.reference.vault, r.reference.secretName])).toEqual([
      ['DB_PASSWORD', 'v.vault.azure.net', 'Db-Password'],
      ['API', 'w.vault.azure.net', 'Api'],
    ]);
    expect(hasReferences({ A: 'b' })).toBe(false);
  });

  it('names the variable of a malformed reference', () => {
    expect(() =>
      findReferences({
        BROKEN: '@Microsoft.KeyVault(SecretUri=https://user:pw@v.vault.azure.net/secrets/x)',
      }),
    ).toThrow(/BROKEN/);
  });
});

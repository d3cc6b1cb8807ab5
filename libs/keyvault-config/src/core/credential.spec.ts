import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ChainedTokenCredential, CredentialUnavailableError } from '@azure/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetCredentialCacheForTests, resolveCredential, toCredentialError } from './credential.js';
import { KeyVaultConfigError } from './errors.js';
import { APPID, jwt, OID, TID } from '../../../../test/support/unsigned-jwt.js';

function logger() {
  return {
    log: vi.fn<(message: string) => void>(),
    warn: vi.fn<(message: string) => void>(),
    error: vi.fn<(message: string) => void>(),
    debug: vi.fn<(message: string) => void>(),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetCredentialCacheForTests();
});

// ---------------------------------------------------------------------------------------------------
// The chain recorder and the tracked credential, with in-process fake credentials (no network).
// ---------------------------------------------------------------------------------------------------

class UnavailableCredential implements TokenCredential {
  calls = 0;
  constructor(private readonly reason: string) {}
  async getToken(): Promise<AccessToken | null> {
    this.calls++;
    throw new CredentialUnavailableError(this.reason);
  }
}

class FakeManagedCredential implements TokenCredential {
  calls = 0;
  constructor(private readonly token: string) {}
  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const SCOPE = 'https://vault.azure.net/.default';

describe('resolveCredential with a custom credential', () => {
  it('reports the custom credential’s class name and the token’s claims, and logs once per process', async () => {
    const token = jwt({ oid: OID, appid: APPID, tid: TID });
    const custom = new FakeManagedCredential(token);
    const log = logger();
    const resolved = resolveCredential({ credential: custom }, log);
    expect(resolved.describe()).toBeUndefined();
    const result = await resolved.credential.getToken(SCOPE);
    expect(result?.token).toBe(token);
    expect(resolved.describe()).toEqual({
      name: 'FakeManagedCredential',
      objectId: OID,
      clientId: APPID,
      tenantId: TID,
    });
    await resolved.credential.getToken(SCOPE);
    const again = resolveCredential({ credential: custom }, log);
    expect(again.credential).toBe(resolved.credential);
    await again.credential.getToken(SCOPE);
    expect(log.log).toHaveBeenCalledTimes(1);
    expect(log.log).toHaveBeenCalledWith(
      `Authenticated to Key Vault using FakeManagedCredential as oid=${OID} appid=${APPID} tid=${TID}`,
    );
    const logged = JSON.stringify([log.log.mock.calls, log.debug.mock.calls, log.warn.mock.calls]);
    expect(logged).not.toContain(token.split('.')[1]);
    expect(JSON.stringify(resolved.describe())).not.toContain(token.split('.')[1]);
  });

  it('copes with a non-JWT token', async () => {
    const log = logger();
    const resolved = resolveCredential({ credential: new FakeManagedCredential('opaque') }, log);
    await resolved.credential.getToken(SCOPE);
    expect(resolved.describe()).toEqual({ name: 'FakeManagedCredential' });
    expect(log.log).toHaveBeenCalledWith(
      'Authenticated to Key Vault using FakeManagedCredential (the token carries no readable identity claims)',
    );
  });

  it('shares one token request among concurrent callers (several vaults)', async () => {
    const custom = new FakeManagedCredential(jwt({ oid: OID }));
    const resolved = resolveCredential({ credential: custom }, logger());
    const other = resolveCredential({ credential: custom }, logger());
    const tokens = await Promise.all([
      resolved.credential.getToken(SCOPE),
      other.credential.getToken(SCOPE),
      resolved.credential.getToken(SCOPE),
    ]);
    expect(custom.calls).toBe(1);
    expect(new Set(tokens.map((t) => t?.token)).size).toBe(1);
  });

  it('lets a concurrent caller abort without failing the others', async () => {
    const custom = new FakeManagedCredential(jwt({ oid: OID }));
    const resolved = resolveCredential({ credential: custom }, logger());
    const controller = new AbortController();
    const first = resolved.credential.getToken(SCOPE);
    const second = resolved.credential.getToken(SCOPE, { abortSignal: controller.signal });
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await expect(first).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('names a custom chain by its class, with the identity from the token (no look inside the chain)', async () => {
    const cli = new UnavailableCredential("Please run 'az login' from a command prompt to authenticate.");
    const managed = new FakeManagedCredential(jwt({ oid: OID, appid: APPID, tid: TID }));
    const resolved = resolveCredential({ credential: new ChainedTokenCredential(cli, managed) }, logger());
    await resolved.credential.getToken(SCOPE);
    expect(resolved.describe()).toEqual({
      name: 'ChainedTokenCredential',
      objectId: OID,
      clientId: APPID,
      tenantId: TID,
    });
    expect(cli.calls).toBe(1);
  });

  it('turns a failing chain into one error naming each credential, in order', async () => {
    class FirstCredential extends UnavailableCredential {}
    class SecondCredential extends UnavailableCredential {}
    // Like the SDK's credentials, each names itself in its message: that, not the chain's insides, attributes it.
    const chain = new ChainedTokenCredential(
      new FirstCredential('FirstCredential: first is off'),
      new SecondCredential('SecondCredential: second too'),
    );
    const resolved = resolveCredential({ credential: chain }, logger());
    const thrown = await resolved.credential.getToken(SCOPE).catch((e: unknown) => e);
    expect((thrown as Error).name).toBe('AggregateAuthenticationError');
    const error = toCredentialError(thrown)!;
    expect(error.message.split('\n').slice(0, 3)).toEqual([
      'The credential passed as `credential` (ChainedTokenCredential) could not get a token for Azure Key Vault:',
      '  - FirstCredential: First is off',
      '  - SecondCredential: Second too',
    ]);
    expect(resolved.describe()).toBeUndefined();
  });

  it('rejects a credential without getToken', () => {
    expect(() => resolveCredential({ credential: {} as TokenCredential }, logger())).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
  });
});

describe('resolveCredential with the default chain', () => {
  it('rejects an invalid AZURE_TOKEN_CREDENTIALS with the valid values', () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'laptop');
    let error: unknown;
    try {
      resolveCredential({}, logger());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect((error as KeyVaultConfigError).code).toBe('INVALID_OPTIONS');
    expect((error as KeyVaultConfigError).message).toContain('AZURE_TOKEN_CREDENTIALS');
    expect((error as KeyVaultConfigError).message).toContain("'dev'");
  });

  it('is one process-wide credential per client id and credential environment (vaults and refreshes share it)', () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'dev');
    const a = resolveCredential({ managedIdentityClientId: APPID }, logger());
    expect(resolveCredential({ managedIdentityClientId: APPID }, logger()).credential).toBe(a.credential);
    expect(resolveCredential({ env: { AZURE_CLIENT_ID: APPID } }, logger()).credential).toBe(a.credential);
    expect(resolveCredential({ managedIdentityClientId: OID }, logger()).credential).not.toBe(a.credential);
    vi.stubEnv('AZURE_TENANT_ID', TID);
    expect(resolveCredential({ managedIdentityClientId: APPID }, logger()).credential).not.toBe(a.credential);
    expect(a.describe()).toBeUndefined();
  });
});

describe('the identity line, per load', () => {
  it('two loads sharing a credential, with two loggers: each logger gets its own identity line, once', async () => {
    const custom = new FakeManagedCredential(jwt({ oid: OID, appid: APPID, tid: TID }));
    const first = logger();
    const second = logger();
    const a = resolveCredential({ credential: custom }, first);
    const b = resolveCredential({ credential: custom }, second);
    // One token for both (their vault clients share the credential), asked through the first load's handle.
    await a.credential.getToken(SCOPE);
    await b.credential.getToken(SCOPE);
    const line = `Authenticated to Key Vault using FakeManagedCredential as oid=${OID} appid=${APPID} tid=${TID}`;
    expect(first.log.mock.calls).toEqual([[line]]);
    expect(second.log.mock.calls).toEqual([[line]]);
  });

  it('two loads with two credentials and two loggers: neither logger gets the other load’s identity', async () => {
    class FirstIdentity extends FakeManagedCredential {}
    class SecondIdentity extends FakeManagedCredential {}
    const OTHER = '11111111-2222-4333-8444-555555555555';
    const first = logger();
    const second = logger();
    const a = resolveCredential({ credential: new FirstIdentity(jwt({ oid: OID })) }, first);
    const b = resolveCredential({ credential: new SecondIdentity(jwt({ oid: OTHER })) }, second);
    await Promise.all([a.credential.getToken(SCOPE), b.credential.getToken(SCOPE)]);
    expect(first.log.mock.calls).toEqual([[`Authenticated to Key Vault using FirstIdentity as oid=${OID}`]]);
    expect(second.log.mock.calls).toEqual([
      [`Authenticated to Key Vault using SecondIdentity as oid=${OTHER}`],
    ]);
  });

  it('a later load is told at once: its cached vault client may never ask for a token again', async () => {
    const custom = new FakeManagedCredential(jwt({ oid: OID }));
    await resolveCredential({ credential: custom }, logger()).credential.getToken(SCOPE);
    const later = logger();
    resolveCredential({ credential: custom }, later);
    expect(later.log.mock.calls).toEqual([
      [`Authenticated to Key Vault using FakeManagedCredential as oid=${OID}`],
    ]);
    expect(custom.calls).toBe(1);
  });

  it('a failed token request tells no one', async () => {
    const log = logger();
    const resolved = resolveCredential({ credential: new UnavailableCredential('off') }, log);
    await resolved.credential.getToken(SCOPE).catch(() => undefined);
    expect(log.log).not.toHaveBeenCalled();
  });
});

describe('the real DefaultAzureCredential failing (public data only)', () => {
  it('lists every credential of its chain in order, the ones it skipped without an error included', async () => {
    // Developer tools only, none installed: nothing leaves the process (no IMDS probe in the dev chain).
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'dev');
    vi.stubEnv('PATH', '/nonexistent');
    const resolved = resolveCredential({}, logger());
    const thrown = await resolved.credential.getToken(SCOPE).catch((e: unknown) => e);
    expect((thrown as Error).name).toBe('AggregateAuthenticationError');
    const lines = toCredentialError(thrown)!.message.split('\n');
    expect(lines[0]).toBe(
      'No credential could get a token for Azure Key Vault. DefaultAzureCredential tried (AZURE_TOKEN_CREDENTIALS=dev):',
    );
    expect(lines.slice(1, lines.indexOf('To fix:')).map((l) => /^ {2}- (\w+)/.exec(l)?.[1])).toEqual([
      'VisualStudioCodeCredential',
      'AzureCliCredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCliCredential',
      'BrokerCredential',
    ]);
    expect(lines).toContain(
      "  - AzureCliCredential: Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
    );
    expect(lines[5]).toMatch(
      /^ {2}- BrokerCredential: skipped — Not set up here: needs the @azure\/identity-broker plugin/,
    );
  });
});

import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  AggregateAuthenticationError,
  AuthenticationError,
  ChainedTokenCredential,
  CredentialUnavailableError,
  DefaultAzureCredential,
} from '@azure/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  attemptsFromError,
  buildCredentialFailureMessage,
  credentialDetail,
  credentialNameFromMessage,
  formatCredentialInfo,
  installRecorders,
  managedIdentitySource,
  resetCredentialCacheForTests,
  resolveCredential,
  shortReason,
  sourceName,
  toCredentialError,
} from './credential.js';
import { KeyVaultConfigError } from './errors.js';
import { decodeTokenClaims } from './token-claims.js';

const OID = '6f1c3c1e-8d1e-4c3a-9a55-2f4f0c7b1a11';
const APPID = '0b6f9f0e-1111-4222-8333-944455556666';
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT' }): string {
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}

function logger() {
  return {
    log: vi.fn<(message: string) => void>(),
    warn: vi.fn<(message: string) => void>(),
    error: vi.fn<(message: string) => void>(),
    debug: vi.fn<(message: string) => void>(),
  };
}

const noFiles = { platform: 'linux' as const, fileExists: () => false };

afterEach(() => {
  vi.unstubAllEnvs();
  resetCredentialCacheForTests();
});

describe('decodeTokenClaims', () => {
  it('reads oid, appid and tid of a v1 token', () => {
    expect(
      decodeTokenClaims(jwt({ aud: 'https://vault.azure.net', oid: OID, appid: APPID, tid: TID })),
    ).toEqual({
      objectId: OID,
      clientId: APPID,
      tenantId: TID,
    });
  });

  it('falls back to azp for v2 tokens and tolerates base64url padding', () => {
    const token = jwt({ oid: OID, azp: APPID, tid: TID });
    const [h, p, s] = token.split('.');
    expect(decodeTokenClaims(`${h}.${p}==.${s}`)).toEqual({ objectId: OID, clientId: APPID, tenantId: TID });
  });

  it('returns only the identity claims, never the rest of the payload', () => {
    const claims = decodeTokenClaims(jwt({ oid: OID, name: 'Jane', upn: 'jane@contoso.com', scp: 'x' }));
    expect(claims).toEqual({ objectId: OID, clientId: undefined, tenantId: undefined });
  });

  it('returns undefined for garbage, missing parts, non-JSON or non-object payloads — without throwing', () => {
    for (const token of [
      '',
      'opaque-token-from-a-custom-credential',
      'a.b',
      'a..c',
      'a.b.c.d.e',
      'header.!!!notbase64!!!.sig',
      `x.${Buffer.from('not json').toString('base64url')}.y`,
      `x.${Buffer.from('[1,2]').toString('base64url')}.y`,
      `x.${Buffer.from('null').toString('base64url')}.y`,
      jwt({ aud: 'https://vault.azure.net' }),
      undefined,
      null,
    ]) {
      expect(decodeTokenClaims(token), String(token)).toBeUndefined();
    }
  });

  it('drops claim values that are not plain identifiers (no log injection)', () => {
    expect(decodeTokenClaims(jwt({ oid: 'x\nAuthenticated as admin', appid: 42, tid: TID }))).toEqual({
      objectId: undefined,
      clientId: undefined,
      tenantId: TID,
    });
  });
});

describe('managedIdentitySource', () => {
  it('follows MSAL’s order of detection', () => {
    const appService = { IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token', IDENTITY_HEADER: 'h' };
    expect(managedIdentitySource(appService, undefined, noFiles)).toBe('App Service');
    expect(
      managedIdentitySource({ ...appService, IDENTITY_SERVER_THUMBPRINT: 'ab' }, undefined, noFiles),
    ).toBe('Service Fabric');
    expect(managedIdentitySource({ MSI_ENDPOINT: 'http://x', MSI_SECRET: 's' }, undefined, noFiles)).toBe(
      'Azure Machine Learning',
    );
    expect(
      managedIdentitySource({ MSI_ENDPOINT: 'http://localhost:50342/oauth2/token' }, undefined, noFiles),
    ).toBe('Cloud Shell');
    expect(
      managedIdentitySource(
        { IDENTITY_ENDPOINT: 'http://localhost:40342', IMDS_ENDPOINT: 'http://x' },
        undefined,
        noFiles,
      ),
    ).toBe('Azure Arc');
    expect(managedIdentitySource({}, undefined, noFiles)).toBe('IMDS');
    expect(
      managedIdentitySource({ AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:1' }, undefined, noFiles),
    ).toBe('IMDS');
  });

  it('detects Azure Arc from the agent file when the variables are absent', () => {
    const seen: string[] = [];
    const fileExists = (path: string): boolean => (seen.push(path), true);
    expect(managedIdentitySource({}, undefined, { platform: 'linux', fileExists })).toBe('Azure Arc');
    expect(seen).toEqual(['/opt/azcmagent/bin/himds']);
    expect(managedIdentitySource({}, undefined, { platform: 'darwin', fileExists })).toBe('IMDS');
  });

  it('recognises the AKS workload-identity token exchange, which needs a client id', () => {
    const aks = { AZURE_TENANT_ID: TID, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/token' };
    expect(managedIdentitySource(aks, undefined, noFiles)).toBe('IMDS');
    expect(managedIdentitySource(aks, APPID, noFiles)).toBe('AKS workload identity');
    expect(managedIdentitySource({ ...aks, AZURE_CLIENT_ID: APPID }, undefined, noFiles)).toBe(
      'AKS workload identity',
    );
  });

  it('treats empty variables as unset, as the SDK does', () => {
    expect(managedIdentitySource({ IDENTITY_ENDPOINT: '', IDENTITY_HEADER: '' }, undefined, noFiles)).toBe(
      'IMDS',
    );
  });
});

describe('credentialDetail / formatCredentialInfo', () => {
  it('names how each credential authenticates', () => {
    expect(credentialDetail('WorkloadIdentityCredential', {})).toBe('AKS workload identity');
    expect(
      credentialDetail('EnvironmentCredential', {
        AZURE_TENANT_ID: TID,
        AZURE_CLIENT_ID: APPID,
        AZURE_CLIENT_SECRET: 's',
      }),
    ).toBe('service principal, client secret');
    expect(
      credentialDetail('EnvironmentCredential', {
        AZURE_TENANT_ID: TID,
        AZURE_CLIENT_ID: APPID,
        AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem',
      }),
    ).toBe('service principal, certificate');
    expect(credentialDetail('AzureCliCredential', {})).toBeUndefined();
  });

  it('formats the log line without any token', () => {
    expect(
      formatCredentialInfo({
        name: 'ManagedIdentityCredential',
        detail: 'App Service',
        objectId: OID,
        clientId: APPID,
        tenantId: TID,
      }),
    ).toBe(`ManagedIdentityCredential (App Service) as oid=${OID} appid=${APPID} tid=${TID}`);
    expect(formatCredentialInfo({ name: 'MyCredential' })).toBe(
      'MyCredential (the token carries no readable identity claims)',
    );
  });
});

describe('shortReason', () => {
  it('drops the SDK’s troubleshooting links and class prefixes', () => {
    expect(
      shortReason(
        "CredentialUnavailableError: Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.",
      ),
    ).toBe("Azure Developer CLI couldn't be found.");
    expect(
      shortReason(
        'Error: Unable to execute PowerShell. Ensure that it is installed in your system. To troubleshoot, visit https://aka.ms/azsdk/js/identity/powershellcredential/troubleshoot.',
      ),
    ).toBe('Unable to execute PowerShell. Ensure that it is installed in your system.');
    expect(
      shortReason(
        'ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details',
        'ManagedIdentityCredential',
      ),
    ).toBe('Network unreachable. Message: network_error');
    expect(
      shortReason(
        'WorkloadIdentityCredential: is unavailable. clientId is a required parameter. In DefaultAzureCredential and ManagedIdentityCredential, this can be provided as an environment variable - "AZURE_CLIENT_ID".\n        See the troubleshooting guide for more information: https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot',
        'WorkloadIdentityCredential',
      ),
    ).toBe(
      'clientId is a required parameter. In DefaultAzureCredential and ManagedIdentityCredential, this can be provided as an environment variable - "AZURE_CLIENT_ID".',
    );
  });

  it('reduces MSAL’s managed identity errors to what happened', () => {
    expect(
      shortReason(
        'ManagedIdentityCredential: Authentication failed. Message : Error(s): Not Available - Timestamp: Not Available - Description: Unable to load the proper Managed Identity. - Correlation ID: df2ddbcf-4a91-4c90-91a9-217f716869b3 - Trace ID: Not Available',
        'ManagedIdentityCredential',
      ),
    ).toBe(
      'Authentication failed. Unable to load the proper Managed Identity. - Correlation ID: df2ddbcf-4a91-4c90-91a9-217f716869b3',
    );
    expect(
      shortReason(
        'ManagedIdentityCredential: Authentication failed. Message invalid_request: Error(s): Not Available - Timestamp: Not Available - Description: Identity not found - Correlation ID: Not Available - Trace ID: Not Available',
        'ManagedIdentityCredential',
      ),
    ).toBe('Authentication failed. invalid_request: Identity not found');
  });

  it('keeps the first sentence of a long reason', () => {
    expect(
      shortReason(
        'Broker for WAM was requested, but no plugin was configured or no authentication record was found. You must install the @azure/identity-broker plugin package (npm install --save @azure/identity-broker) and enable it by importing `useIdentityPlugin` from `@azure/identity` and calling useIdentityPlugin(nativeBrokerPlugin) before using enableBroker.',
      ),
    ).toBe(
      'Broker for WAM was requested, but no plugin was configured or no authentication record was found.',
    );
  });

  it('explains an unconfigured EnvironmentCredential', () => {
    expect(
      shortReason(
        'EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
        'EnvironmentCredential',
      ),
    ).toMatch(/^Not configured \(needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/);
  });

  it('keeps useful links, redacts tokens and caps the length', () => {
    expect(
      shortReason(
        "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
      ),
    ).toContain('https://aka.ms/azure-cli');
    const token = jwt({ oid: OID });
    expect(shortReason(`bad response ${token}`)).toBe('Bad response [token redacted]');
    expect(shortReason('x'.repeat(1000)).length).toBeLessThanOrEqual(280);
  });
});

describe('credentialNameFromMessage', () => {
  it('attributes the SDK’s messages to their credential', () => {
    expect(credentialNameFromMessage('EnvironmentCredential is unavailable.')).toBe('EnvironmentCredential');
    expect(credentialNameFromMessage('ManagedIdentityCredential: Network unreachable.')).toBe(
      'ManagedIdentityCredential',
    );
    expect(credentialNameFromMessage("Please run 'az login' from a command prompt")).toBe(
      'AzureCliCredential',
    );
    expect(credentialNameFromMessage('Azure CLI could not be found.')).toBe('AzureCliCredential');
    expect(credentialNameFromMessage('Visual Studio Code Authentication is not available.')).toBe(
      'VisualStudioCodeCredential',
    );
    expect(credentialNameFromMessage("Azure Developer CLI couldn't be found.")).toBe(
      'AzureDeveloperCliCredential',
    );
    expect(credentialNameFromMessage('Unable to execute PowerShell.')).toBe('AzurePowerShellCredential');
    expect(credentialNameFromMessage('something else')).toBeUndefined();
  });
});

const aggregate = (): AggregateAuthenticationError =>
  new AggregateAuthenticationError(
    [
      new CredentialUnavailableError(
        'EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
      ),
      new CredentialUnavailableError(
        'ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details',
      ),
      new CredentialUnavailableError(
        "Please run 'az login' from a command prompt to authenticate before using this credential.",
      ),
    ],
    'ChainedTokenCredential authentication failed.',
  );

describe('toCredentialError', () => {
  it('turns an AggregateAuthenticationError into one CREDENTIAL_UNAVAILABLE listing each credential and the fixes', () => {
    const error = toCredentialError(aggregate());
    expect(error).toBeInstanceOf(KeyVaultConfigError);
    expect(error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe(
      'No credential could get a token for Azure Key Vault. DefaultAzureCredential tried:',
    );
    expect(lines[1]).toMatch(/^ {2}- EnvironmentCredential: Not configured/);
    expect(lines[2]).toBe('  - ManagedIdentityCredential: Network unreachable. Message: network_error');
    expect(lines[3]).toBe(
      "  - AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential.",
    );
    expect(error!.message).toContain('`az login`');
    expect(error!.message).toContain('az account set --subscription <subscription id>');
    expect(error!.message).toContain('az webapp identity assign --name <app> --resource-group <rg>');
    expect(error!.message).toContain(
      'az role assignment create --role "Key Vault Secrets User" --assignee <principalId> --scope <vault resource id>',
    );
    expect(error!.message).toContain('az identity federated-credential create');
    expect(error!.message).toContain('managedIdentityClientId (or AZURE_CLIENT_ID)');
    expect(error!.message).not.toContain('aka.ms/azsdk');
    expect(error!.credential).toBe('DefaultAzureCredential');
  });

  it('keeps a safe copy of the SDK error as cause', () => {
    const error = toCredentialError(aggregate())!;
    const cause = error.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('AggregateAuthenticationError');
    expect((cause as { errors?: unknown }).errors).toBeUndefined();
  });

  it('handles a single CredentialUnavailableError and an AuthenticationError', () => {
    expect(
      toCredentialError(new CredentialUnavailableError('Azure CLI could not be found.'))?.message,
    ).toContain('  - AzureCliCredential: Azure CLI could not be found.');
    const auth = new AuthenticationError(401, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.',
    });
    const error = toCredentialError(auth);
    expect(error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    expect(error?.message).toContain(
      '  - Credential: failed — invalid_client Status code: 401 More details: AADSTS7000215: Invalid client secret provided.',
    );
  });

  it('finds a credential error in the cause chain', () => {
    const wrapped = new Error('request failed', { cause: aggregate() });
    expect(toCredentialError(wrapped)?.code).toBe('CREDENTIAL_UNAVAILABLE');
  });

  it('returns undefined for anything else, and passes its own errors through', () => {
    const rest = Object.assign(new Error('Forbidden'), { name: 'RestError', statusCode: 403 });
    expect(toCredentialError(rest)).toBeUndefined();
    expect(toCredentialError(new Error('boom'))).toBeUndefined();
    expect(toCredentialError('string')).toBeUndefined();
    expect(toCredentialError(undefined)).toBeUndefined();
    const own = new KeyVaultConfigError('CREDENTIAL_UNAVAILABLE', 'x');
    expect(toCredentialError(own)).toBe(own);
    expect(toCredentialError(new KeyVaultConfigError('TIMEOUT', 'x'))).toBeUndefined();
  });

  it('never puts a token in the message', () => {
    const token = jwt({ oid: OID, appid: APPID });
    const error = toCredentialError(
      new CredentialUnavailableError(`ManagedIdentityCredential: weird body ${token}`),
    )!;
    expect(error.message).not.toContain(token);
    expect((error.cause as Error).message).not.toContain(token);
  });
});

describe('buildCredentialFailureMessage', () => {
  it('lists skipped and failed credentials with their detail, and the configured client id', () => {
    const message = buildCredentialFailureMessage(
      [
        { name: 'EnvironmentCredential', outcome: 'unavailable', reason: 'Not configured' },
        {
          name: 'WorkloadIdentityCredential',
          outcome: 'skipped',
          reason: 'ClientId is a required parameter.',
        },
        {
          name: 'ManagedIdentityCredential',
          detail: 'IMDS',
          outcome: 'unavailable',
          reason: 'Identity not found',
        },
      ],
      {
        chain: 'DefaultAzureCredential',
        managedIdentityClientId: APPID,
        clientIdFrom: 'AZURE_CLIENT_ID',
        tokenCredentials: 'prod',
      },
    );
    expect(message.split('\n').slice(0, 4)).toEqual([
      'No credential could get a token for Azure Key Vault. DefaultAzureCredential tried (AZURE_TOKEN_CREDENTIALS=prod):',
      '  - EnvironmentCredential: Not configured',
      '  - WorkloadIdentityCredential: skipped — ClientId is a required parameter.',
      '  - ManagedIdentityCredential (IMDS): Identity not found',
    ]);
    expect(message).toContain(`now ${APPID}, from AZURE_CLIENT_ID`);
  });

  it('names a custom credential', () => {
    const message = buildCredentialFailureMessage([], { chain: 'MyCredential' });
    expect(message.split('\n')[0]).toBe(
      'The credential passed as `credential` (MyCredential) could not get a token for Azure Key Vault:',
    );
    expect(message).toContain('  - Check how MyCredential (the `credential` option) is configured');
    expect(message).toContain('new ManagedIdentityCredential({ clientId })');
    expect(message).not.toContain('system-assigned identity is used');
  });
});

describe('attemptsFromError', () => {
  it('uses the custom credential’s name when a message names none', () => {
    expect(attemptsFromError(new CredentialUnavailableError('nope'), 'MyCredential')).toEqual([
      { name: 'MyCredential', outcome: 'unavailable', reason: 'Nope' },
    ]);
  });
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

/** ChainedTokenCredential's internal list of credentials. */
function sourcesOf(chain: object): object[] {
  return Reflect.get(chain, '_sources') as object[];
}

describe('DefaultAzureCredential internals the recorder relies on', () => {
  it('exposes its credential list as ChainedTokenCredential#_sources (pinned: an SDK upgrade that changes it fails here)', () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'dev');
    const chain = new DefaultAzureCredential();
    const before = sourcesOf(chain).map((s) => sourceName(s));
    expect(before).toEqual([
      'VisualStudioCodeCredential',
      'AzureCliCredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCliCredential',
      'BrokerCredential',
    ]);
    expect(installRecorders(chain)).toBe(true);
    const after = sourcesOf(chain);
    // The proxies keep the SDK's own class names (its logging reads constructor.name).
    expect(after.map((s) => s.constructor.name).slice(0, 4)).toEqual(before.slice(0, 4));
  });

  it('leaves an unknown shape alone', () => {
    expect(installRecorders({})).toBe(false);
    expect(installRecorders({ _sources: [{}] })).toBe(false);
  });
});

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

  it('records which credential of a chain answered, and every one that failed', async () => {
    const cli = new UnavailableCredential("Please run 'az login' from a command prompt to authenticate.");
    const managed = new FakeManagedCredential(jwt({ oid: OID, appid: APPID, tid: TID }));
    const chain = new ChainedTokenCredential(cli, managed);
    expect(installRecorders(chain)).toBe(true);
    const resolved = resolveCredential({ credential: chain }, logger());
    await resolved.credential.getToken(SCOPE);
    expect(resolved.describe()).toMatchObject({ name: 'FakeManagedCredential', objectId: OID });
    expect(cli.calls).toBe(1);
  });

  it('turns a failing chain into one error naming each credential, in order', async () => {
    class FirstCredential extends UnavailableCredential {}
    class SecondCredential extends UnavailableCredential {}
    const chain = new ChainedTokenCredential(
      new FirstCredential('first is off'),
      new SecondCredential('second too'),
    );
    installRecorders(chain);
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

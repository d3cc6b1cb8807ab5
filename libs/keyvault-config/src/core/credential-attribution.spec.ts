import { describe, expect, it } from 'vitest';
import {
  attributeChainToken,
  credentialDetail,
  formatCredentialInfo,
  managedIdentityPlatform,
} from './credential-attribution.js';
import { DEFAULT_CHAIN_CREDENTIAL_NAMES } from './credential-chain.js';
import { APPID, OID, TID } from '../../../../test/support/unsigned-jwt.js';

describe('managedIdentityPlatform', () => {
  it('labels the platform from the variables it sets, most specific first', () => {
    const appService = { IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token', IDENTITY_HEADER: 'h' };
    expect(managedIdentityPlatform(appService)).toBe('App Service');
    expect(managedIdentityPlatform({ ...appService, IDENTITY_SERVER_THUMBPRINT: 'ab' })).toBe(
      'Service Fabric',
    );
    expect(managedIdentityPlatform({ MSI_ENDPOINT: 'http://x', MSI_SECRET: 's' })).toBe(
      'Azure Machine Learning',
    );
    expect(managedIdentityPlatform({ MSI_ENDPOINT: 'http://localhost:50342/oauth2/token' })).toBe(
      'Cloud Shell',
    );
    expect(
      managedIdentityPlatform({ IDENTITY_ENDPOINT: 'http://localhost:40342', IMDS_ENDPOINT: 'http://x' }),
    ).toBe('Azure Arc');
    expect(managedIdentityPlatform({})).toBe('IMDS');
    expect(managedIdentityPlatform({ AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:1' })).toBe('IMDS');
  });

  it('recognises the AKS workload-identity token exchange, which needs a client id', () => {
    const aks = { AZURE_TENANT_ID: TID, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/token' };
    expect(managedIdentityPlatform(aks)).toBe('IMDS');
    expect(managedIdentityPlatform(aks, APPID)).toBe('AKS workload identity');
    expect(managedIdentityPlatform({ ...aks, AZURE_CLIENT_ID: APPID })).toBe('AKS workload identity');
  });

  it('treats empty variables as unset, as the SDK does', () => {
    expect(managedIdentityPlatform({ IDENTITY_ENDPOINT: '', IDENTITY_HEADER: '' })).toBe('IMDS');
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

const CLI_APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const POWERSHELL_APP = '1950a258-227b-4e31-a9cf-717495945fc2';
const FULL = [...DEFAULT_CHAIN_CREDENTIAL_NAMES];
const DEV = FULL.slice(3);
const appService = { IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token', IDENTITY_HEADER: 'h' };
const workload = {
  AZURE_CLIENT_ID: APPID,
  AZURE_TENANT_ID: TID,
  AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
};

describe('attributeChainToken (which credential of DefaultAzureCredential answered, from public data)', () => {
  it('a managed identity token: ManagedIdentityCredential with the platform, or WorkloadIdentityCredential on AKS', () => {
    const mi = { chain: FULL, clientId: APPID, kind: 'managedIdentity' as const };
    expect(attributeChainToken({ ...mi, env: appService })).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'App Service',
    });
    expect(attributeChainToken({ ...mi, env: {} })).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'IMDS',
    });
    expect(
      attributeChainToken({
        ...mi,
        env: { IDENTITY_ENDPOINT: 'http://localhost:40342', IMDS_ENDPOINT: 'http://x' },
      }),
    ).toEqual({ name: 'ManagedIdentityCredential', detail: 'Azure Arc' });
    expect(
      attributeChainToken({ ...mi, env: { MSI_ENDPOINT: 'http://localhost:50342/oauth2/token' } }),
    ).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'Cloud Shell',
    });
    // WorkloadIdentityCredential comes first in the chain and is set up on an AKS pod with workload identity.
    expect(attributeChainToken({ ...mi, env: workload })).toEqual({
      name: 'WorkloadIdentityCredential',
      detail: 'AKS workload identity',
    });
    // AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential: the token exchange goes through ManagedIdentityCredential.
    expect(attributeChainToken({ ...mi, chain: ['ManagedIdentityCredential'], env: workload })).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'AKS workload identity',
    });
  });

  it('a service principal token: EnvironmentCredential with its kind, else a federated workload identity', () => {
    const sp = { chain: FULL, clientId: APPID, kind: 'servicePrincipal' as const };
    const secret = { AZURE_TENANT_ID: TID, AZURE_CLIENT_ID: APPID, AZURE_CLIENT_SECRET: 's' };
    expect(attributeChainToken({ ...sp, env: secret })).toEqual({
      name: 'EnvironmentCredential',
      detail: 'service principal, client secret',
    });
    expect(attributeChainToken({ ...sp, env: workload })).toEqual({
      name: 'WorkloadIdentityCredential',
      detail: 'AKS workload identity',
    });
    // A developer tool signed in as a service principal cannot be told apart: the chain is named.
    expect(attributeChainToken({ ...sp, env: {} })).toEqual({ name: 'DefaultAzureCredential' });
  });

  it('a user token: the developer tool whose first-party client id signed it in, earliest in the chain', () => {
    const user = { chain: FULL, kind: 'user' as const, env: {} };
    expect(attributeChainToken({ ...user, clientId: CLI_APP })).toEqual({ name: 'AzureCliCredential' });
    expect(attributeChainToken({ ...user, clientId: POWERSHELL_APP })).toEqual({
      name: 'AzurePowerShellCredential',
    });
    // The same client id signs in the Azure Developer CLI: with the chain narrowed to it, that is who answered.
    expect(
      attributeChainToken({ ...user, chain: ['AzureDeveloperCliCredential'], clientId: CLI_APP }),
    ).toEqual({
      name: 'AzureDeveloperCliCredential',
    });
    expect(
      attributeChainToken({
        ...user,
        clientId: APPID,
        env: { AZURE_TENANT_ID: TID, AZURE_CLIENT_ID: APPID, AZURE_USERNAME: 'u', AZURE_PASSWORD: 'p' },
      }),
    ).toEqual({ name: 'EnvironmentCredential', detail: 'username and password' });
  });

  it('trusts the client id of a developer tool over a token that looks like a managed identity’s (AZURE_TOKEN_CREDENTIALS=dev)', () => {
    expect(attributeChainToken({ chain: DEV, clientId: CLI_APP, kind: 'managedIdentity', env: {} })).toEqual({
      name: 'AzureCliCredential',
    });
  });

  it('a token that says nothing: the environment decides, else the chain is named', () => {
    expect(attributeChainToken({ chain: FULL, env: appService })).toEqual({
      name: 'ManagedIdentityCredential',
      detail: 'App Service',
    });
    expect(attributeChainToken({ chain: FULL, env: {} })).toEqual({ name: 'DefaultAzureCredential' });
    expect(attributeChainToken({ chain: ['AzureCliCredential'], env: {} })).toEqual({
      name: 'AzureCliCredential',
    });
  });
});

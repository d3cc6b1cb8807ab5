import { describe, expect, it } from 'vitest';
import { findMasterSecrets } from './master-secret.js';

const VALUE = 'CANARY-master-secret-value';

describe('findMasterSecrets', () => {
  it('finds none in what App Service, IMDS and AKS workload identity give an app', () => {
    expect(
      findMasterSecrets({
        KEY_VAULT_URL: 'https://kv.vault.azure.net',
        IDENTITY_ENDPOINT: 'http://127.0.0.1:41000/msi/token',
        IDENTITY_HEADER: VALUE,
        MSI_ENDPOINT: 'http://127.0.0.1:41000/MSI/token/',
        MSI_SECRET: VALUE,
        AZURE_CLIENT_ID: '7b0c2a55-3f1e-4d8a-9c61-2e4f5a6b7c8d',
        AZURE_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
        AZURE_TOKEN_CREDENTIALS: 'prod',
        PATH: '/usr/bin',
      }),
    ).toEqual({ present: false, variables: [] });
  });

  it('names a service principal’s secret, certificate and certificate password', () => {
    expect(
      findMasterSecrets({
        AZURE_TENANT_ID: 't',
        AZURE_CLIENT_ID: 'c',
        AZURE_CLIENT_SECRET: VALUE,
        AZURE_CLIENT_CERTIFICATE_PATH: '/certs/sp.pem',
        AZURE_CLIENT_CERTIFICATE_PASSWORD: VALUE,
        AZURE_CLIENT_CERTIFICATE: VALUE,
        AZURE_USERNAME: 'someone@example.com',
        AZURE_PASSWORD: VALUE,
      }),
    ).toEqual({
      present: true,
      variables: [
        { name: 'AZURE_CLIENT_CERTIFICATE', kind: 'client certificate' },
        { name: 'AZURE_CLIENT_CERTIFICATE_PASSWORD', kind: 'certificate password' },
        { name: 'AZURE_CLIENT_CERTIFICATE_PATH', kind: 'client certificate' },
        { name: 'AZURE_CLIENT_SECRET', kind: 'client secret' },
        { name: 'AZURE_PASSWORD', kind: 'user password' },
      ],
    });
  });

  it('names connection-string-like variables, App Service’s connection strings and AzureWebJobsStorage', () => {
    const { variables } = findMasterSecrets({
      DATABASE_CONNECTION_STRING: VALUE,
      ServiceBusConnectionString: VALUE,
      AZURE_STORAGE_CONNECTION_STRING: VALUE,
      SQLCONNSTR_Main: VALUE,
      CUSTOMCONNSTR_Legacy: VALUE,
      AzureWebJobsStorage: VALUE,
      CONNECTION_TIMEOUT: '30',
      AzureWebJobsScriptRoot: '/home/site',
    });
    expect(variables.map((variable) => variable.name)).toEqual([
      'AZURE_STORAGE_CONNECTION_STRING',
      'AzureWebJobsStorage',
      'CUSTOMCONNSTR_Legacy',
      'DATABASE_CONNECTION_STRING',
      'SQLCONNSTR_Main',
      'ServiceBusConnectionString',
    ]);
    expect(new Set(variables.map((variable) => variable.kind))).toEqual(new Set(['connection string']));
  });

  it('ignores variables that are unset, empty or blank', () => {
    expect(
      findMasterSecrets({
        AZURE_CLIENT_SECRET: '',
        AZURE_CLIENT_CERTIFICATE_PATH: '  ',
        AZURE_PASSWORD: undefined,
      }),
    ).toEqual({ present: false, variables: [] });
  });

  it('never carries a value, its length or a prefix', () => {
    const state = findMasterSecrets({ AZURE_CLIENT_SECRET: VALUE, DB_CONNECTION_STRING: VALUE });
    const json = JSON.stringify(state);
    expect(json).not.toContain(VALUE);
    expect(json).not.toContain(VALUE.slice(0, 4));
    expect(json).not.toContain(String(VALUE.length));
    expect(Object.keys(state.variables[0]).sort()).toEqual(['kind', 'name']);
  });
});

import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  attemptsAlongChain,
  attemptsFromError,
  buildCredentialFailureMessage,
  rememberFailureContext,
  toCredentialError,
} from './credential-failure.js';
import { defaultChainCredentials } from './credential-chain.js';
import { KeyVaultConfigError } from './errors.js';
import { APPID, jwt, OID } from '../../../../test/support/unsigned-jwt.js';

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

describe('attemptsAlongChain (AggregateAuthenticationError.errors against the chain’s list)', () => {
  const full = defaultChainCredentials()!;

  it('gives each error to the credential its message names, and lists the skipped ones with what they need', () => {
    const errors = aggregate().errors;
    const attempts = attemptsAlongChain(errors, full, {
      IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token',
      IDENTITY_HEADER: 'h',
    });
    expect(attempts.map((a) => [a.name, a.outcome])).toEqual([
      ['EnvironmentCredential', 'unavailable'],
      ['WorkloadIdentityCredential', 'skipped'],
      ['ManagedIdentityCredential', 'unavailable'],
      ['VisualStudioCodeCredential', 'skipped'],
      ['AzureCliCredential', 'unavailable'],
      ['AzurePowerShellCredential', 'skipped'],
      ['AzureDeveloperCliCredential', 'skipped'],
      ['BrokerCredential', 'skipped'],
    ]);
    expect(attempts[1].reason).toMatch(/AZURE_FEDERATED_TOKEN_FILE/);
    expect(attempts[2].detail).toBe('App Service');
  });

  it('gives an error that names no credential to the next one, and keeps an error of a credential it does not know', () => {
    const attempts = attemptsAlongChain(
      [
        new CredentialUnavailableError('NewFancyCredential: is unavailable. nope'),
        new CredentialUnavailableError('something odd happened'),
      ],
      defaultChainCredentials('dev')!,
      {},
    );
    expect(attempts.map((a) => a.name)).toEqual([
      'NewFancyCredential',
      'VisualStudioCodeCredential',
      'AzureCliCredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCliCredential',
      'BrokerCredential',
    ]);
    expect(attempts[1]).toMatchObject({ outcome: 'unavailable', reason: 'Something odd happened' });
  });
});

describe('rememberFailureContext', () => {
  it('lets toCredentialError name the chain, the client id and the skipped credentials of the error’s credential', () => {
    const error = aggregate();
    rememberFailureContext(error, {
      chain: 'DefaultAzureCredential',
      managedIdentityClientId: APPID,
      clientIdFrom: 'managedIdentityClientId',
      credentials: defaultChainCredentials('prod')!,
      tokenCredentials: 'prod',
    });
    const message = toCredentialError(error)!.message;
    expect(message.split('\n').slice(0, 4)).toEqual([
      'No credential could get a token for Azure Key Vault. DefaultAzureCredential tried (AZURE_TOKEN_CREDENTIALS=prod):',
      '  - EnvironmentCredential: Not configured (needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)',
      expect.stringMatching(/^ {2}- WorkloadIdentityCredential: skipped — Not set up here/),
      expect.stringMatching(/^ {2}- ManagedIdentityCredential \(\w[\w ]*\): Network unreachable/),
    ]);
    expect(message).toContain(`(now ${APPID}, from managedIdentityClientId)`);
  });
});

import { describe, expect, it } from 'vitest';
import { credentialNameFromMessage, shortReason } from './credential-reason.js';
import { jwt, OID } from '../../../../test/support/unsigned-jwt.js';

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

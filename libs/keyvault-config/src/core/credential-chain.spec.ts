import { DefaultAzureCredential } from '@azure/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CHAIN_CREDENTIAL_NAMES, defaultChainCredentials } from './credential-chain.js';

afterEach(() => vi.unstubAllEnvs());

/** The credential names the installed SDK accepts in AZURE_TOKEN_CREDENTIALS, from its own (public) error. */
function namesTheSdkAccepts(): string[] {
  vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'no-such-credential');
  try {
    return [String(new DefaultAzureCredential())];
  } catch (error) {
    const list = /any of these credentials - ([\w, ]+)/.exec((error as Error).message)?.[1];
    return list ? list.split(/,\s*/) : [];
  }
}

describe('defaultChainCredentials', () => {
  it('is the whole chain, in the SDK’s order, when AZURE_TOKEN_CREDENTIALS is unset', () => {
    expect(defaultChainCredentials()!.map((c) => c.name)).toEqual([...DEFAULT_CHAIN_CREDENTIAL_NAMES]);
    expect(defaultChainCredentials('  ')!.map((c) => c.name)).toEqual([...DEFAULT_CHAIN_CREDENTIAL_NAMES]);
  });

  it('follows dev, prod and one credential name (any case), and rejects what the SDK rejects', () => {
    expect(defaultChainCredentials('dev')!.map((c) => c.name)).toEqual([
      'VisualStudioCodeCredential',
      'AzureCliCredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCliCredential',
      'BrokerCredential',
    ]);
    expect(defaultChainCredentials(' PROD ')!.map((c) => c.name)).toEqual([
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
    expect(defaultChainCredentials('azureclicredential')!.map((c) => c.name)).toEqual(['AzureCliCredential']);
    expect(defaultChainCredentials('BrokerCredential')).toBeUndefined();
    expect(defaultChainCredentials('laptop')).toBeUndefined();
  });

  it('knows exactly the credentials the installed SDK lets AZURE_TOKEN_CREDENTIALS select, in its order (fails on an SDK that changes them)', () => {
    const selectable = DEFAULT_CHAIN_CREDENTIAL_NAMES.filter((name) => defaultChainCredentials(name));
    expect(namesTheSdkAccepts()).toEqual(selectable);
  });

  it('builds each credential it can from public classes, without a network call', () => {
    // WorkloadIdentityCredential's constructor wants a client id, tenant and token file, as on an AKS pod.
    vi.stubEnv('AZURE_TENANT_ID', '72f988bf-86f1-41af-91ab-2d7cd011db47');
    vi.stubEnv('AZURE_FEDERATED_TOKEN_FILE', '/var/run/secrets/azure/tokens/azure-identity-token');
    const options = { managedIdentityClientId: '0b6f9f0e-1111-4222-8333-944455556666' };
    const built = defaultChainCredentials()!.map((c) => [c.name, c.build?.(options).constructor.name]);
    expect(built).toEqual(
      DEFAULT_CHAIN_CREDENTIAL_NAMES.map((name) => [name, name === 'BrokerCredential' ? undefined : name]),
    );
  });
});

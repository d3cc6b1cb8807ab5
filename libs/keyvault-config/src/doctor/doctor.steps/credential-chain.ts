/**
 * The credentials of DefaultAzureCredential's chain, in its order and honouring AZURE_TOKEN_CREDENTIALS,
 * each built from @azure/identity's public class with the options the chain gives it — so the doctor can
 * try each one on its own. (The chain itself stays the SDK's: the library never authenticates with these.)
 */
import type { TokenCredential } from '@azure/core-auth';
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  VisualStudioCodeCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';

/** One credential of the chain: how to build it, or why it cannot be tried on its own. */
export interface ChainCredential {
  name: string;
  create?: () => TokenCredential;
  /** Why it is not tried (no public class). */
  skipped?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The retry options DefaultAzureCredential gives its managed identity credential. */
const MANAGED_IDENTITY_RETRY = { maxRetries: 5, retryDelayInMs: 800 };

function managedIdentity(env: Env, clientId: string | undefined): TokenCredential {
  if (env.AZURE_FEDERATED_TOKEN_FILE && clientId) {
    // The token-exchange form (AKS workload identity); it reads AZURE_TENANT_ID itself.
    return new ManagedIdentityCredential(clientId, { retryOptions: MANAGED_IDENTITY_RETRY });
  }
  return new ManagedIdentityCredential(
    clientId ? { clientId, retryOptions: MANAGED_IDENTITY_RETRY } : { retryOptions: MANAGED_IDENTITY_RETRY },
  );
}

function workloadIdentity(env: Env, clientId: string | undefined): TokenCredential {
  const tenantId = env.AZURE_TENANT_ID;
  if (env.AZURE_FEDERATED_TOKEN_FILE && clientId) {
    return new WorkloadIdentityCredential({
      tenantId,
      clientId,
      tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE,
    });
  }
  return new WorkloadIdentityCredential(tenantId ? { tenantId } : {});
}

function all(env: Env, clientId: string | undefined): Record<string, ChainCredential> {
  return {
    EnvironmentCredential: { name: 'EnvironmentCredential', create: () => new EnvironmentCredential() },
    WorkloadIdentityCredential: {
      name: 'WorkloadIdentityCredential',
      create: () => workloadIdentity(env, clientId),
    },
    ManagedIdentityCredential: {
      name: 'ManagedIdentityCredential',
      create: () => managedIdentity(env, clientId),
    },
    VisualStudioCodeCredential: {
      name: 'VisualStudioCodeCredential',
      create: () => new VisualStudioCodeCredential(),
    },
    AzureCliCredential: { name: 'AzureCliCredential', create: () => new AzureCliCredential() },
    AzurePowerShellCredential: {
      name: 'AzurePowerShellCredential',
      create: () => new AzurePowerShellCredential(),
    },
    AzureDeveloperCliCredential: {
      name: 'AzureDeveloperCliCredential',
      create: () => new AzureDeveloperCliCredential(),
    },
    BrokerCredential: {
      name: 'BrokerCredential',
      skipped:
        'not tried on its own: it has no public class (DefaultAzureCredential builds it internally; it needs the @azure/identity-broker plugin)',
    },
  };
}

const PROD = ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'];
const DEV = [
  'VisualStudioCodeCredential',
  'AzureCliCredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCliCredential',
  'BrokerCredential',
];

/**
 * DefaultAzureCredential's chain for this environment. Throws (with the SDK's own wording) for an
 * AZURE_TOKEN_CREDENTIALS value DefaultAzureCredential rejects.
 */
export function defaultChainCredentials(env: Env, managedIdentityClientId?: string): ChainCredential[] {
  const byName = all(env, managedIdentityClientId);
  const selector = env.AZURE_TOKEN_CREDENTIALS?.trim().toLowerCase();
  if (!selector) return [...PROD, ...DEV].map((name) => byName[name]!);
  if (selector === 'prod') return PROD.map((name) => byName[name]!);
  if (selector === 'dev') return DEV.map((name) => byName[name]!);
  const single = Object.keys(byName).find(
    (name) => name.toLowerCase() === selector && name !== 'BrokerCredential',
  );
  if (single) return [byName[single]!];
  throw new Error(
    `Invalid value for AZURE_TOKEN_CREDENTIALS = ${env.AZURE_TOKEN_CREDENTIALS}. Valid values are 'prod' or 'dev' or any of these credentials - ${[...PROD, ...DEV.slice(0, -1)].join(', ')}.`,
  );
}

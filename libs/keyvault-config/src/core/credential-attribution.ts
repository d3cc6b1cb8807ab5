/**
 * Which credential produced a token and how it authenticates here — said from public data only:
 * the token's claims (token-claims.ts: a managed identity, a user or a service principal, and its client
 * id), the platform's environment variables (App Service, Azure Arc, Cloud Shell, AKS workload identity,
 * a service principal's variables) and the list of credentials the chain tries (credential-chain.ts).
 *
 * DefaultAzureCredential does not say which of its credentials answered (only its @azure/logger output
 * does, which needs a process-wide log hook). The rules below pick the earliest credential of the chain
 * that is consistent with the token and the environment — the chain itself stops at the first that
 * works. What they cannot tell apart, they say so: the Azure CLI, the Azure Developer CLI and the WAM
 * broker sign users in with the same first-party client id, so such a token is attributed to the earliest
 * of them in the chain (AzureCliCredential unless AZURE_TOKEN_CREDENTIALS narrows it); a developer tool
 * signed in as a service principal is reported as `DefaultAzureCredential`.
 */
import type { KeyVaultCredentialInfo } from './interfaces.js';
import { credentialWithIdentity } from './messages/index.js';
import type { TokenIdentityKind } from './token-claims.js';

type Env = Readonly<Record<string, string | undefined>>;

/** First-party client ids the developer tools sign users in with (`appid` of their tokens). */
const DEVELOPER_TOOL_CLIENT_IDS: Readonly<Record<string, readonly string[]>> = {
  // Azure CLI — also the SDK's DeveloperSignOnClientId (BrokerCredential) and the Azure Developer CLI's.
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46': [
    'AzureCliCredential',
    'AzureDeveloperCliCredential',
    'BrokerCredential',
  ],
  '1950a258-227b-4e31-a9cf-717495945fc2': ['AzurePowerShellCredential'],
  'aebc6443-996d-45c2-90f0-388ff96faa56': ['VisualStudioCodeCredential'],
};

/** Whether the AKS workload-identity variables (injected by its webhook) are all there. */
export function workloadIdentityConfigured(env: Env, clientId?: string): boolean {
  return Boolean((clientId || env.AZURE_CLIENT_ID) && env.AZURE_TENANT_ID && env.AZURE_FEDERATED_TOKEN_FILE);
}

/**
 * Where a managed identity's token comes from on this host, told by the variables each platform sets:
 * the AKS workload-identity token exchange, Service Fabric, App Service (also Functions and Container
 * Apps), Azure Arc, Azure Machine Learning, Cloud Shell — else the instance metadata service (VMs, scale
 * sets, AKS pod identity). A label for people, not a prediction of what MSAL will do.
 */
export function managedIdentityPlatform(env: Env, clientId?: string): string {
  if (workloadIdentityConfigured(env, clientId)) return 'AKS workload identity';
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER && env.IDENTITY_SERVER_THUMBPRINT) return 'Service Fabric';
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) return 'App Service';
  if (env.IDENTITY_ENDPOINT && env.IMDS_ENDPOINT) return 'Azure Arc';
  if (env.MSI_ENDPOINT && env.MSI_SECRET) return 'Azure Machine Learning';
  if (env.MSI_ENDPOINT) return 'Cloud Shell';
  return 'IMDS';
}

/** The kind of principal EnvironmentCredential's variables describe, in its order. */
function environmentCredentialKind(env: Env): string | undefined {
  if (!env.AZURE_TENANT_ID || !env.AZURE_CLIENT_ID) return undefined;
  if (env.AZURE_CLIENT_SECRET) return 'service principal, client secret';
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) return 'service principal, certificate';
  if (env.AZURE_USERNAME && env.AZURE_PASSWORD) return 'username and password';
  return undefined;
}

/** The detail shown after a credential's name: how it authenticates here. */
export function credentialDetail(
  name: string,
  env: Env,
  managedIdentityClientId?: string,
): string | undefined {
  switch (name) {
    case 'ManagedIdentityCredential':
      return managedIdentityPlatform(env, managedIdentityClientId);
    case 'WorkloadIdentityCredential':
      return 'AKS workload identity';
    case 'EnvironmentCredential':
      return environmentCredentialKind(env);
    default:
      return undefined;
  }
}

/** What {@link attributeChainToken} reads. */
export interface ChainTokenEvidence {
  /** Names of the chain's credentials, in order (credential-chain.ts). */
  chain: readonly string[];
  /** `appid`/`azp` of the token. */
  clientId?: string;
  kind?: TokenIdentityKind;
  env: Env;
  managedIdentityClientId?: string;
}

/** The credential of the chain that answered, by the rules at the top of this file (no detail). */
function answeringCredential(evidence: ChainTokenEvidence): string {
  const { chain, env, kind } = evidence;
  if (chain.length === 1) return chain[0];
  const has = (name: string): boolean => chain.includes(name);
  const tools = DEVELOPER_TOOL_CLIENT_IDS[evidence.clientId ?? ''];
  const tool = tools?.find(has);
  if (tool) return tool;
  const workload =
    has('WorkloadIdentityCredential') && workloadIdentityConfigured(env, evidence.managedIdentityClientId);
  const environment = has('EnvironmentCredential') ? environmentCredentialKind(env) : undefined;
  if (kind === 'managedIdentity') {
    if (workload) return 'WorkloadIdentityCredential';
    if (has('ManagedIdentityCredential')) return 'ManagedIdentityCredential';
  }
  if (kind === 'servicePrincipal' || kind === undefined) {
    if (environment?.startsWith('service principal')) return 'EnvironmentCredential';
    if (workload) return 'WorkloadIdentityCredential';
  }
  if ((kind === 'user' || kind === undefined) && environment === 'username and password') {
    return 'EnvironmentCredential';
  }
  // A token that does not say what it is, on a host whose variables name a managed identity endpoint.
  if (kind === undefined && has('ManagedIdentityCredential') && managedIdentityPlatform(env) !== 'IMDS') {
    return 'ManagedIdentityCredential';
  }
  return 'DefaultAzureCredential';
}

/** Name and detail of the credential of DefaultAzureCredential's chain that produced a token. */
export function attributeChainToken(evidence: ChainTokenEvidence): { name: string; detail?: string } {
  const name = answeringCredential(evidence);
  const detail = credentialDetail(name, evidence.env, evidence.managedIdentityClientId);
  return detail ? { name, detail } : { name };
}

/** `ManagedIdentityCredential (App Service) as oid=… appid=… tid=…` — never a token. */
export function formatCredentialInfo(info: KeyVaultCredentialInfo): string {
  return credentialWithIdentity(info);
}

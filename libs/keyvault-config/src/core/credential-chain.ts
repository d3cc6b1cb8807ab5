/**
 * The credentials DefaultAzureCredential tries, in its order, for a value of AZURE_TOKEN_CREDENTIALS —
 * as names, a note on what each needs, and (where the SDK has a public class for it) how to build that
 * credential on its own.
 *
 * Why a list and not our own chain: DefaultAzureCredential builds its entries through internal factories
 * (`createDefault*Credential`), with options the public classes do not take — ManagedIdentityCredential's
 * IMDS probe (`sendProbeRequest`, which lets the chain move on quickly on a laptop; its value for
 * AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential changed between SDK releases), the workload-identity
 * token exchange inside ManagedIdentityCredential, and BrokerCredential, which is not exported at all. A
 * chain rebuilt from public classes would authenticate differently from the SDK's and drift on every
 * release, and a drift there changes *who we authenticate as*. So the library keeps the real
 * DefaultAzureCredential for tokens and uses this list only to *describe* it: the order in which
 * credential-failure.ts lines up AggregateAuthenticationError's errors (naming the credentials the SDK
 * skipped without an error), and the candidates credential-attribution.ts chooses from. A drift here
 * can only mislabel a line, never change authentication. credential-chain.spec.ts compares the list
 * with what the installed SDK reports, so an SDK that adds or reorders a credential fails a unit test.
 *
 * `build` is for callers that want to try one credential by itself (a `doctor` command, issue #14): it
 * uses only public classes and public options, so it is the *standalone* form of that credential — e.g.
 * no IMDS probe — not a copy of the chain's entry. credential.ts also chains them where the SDK's own
 * chain loses the options it was given (AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential, AKS workload
 * identity): there no entry needs the IMDS probe, so the standalone form is the chain's.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  VisualStudioCodeCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { authorityHostOptions } from './authority-host.js';
import { DEVELOPER_TOOL_TIMEOUT_MS } from './constants.js';
import { credentialNeeds } from './messages/index.js';

/** Names of the credentials of DefaultAzureCredential's chain, in the SDK's order. */
export const DEFAULT_CHAIN_CREDENTIAL_NAMES = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'VisualStudioCodeCredential',
  'AzureCliCredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCliCredential',
  'BrokerCredential',
] as const;

export type DefaultChainCredentialName = (typeof DEFAULT_CHAIN_CREDENTIAL_NAMES)[number];

/** What {@link ChainCredential.build} may be given; every field is optional, as for the SDK's classes. */
export interface ChainCredentialBuildOptions {
  /** Client id of a user-assigned managed identity or a workload identity (default: AZURE_CLIENT_ID). */
  managedIdentityClientId?: string;
  /** The HTTP client of the credentials that make HTTP requests (environment, workload and managed identity). */
  httpClient?: HttpClient;
}

/** One credential of the default chain. */
export interface ChainCredential {
  name: DefaultChainCredentialName;
  /** `prod` (service, workload, managed identity) or `dev` (developer tools), as AZURE_TOKEN_CREDENTIALS groups them. */
  group: 'prod' | 'dev';
  /** What the credential needs here, said when the SDK skipped it without an error. */
  needs?: string;
  /** Builds this credential alone from the SDK's public class; absent when the SDK exports none. */
  build?: (options?: ChainCredentialBuildOptions) => TokenCredential;
}

const clientIdOf = (options?: ChainCredentialBuildOptions): string | undefined =>
  options?.managedIdentityClientId ?? process.env.AZURE_CLIENT_ID;

const httpClientOf = (options?: ChainCredentialBuildOptions): { httpClient?: HttpClient } =>
  options?.httpClient ? { httpClient: options.httpClient } : {};

/** The developer tools run as processes: bounded, as credential.ts bounds them in DefaultAzureCredential. */
const TOOL_TIMEOUT = { processTimeoutInMs: DEVELOPER_TOOL_TIMEOUT_MS } as const;

const CHAIN: readonly ChainCredential[] = [
  {
    name: 'EnvironmentCredential',
    group: 'prod',
    build: (options) => new EnvironmentCredential({ ...authorityHostOptions(), ...httpClientOf(options) }),
  },
  {
    name: 'WorkloadIdentityCredential',
    group: 'prod',
    needs: credentialNeeds.workloadIdentity,
    build: (options) =>
      new WorkloadIdentityCredential({
        clientId: clientIdOf(options),
        ...authorityHostOptions(),
        ...httpClientOf(options),
      }),
  },
  {
    name: 'ManagedIdentityCredential',
    group: 'prod',
    build: (options) =>
      new ManagedIdentityCredential({ clientId: clientIdOf(options), ...httpClientOf(options) }),
  },
  { name: 'VisualStudioCodeCredential', group: 'dev', build: () => new VisualStudioCodeCredential() },
  { name: 'AzureCliCredential', group: 'dev', build: () => new AzureCliCredential(TOOL_TIMEOUT) },
  {
    name: 'AzurePowerShellCredential',
    group: 'dev',
    build: () => new AzurePowerShellCredential(TOOL_TIMEOUT),
  },
  {
    name: 'AzureDeveloperCliCredential',
    group: 'dev',
    build: () => new AzureDeveloperCliCredential(TOOL_TIMEOUT),
  },
  {
    name: 'BrokerCredential',
    group: 'dev',
    needs: credentialNeeds.broker,
  },
];

/**
 * The credentials DefaultAzureCredential tries for this AZURE_TOKEN_CREDENTIALS value (unset: all; `dev`;
 * `prod`; or one credential name, case-insensitive — BrokerCredential cannot be selected alone), in order.
 * Returns `undefined` for a value the SDK rejects.
 */
export function defaultChainCredentials(tokenCredentials?: string): readonly ChainCredential[] | undefined {
  const value = tokenCredentials?.trim().toLowerCase();
  if (!value) return CHAIN;
  if (value === 'dev' || value === 'prod') return CHAIN.filter((c) => c.group === value);
  const one = CHAIN.find((c) => c.name.toLowerCase() === value && c.name !== 'BrokerCredential');
  return one ? [one] : undefined;
}

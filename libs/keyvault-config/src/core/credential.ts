/**
 * The credential the vault clients use: the SDK's real DefaultAzureCredential by default (or the caller's
 * own `credential`), wrapped so the library knows which credential produced the token and who it is,
 * tells each load's logger once, and turns "no credential worked" into one readable CREDENTIAL_UNAVAILABLE.
 *
 * Public data only. The library does not look inside DefaultAzureCredential (its credential list is a
 * private field of ChainedTokenCredential), and rebuilds the chain from public classes only where the SDK
 * builds one of its credentials without the options it was given (createDefaultChain) — credential-chain.ts
 * says why not elsewhere (internal factories, options and classes; a rebuilt chain would drift and change
 * who we authenticate as). Instead:
 * - who: the token's claims (token-claims.ts) — identifiers only, never the token;
 * - which credential and how: those claims, the platform's environment and the chain's list of
 *   credentials (credential-attribution.ts);
 * - why nothing worked: AggregateAuthenticationError.errors lined up with that list (credential-failure.ts).
 *
 * Process-wide state is only what a process really shares: one credential per credential environment
 * (and per custom credential), so every vault client and refresh shares one token cache. Loggers are not
 * state of that credential: each {@link resolveCredential} call gets its own handle with its own logger,
 * so a load never writes another load's identity line, and never misses its own.
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { ChainedTokenCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { authorityHostOptions } from './authority-host.js';
import { endsChainOnAbort } from './chain-abort.js';
import { attributeChainToken, credentialDetail } from './credential-attribution.js';
import { defaultChainCredentials, type ChainCredential } from './credential-chain.js';
import { safeCredentialCause, type CredentialFailureContext } from './credential-failure.js';
import { errorMessage, shortReason } from './credential-reason.js';
import { DEVELOPER_TOOL_TIMEOUT_MS } from './constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type { KeyVaultConfigLogger, KeyVaultConfigOptions } from './interfaces.js';
import {
  invalidTokenCredentials as invalidTokenCredentialsMessage,
  NOT_A_TOKEN_CREDENTIAL,
} from './messages/index.js';
import { decodeTokenClaims, tokenIdentityKind } from './token-claims.js';
import { SharedCredential, type Attribute, type ResolvedCredential } from './shared-credential.js';
import { tokenRequestBoundHttpClient } from './token-flight.js';

export { toCredentialError } from './credential-failure.js';
export { formatCredentialInfo } from './credential-attribution.js';
export type { ResolvedCredential } from './shared-credential.js';

/** Environment variables the SDK reads to pick and configure the chain (the cache key of the default credential). */
const CREDENTIAL_ENV_VARS = [
  'AZURE_TOKEN_CREDENTIALS',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
  'AZURE_AUTHORITY_HOST',
  'AZURE_REGIONAL_AUTHORITY_NAME',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
] as const;

function isTokenCredentialLike(value: unknown): value is TokenCredential {
  return (
    value !== null && typeof value === 'object' && typeof (value as TokenCredential).getToken === 'function'
  );
}

/** Class name of a custom credential (`TokenCredential` for a plain object). */
export function sourceName(source: object): string {
  const ctor = (source as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'TokenCredential';
}

/** Default credentials of this process, by (client id, credential environment) — vaults and refreshes share one. */
const defaultCredentials = new Map<string, SharedCredential>();
/** Custom credentials seen in this process. */
const customCredentials = new WeakMap<TokenCredential, SharedCredential>();

function cacheKey(managedIdentityClientId: string | undefined): string {
  const material = JSON.stringify([
    managedIdentityClientId ?? null,
    ...CREDENTIAL_ENV_VARS.map((v) => process.env[v] ?? null),
  ]);
  // Hashed so the key (a plain string in a module-level map) holds no client secret or identity header.
  return createHash('sha256').update(material).digest('hex');
}

function invalidTokenCredentials(error: unknown): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.InvalidOptions,
    invalidTokenCredentialsMessage(shortReason(errorMessage(error))),
    {
      key: 'AZURE_TOKEN_CREDENTIALS',
      credential: 'DefaultAzureCredential',
      cause: safeCredentialCause(error),
    },
  );
}

/** `DefaultAzureCredential`'s retry of a managed identity (its own default for that credential). */
const MANAGED_IDENTITY_RETRY = { maxRetries: 5, retryDelayInMs: 800 } as const;

/** The default credential and the list of credentials it tries (for attribution and CREDENTIAL_UNAVAILABLE). */
interface DefaultChain {
  chain: TokenCredential;
  credentials: readonly ChainCredential[];
}

/**
 * AKS workload identity (a federated token file, a tenant and a client id) under the whole chain or
 * `prod`: there `DefaultAzureCredential`'s ManagedIdentityCredential is the same token exchange again,
 * through a WorkloadIdentityCredential it builds without the options it was given (@azure/identity
 * 4.13) — so after a given-up request to Entra ID its second, hung socket kept the process alive.
 */
function isWorkloadIdentityChain(
  clientId: string | undefined,
  tokenCredentials: string | undefined,
): boolean {
  const value = tokenCredentials?.trim().toLowerCase();
  const env = process.env;
  return (
    (value === undefined || value === '' || value === 'prod') &&
    Boolean(clientId && env.AZURE_TENANT_ID && env.AZURE_FEDERATED_TOKEN_FILE)
  );
}

/**
 * `DefaultAzureCredential` with the library's options — except where @azure/identity 4.13 builds a
 * credential of the chain without the options it was given (`managedIdentityClientId` and the bound
 * HTTP client would be ignored), where the library builds the same chain from public classes with them,
 * as a ChainedTokenCredential (so a failure is the same AggregateAuthenticationError):
 * - `AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential`: that one credential, with the SDK's DAC retry;
 * - AKS workload identity ({@link isWorkloadIdentityChain}): the chain's credentials without the
 *   ManagedIdentityCredential that would repeat the token exchange, and without BrokerCredential (not
 *   exported; an interactive developer login, never on a pod).
 */
function createDefaultChain(
  managedIdentityClientId: string | undefined,
  tokenCredentials: string | undefined,
): DefaultChain {
  // Lets a given-up token request destroy its socket (token-flight.ts).
  const httpClient = tokenRequestBoundHttpClient();
  if (tokenCredentials?.trim().toLowerCase() === 'managedidentitycredential') {
    const clientId = managedIdentityClientId ?? process.env.AZURE_CLIENT_ID;
    const chain = new ChainedTokenCredential(
      new ManagedIdentityCredential({
        ...(clientId ? { clientId } : {}),
        retryOptions: MANAGED_IDENTITY_RETRY,
        httpClient,
      }),
    );
    return { chain, credentials: defaultChainCredentials(tokenCredentials)! };
  }
  if (isWorkloadIdentityChain(managedIdentityClientId ?? process.env.AZURE_CLIENT_ID, tokenCredentials)) {
    const credentials = defaultChainCredentials(tokenCredentials)!.filter(
      (c) => c.build !== undefined && c.name !== 'ManagedIdentityCredential',
    );
    // Each ends the chain once its request was given up: no `az` spawned for a token nobody awaits.
    const built = credentials.map((c) => endsChainOnAbort(c.build!({ managedIdentityClientId, httpClient })));
    return { chain: new ChainedTokenCredential(...built), credentials };
  }
  const chain = new DefaultAzureCredential({
    ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
    // Loopback AZURE_AUTHORITY_HOST (the emulator) only: no instance discovery on the public cloud.
    ...authorityHostOptions(),
    httpClient,
    // A hung `az` (or azd, pwsh) would otherwise outlive the load it failed, and hold the process.
    processTimeoutInMs: DEVELOPER_TOOL_TIMEOUT_MS,
  });
  // The SDK accepted the value; a value our list does not know (a newer SDK) describes the whole chain.
  return { chain, credentials: defaultChainCredentials(tokenCredentials) ?? defaultChainCredentials()! };
}

function createDefaultShared(
  managedIdentityClientId: string | undefined,
  context: CredentialFailureContext,
): SharedCredential {
  let defaults: DefaultChain;
  try {
    defaults = createDefaultChain(managedIdentityClientId, context.tokenCredentials);
  } catch (error) {
    // The constructor only throws for an invalid AZURE_TOKEN_CREDENTIALS (or requiredEnvVars, unused here).
    throw invalidTokenCredentials(error);
  }
  const { chain, credentials } = defaults;
  const names = credentials.map((c) => c.name);
  const attribute: Attribute = (token) =>
    attributeChainToken({
      chain: names,
      clientId: decodeTokenClaims(token)?.clientId,
      kind: tokenIdentityKind(token),
      env: process.env,
      managedIdentityClientId,
    });
  return new SharedCredential(chain, attribute, {
    ...context,
    credentials: credentials.map(({ name, needs }) => ({ name, needs })),
  });
}

function customShared(custom: unknown, managedIdentityClientId: string | undefined): SharedCredential {
  if (!isTokenCredentialLike(custom)) {
    throw new KeyVaultConfigError(KeyVaultConfigErrorCode.InvalidOptions, NOT_A_TOKEN_CREDENTIAL, {
      key: 'credential',
    });
  }
  let shared = customCredentials.get(custom);
  if (shared === undefined) {
    const name = sourceName(custom);
    const detail = credentialDetail(name, process.env, managedIdentityClientId);
    shared = new SharedCredential(custom, () => (detail ? { name, detail } : { name }), { chain: name });
    customCredentials.set(custom, shared);
  }
  return shared;
}

/**
 * The credential for the vault clients. Without `credential`: DefaultAzureCredential (the SDK's own chain —
 * environment service principal, workload identity, managed identity, then developer tools; honouring
 * AZURE_TOKEN_CREDENTIALS and AZURE_CLIENT_ID), created once per process for the same `managedIdentityClientId`
 * and credential environment, so several vaults and refreshes share its token cache. With `credential`: that
 * credential, reported by its class name. Either way the caller's logger is told once which credential and
 * identity (oid, appid, tid — from the token's claims, never the token) authenticated.
 *
 * Credential environment variables are read from `process.env`, as the Azure SDK does; `options.env` only
 * supplies the default of `managedIdentityClientId` (its AZURE_CLIENT_ID).
 *
 * @throws KeyVaultConfigError INVALID_OPTIONS for an invalid AZURE_TOKEN_CREDENTIALS or a `credential` without getToken.
 */
export function resolveCredential(
  options: Pick<KeyVaultConfigOptions, 'credential' | 'managedIdentityClientId' | 'env'>,
  logger: KeyVaultConfigLogger,
): ResolvedCredential {
  if (options.credential !== undefined) {
    return customShared(options.credential, options.managedIdentityClientId).handle(logger);
  }
  const env = options.env ?? process.env;
  const fromOption = options.managedIdentityClientId?.trim() || undefined;
  const fromEnv = env.AZURE_CLIENT_ID?.trim() || process.env.AZURE_CLIENT_ID?.trim() || undefined;
  const managedIdentityClientId = fromOption ?? fromEnv;
  const key = cacheKey(managedIdentityClientId);
  let shared = defaultCredentials.get(key);
  if (shared === undefined) {
    shared = createDefaultShared(managedIdentityClientId, {
      chain: 'DefaultAzureCredential',
      managedIdentityClientId,
      clientIdFrom: fromOption ? 'managedIdentityClientId' : fromEnv ? 'AZURE_CLIENT_ID' : undefined,
      tokenCredentials: process.env.AZURE_TOKEN_CREDENTIALS?.trim() || undefined,
    });
    defaultCredentials.set(key, shared);
  }
  return shared.handle(logger);
}

/**
 * Forgets the process-wide default credentials.
 * @internal For tests only.
 */
export function resetCredentialCacheForTests(): void {
  defaultCredentials.clear();
}

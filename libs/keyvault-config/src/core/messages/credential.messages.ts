/**
 * Messages about credentials: who authenticated, why each credential of a chain could not, and what
 * to do. They take class names, ids from a token's claims (identities are not secret), environment
 * variable names and the SDK's short reasons (already redacted of anything token-shaped) — never a
 * token, a client secret or a secret value.
 */
import {
  azAccountSet,
  azFederatedCredentialCreate,
  azKeyVaultShow,
  azLogin,
  azRoleAssignmentCreate,
  azWebappIdentityAssign,
} from './az-commands.js';

/** A credential and who it is, from its token's claims. */
export interface CredentialIdentity {
  name: string;
  detail?: string | undefined;
  objectId?: string | undefined;
  clientId?: string | undefined;
  tenantId?: string | undefined;
}

/** One credential of a chain and how it fared (see `CredentialAttempt` in credential-failure.ts). */
export interface CredentialAttemptLine {
  name: string;
  detail?: string | undefined;
  outcome: 'unavailable' | 'failed' | 'skipped' | 'success';
  /** The SDK's reason, shortened and redacted. */
  reason?: string | undefined;
}

/** `ManagedIdentityCredential (App Service)`. */
function labelOf(credential: { name: string; detail?: string | undefined }): string {
  return `${credential.name}${credential.detail ? ` (${credential.detail})` : ''}`;
}

/** `ManagedIdentityCredential (App Service) as oid=… appid=… tid=…` — never a token. */
export function credentialWithIdentity(info: CredentialIdentity): string {
  const ids = [
    info.objectId && `oid=${info.objectId}`,
    info.clientId && `appid=${info.clientId}`,
    info.tenantId && `tid=${info.tenantId}`,
  ].filter(Boolean);
  return ids.length > 0
    ? `${labelOf(info)} as ${ids.join(' ')}`
    : `${labelOf(info)} (the token carries no readable identity claims)`;
}

/** The once-per-logger line naming who authenticated. */
export function authenticatedLine(credential: string): string {
  return `Authenticated to Key Vault using ${credential}`;
}

/** `AzureCliCredential: failed — <reason>`. */
export function credentialAttemptLine(attempt: CredentialAttemptLine): string {
  const reason = attempt.reason ?? 'no reason given';
  switch (attempt.outcome) {
    case 'skipped':
      return `${labelOf(attempt)}: skipped — ${reason}`;
    case 'failed':
      return `${labelOf(attempt)}: failed — ${reason}`;
    case 'success':
      return `${labelOf(attempt)}: got a token`;
    default:
      return `${labelOf(attempt)}: ${reason}`;
  }
}

/** Why a credential of DefaultAzureCredential's chain did not run, when the SDK says nothing. */
export const credentialNeeds = {
  unknown: 'DefaultAzureCredential could not set it up here',
  environment:
    'Not configured (needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)',
  workloadIdentity:
    'Not set up here: needs AZURE_CLIENT_ID (or managedIdentityClientId), AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which AKS workload identity injects',
  broker: 'Not set up here: needs the @azure/identity-broker plugin and a signed-in Windows account (WAM)',
} as const;

/**
 * CREDENTIAL_UNAVAILABLE: every credential tried, one line each, then the fixes for each platform.
 * `attempts` are the lines of {@link credentialAttemptLine}, already redacted.
 */
export function credentialUnavailable(p: {
  /** `DefaultAzureCredential`, or the class name of the `credential` option. */
  chain: string;
  attempts: readonly string[];
  /** AZURE_TOKEN_CREDENTIALS, when set. */
  tokenCredentials?: string | undefined;
  managedIdentityClientId?: string | undefined;
  clientIdFrom?: string | undefined;
  /** Fixes for what Entra ID itself refused (entraFixes), listed before the general advice. */
  specificFixes?: readonly string[];
}): string {
  const custom = p.chain !== 'DefaultAzureCredential';
  const header = custom
    ? `The credential passed as \`credential\` (${p.chain}) could not get a token for Azure Key Vault:`
    : `No credential could get a token for Azure Key Vault. DefaultAzureCredential tried${
        p.tokenCredentials ? ` (AZURE_TOKEN_CREDENTIALS=${p.tokenCredentials})` : ''
      }:`;
  const clientIdNote = p.managedIdentityClientId
    ? `now ${p.managedIdentityClientId}, from ${p.clientIdFrom ?? 'managedIdentityClientId'}`
    : 'now unset, so the system-assigned identity is used';
  const fixes = [
    ...(p.specificFixes ?? []),
    ...(custom
      ? [
          `Check how ${p.chain} (the \`credential\` option) is configured: tenant, client id, secret or certificate, and that it can run here.`,
        ]
      : []),
    `Locally: sign in with \`${azLogin()}\` (then \`${azAccountSet()}\` if the vault is in another subscription than your default one; \`${azLogin('<tenant id>')}\` for another tenant). No Azure CLI? Install it from https://aka.ms/azure-cli. AZURE_TOKEN_CREDENTIALS=dev makes DefaultAzureCredential use only developer tools.`,
    `On App Service / Functions: turn on the managed identity with \`${azWebappIdentityAssign()}\` (prints its principalId), then grant it the secrets with \`${azRoleAssignmentCreate('<principalId>', '<vault resource id>')}\` (the id: \`${azKeyVaultShow('<vault>', 'id', 'tsv')}\`).`,
    `On AKS with workload identity: create the federated credential (\`${azFederatedCredentialCreate()}\`), annotate the service account with azure.workload.identity/client-id=<client id> and label the pod azure.workload.identity/use=true, so AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are injected.`,
    custom
      ? `A user-assigned identity: pass that identity's client id (\`new ManagedIdentityCredential({ clientId })\`), and attach the identity to this resource (e.g. \`${azWebappIdentityAssign(true)}\`).`
      : `A user-assigned identity: managedIdentityClientId (or AZURE_CLIENT_ID) must be that identity's client id (${clientIdNote}), and the identity must be attached to this resource (e.g. \`${azWebappIdentityAssign(true)}\`).`,
  ];
  return [header, ...p.attempts.map((a) => `  - ${a}`), 'To fix:', ...fixes.map((f) => `  - ${f}`)].join(
    '\n',
  );
}

/** AZURE_TOKEN_CREDENTIALS holds a value the SDK rejects. `reason` is the SDK's, shortened. */
export function invalidTokenCredentials(reason: string): string {
  return `DefaultAzureCredential could not be created: ${reason} Fix or unset AZURE_TOKEN_CREDENTIALS ('dev' = developer tools only, 'prod' = environment, workload and managed identity only, or one credential name such as ManagedIdentityCredential or AzureCliCredential).`;
}

/** The `credential` option is not a TokenCredential (checked again where the credential is built). */
export const NOT_A_TOKEN_CREDENTIAL =
  '`credential` must be a TokenCredential (an object with a getToken method), e.g. `new ManagedIdentityCredential()` from @azure/identity.';

/** Message of the AbortError a token request rejects with when its caller gives up. */
export const TOKEN_REQUEST_ABORTED = 'The token request was aborted.';

/** Message of the AbortError of a token request given up after `timeoutMs`. */
export function tokenRequestTimedOut(timeoutMs: number): string {
  return `The token request did not answer within ${timeoutMs} ms and was given up; the next request asks the identity endpoint again.`;
}

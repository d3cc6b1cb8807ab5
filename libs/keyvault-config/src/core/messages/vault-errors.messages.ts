/**
 * Messages of failed Key Vault calls (see `mapSdkError` in errors.ts, which decides which one applies).
 * Each takes names, hosts, status and error codes — never a secret value.
 */
import {
  azAssignSecretsUser,
  azKeyVaultShow,
  azNetworkRuleAdd,
  azSecretRecover,
  azSecretSet,
  azSetSecretPolicy,
} from './az-commands.js';

/** What a failed call was reading: a reference's variable, one secret, or the vault's list. */
export interface VaultSubject {
  /** Vault host. */
  vault: string;
  secretName?: string;
  /** Configuration key the secret maps to. */
  key?: string;
  /** Environment variable holding a `@Microsoft.KeyVault(...)` reference. */
  variable?: string;
}

/** The credential in a message: its class name and where it got its token from. */
export interface CredentialSubject {
  name: string;
  detail?: string;
}

/** `secret 'Db' (key 'Db_K') in host`, a reference's variable, or `the secrets of host`. */
export function subjectOf(subject: VaultSubject): string {
  if (subject.variable) {
    return `environment variable ${subject.variable} (a reference to secret '${subject.secretName}' in ${subject.vault})`;
  }
  if (subject.secretName) {
    return `secret '${subject.secretName}'${subject.key ? ` (key '${subject.key}')` : ''} in ${subject.vault}`;
  }
  return `the secrets of ${subject.vault}`;
}

/** ` using ManagedIdentityCredential (App Service)`, or nothing when the credential is unknown. */
export function credentialPhrase(credential: CredentialSubject | undefined): string {
  if (!credential) return '';
  return ` using ${credential.name}${credential.detail ? ` (${credential.detail})` : ''}`;
}

/** ` after 4 retries`, or nothing when the retry count does not apply. */
function retriesPhrase(maxRetries: number | undefined): string {
  return maxRetries === undefined ? '' : ` after ${maxRetries} retries`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 403 from the vault's firewall. */
export function firewallDenied(p: { subject: VaultSubject; vaultName: string; permission: string }): string {
  return `Access denied by the firewall of vault '${p.vaultName}' (${p.subject.vault}) while trying to ${p.permission} ${subjectOf(p.subject)}: this client's address is not allowed. Allow it with \`${azNetworkRuleAdd(p.vaultName)}\`, or use a private endpoint / virtual network rule for the app.`;
}

/** 403: the identity lacks a permission, with the grant for the vault's permission model. */
export function accessDenied(p: {
  subject: VaultSubject;
  vaultName: string;
  permission: string;
  /** `appid=…;oid=…`, or empty when unknown. */
  identity: string;
  credential?: CredentialSubject;
  objectId?: string;
  /** Object id or client id for the role assignment. */
  assignee: string;
  status: number;
  /** Key Vault's RBAC action, when it named one. */
  action?: string;
  /** The vault answered with access-policy wording (and not RBAC's). */
  accessPolicies: boolean;
}): string {
  const who = p.identity
    ? `the identity ${p.identity}${credentialPhrase(p.credential)}`
    : `the identity${credentialPhrase(p.credential)}`;
  const policyFix = azSetSecretPolicy(p.vaultName, p.objectId);
  const rbacFix = azAssignSecretsUser(p.vaultName, p.assignee);
  const fix = p.accessPolicies
    ? `The vault uses access policies: grant it with \`${policyFix}\` (or move the vault to Azure RBAC and run \`${rbacFix}\`).`
    : `Grant it with \`${rbacFix}\` (role assignments take a few minutes to apply; a vault still on access policies needs \`${policyFix}\` instead).`;
  const explicitHint =
    p.permission === 'list'
      ? ' If the identity may get but not list secrets, name them explicitly with the `secrets` option: explicit mode only gets and never lists.'
      : '';
  return `Access denied: ${who} lacks the secrets ${p.permission} permission on vault '${p.vaultName}' (${p.subject.vault}) needed to read ${subjectOf(p.subject)} — Key Vault answered ${p.status}${p.action ? ` for action ${p.action}` : ''}. ${fix}${explicitHint}`;
}

/** 401: the token is for another tenant or audience. */
export function tokenRejected(p: {
  subject: VaultSubject;
  vaultName: string;
  credential?: CredentialSubject;
  code?: string;
}): string {
  return `Key Vault ${p.subject.vault} rejected the token${credentialPhrase(p.credential)} while reading ${subjectOf(p.subject)} (401 ${p.code ?? 'Unauthorized'}): the token is for another tenant or audience. Check that the identity belongs to the vault's tenant (\`${azKeyVaultShow(p.vaultName, 'properties.tenantId')}\`) and set AZURE_TENANT_ID if you use a multi-tenant developer login.`;
}

/** 404 on a get: the secret does not exist (or is deleted). */
export function secretNotFound(p: { subject: VaultSubject; vaultName: string }): string {
  const name = p.subject.secretName ?? '<name>';
  const reference = p.subject.variable !== undefined;
  const way = reference ? ', or fix the reference' : ', or mark it optional (`{ name, optional: true }`)';
  return `${capitalize(subjectOf(p.subject))} does not exist (or is deleted). Create it with \`${azSecretSet(p.vaultName, name)}\`${way}; a soft-deleted secret can be recovered with \`${azSecretRecover(p.vaultName, name)}\`.`;
}

/** 404 on the list: the URL is not a Key Vault. */
export function notAKeyVault(p: { vault: string; vaultName: string }): string {
  return `${p.vault} answered 404 to the secret list: it does not look like a Key Vault. Check the URL with \`${azKeyVaultShow(p.vaultName, 'properties.vaultUri')}\`.`;
}

/** 429 beyond the retry budget. */
export function throttled(p: { subject: VaultSubject; maxRetries?: number }): string {
  return `Key Vault ${p.subject.vault} kept throttling (429)${retriesPhrase(p.maxRetries)} while reading ${subjectOf(p.subject)}. Lower \`concurrency\`, raise \`maxRetries\`, use explicit mode to read fewer secrets, or spread the startups of many instances (Key Vault allows about 4000 secret reads per 10 s per vault).`;
}

/** 5xx after retries. */
export function serviceFailed(p: {
  subject: VaultSubject;
  status: number;
  code?: string;
  maxRetries?: number;
}): string {
  return `Key Vault ${p.subject.vault} failed with ${p.status}${p.code ? ` ${p.code}` : ''}${retriesPhrase(p.maxRetries)} while reading ${subjectOf(p.subject)}. The service is unavailable: retry later, check https://status.azure.com, or raise \`maxRetries\` / \`timeoutMs\`.`;
}

/**
 * Any other status: the status and Key Vault's error code only. The service's text is not quoted: an
 * error body can echo what was sent or stored, and a proxy's can be anything.
 */
export function unexpectedStatus(p: { subject: VaultSubject; status: number; code?: string }): string {
  return `Key Vault ${p.subject.vault} answered ${p.status}${p.code ? ` ${p.code}` : ''} while reading ${subjectOf(p.subject)}: unexpected response.`;
}

/** A 2xx whose body is not Key Vault's JSON (truncated, an HTML page, a list item without `id`). */
export function unreadableResponse(p: { subject: VaultSubject; vaultName: string; status: number }): string {
  return `Key Vault ${p.subject.vault} answered ${p.status} with a body that is not Key Vault's JSON (cut short, an HTML page, or a list item without an id) while reading ${subjectOf(p.subject)}. A proxy, gateway or TLS-inspecting middlebox between the app and the vault is the usual cause: check the network path (\`${azKeyVaultShow(p.vaultName)}\`) and retry.`;
}

/** ENOTFOUND / EAI_AGAIN. */
export function hostNotResolved(p: { subject: VaultSubject; vaultName: string; code: string }): string {
  return `The vault host ${p.subject.vault} could not be resolved (${p.code}) while reading ${subjectOf(p.subject)}. Check the vault URL (\`${azKeyVaultShow(p.vaultName, 'properties.vaultUri')}\`), the DNS suffix of your cloud (\`vaultDnsSuffix\`), and private DNS zones if the vault has a private endpoint.`;
}

/**
 * Throttled until the load's deadline: the vault's throttle would hold the load's requests past
 * `timeoutMs` (or still held them when it passed).
 */
export function throttledUntilDeadline(p: {
  subject: VaultSubject;
  timeoutMs: number;
  responses429: number;
  waitedMs: number;
  lowestConcurrency: number;
}): string {
  const waited = (p.waitedMs / 1000).toFixed(1);
  return `Key Vault ${p.subject.vault} kept throttling (429) while reading ${subjectOf(p.subject)}: ${p.responses429} responses 429, ${waited} s spent waiting (concurrency lowered to ${p.lowestConcurrency}), and the load could not finish within timeoutMs (${p.timeoutMs} ms). The vault's limit (about 4000 secret reads per 10 s) is shared by every instance that reads it: raise \`timeoutMs\`, read fewer secrets (explicit mode \`secrets\`, a \`prefix\` per app), use one vault per app and region, stagger the startups of many instances, or mount the secrets with the Secrets Store CSI driver.`;
}

/** A TLS failure (untrusted CA, name mismatch, …). */
export function tlsFailed(p: { subject: VaultSubject; code: string }): string {
  return `The TLS connection to ${p.subject.vault} failed (${p.code}) while reading ${subjectOf(p.subject)}. A proxy or a private CA is intercepting HTTPS: trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem> or \`clientOptions.tlsOptions.ca\`; for the local emulator use its CA certificate.`;
}

/** Refused, reset, timed out, … (a Node system error code). */
export function vaultUnreachable(p: {
  subject: VaultSubject;
  vaultName: string;
  code: string;
  maxRetries?: number;
}): string {
  return `The vault ${p.subject.vault} is unreachable (${p.code})${retriesPhrase(p.maxRetries)} while reading ${subjectOf(p.subject)}. Check the URL (\`${azKeyVaultShow(p.vaultName)}\`), the network path (firewall, proxy, private endpoint) and that the vault exists.`;
}

/** The SDK refused a challenge for another resource than the vault's host. */
export function challengeResourceMismatch(p: { vault: string; vaultName: string }): string {
  return `The vault at ${p.vault} asked for a token for another resource than its host, so the SDK refused to authenticate (challenge resource verification). Use the vault's real URL (\`${azKeyVaultShow(p.vaultName, 'properties.vaultUri')}\`); only loopback hosts skip this check.`;
}

/** Anything else: the error's class name and code only. */
export function requestFailed(p: {
  subject: VaultSubject;
  vaultName: string;
  errorName?: string;
  code?: string;
}): string {
  return `Reading ${subjectOf(p.subject)} failed: ${p.errorName ?? 'Error'}${p.code ? ` ${p.code}` : ''}. Check the vault URL and the network path (\`${azKeyVaultShow(p.vaultName)}\`).`;
}

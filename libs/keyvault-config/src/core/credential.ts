/**
 * The credential the vault clients use: DefaultAzureCredential's chain by default (or the caller's own
 * `credential`), wrapped so the library knows which credential produced the token and who it is, logs that
 * once per process, and turns "no credential worked" into one readable CREDENTIAL_UNAVAILABLE error.
 *
 * How we learn which credential of the chain produced the token
 * ---------------------------------------------------------------
 * DefaultAzureCredential does not say publicly. The options were:
 *
 * 1. Rebuild the chain ourselves from the SDK's public credential classes inside a ChainedTokenCredential.
 *    Rejected: the selection logic (AZURE_TOKEN_CREDENTIALS dev/prod/one name, AZURE_CLIENT_ID feeding
 *    both managed and workload identity, the workload-identity token-exchange form of the managed identity
 *    credential) depends on non-public pieces — the `createDefault*` factories, the broker credential and
 *    the managed identity's IMDS probe (`sendProbeRequest`, which lets the chain move on quickly on a
 *    laptop) are all internal. A copy could not be exact and would silently drift on every SDK release,
 *    and a drift there changes *who we authenticate as*.
 * 2. Wrap DefaultAzureCredential and parse @azure/logger output ("Result for X: SUCCESS"). Rejected: that
 *    needs the global log level at `info` and a global `AzureLogger.log` hook — process-wide side effects
 *    on the application's own Azure SDK logging — and it attributes lines, not calls, so concurrent token
 *    requests cannot be told apart.
 * 3. (Chosen) Construct the real DefaultAzureCredential — so the SDK alone decides the chain and every token
 *    is acquired by the SDK — and replace each entry of its credential list (ChainedTokenCredential's
 *    `_sources` field) by a transparent Proxy that notes, per getToken call (AsyncLocalStorage), whether that
 *    credential returned a token, was unavailable or failed, and why. Only the *label* depends on an SDK
 *    internal: if a future release renames the field, resolution feature-detects it and degrades to naming
 *    `DefaultAzureCredential` (claims still from the token; failures still explained from the
 *    AggregateAuthenticationError), never to a different authentication behaviour. The Proxy keeps the
 *    sources' identity (`constructor.name`, fields) so the SDK's own logging is unchanged. credential.spec.ts
 *    pins the internal shape so an SDK upgrade that breaks it fails the unit tests, not production.
 *
 * The per-call record also yields what AggregateAuthenticationError lacks: which credential each error
 * came from, including the credentials the SDK skipped without an error (e.g. WorkloadIdentityCredential
 * when AZURE_CLIENT_ID is unset).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { accessSync, constants as fsConstants } from 'node:fs';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { SECRETS_USER_ROLE } from './constants.js';
import { isKeyVaultConfigError, KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type { KeyVaultConfigLogger, KeyVaultConfigOptions, KeyVaultCredentialInfo } from './interfaces.js';
import { decodeTokenClaims } from './token-claims.js';

/** The credential handed to every SecretClient, and what it knows about the last token. */
export interface ResolvedCredential {
  /** What SecretClient gets. */
  credential: TokenCredential;
  /** Which credential produced the last token, and its identity claims; `undefined` before the first token. */
  describe(): KeyVaultCredentialInfo | undefined;
}

/** One credential of a chain and what happened when it was asked for a token. */
export interface CredentialAttempt {
  /** Class name, e.g. `AzureCliCredential`. */
  name: string;
  /** e.g. `App Service` for a managed identity. */
  detail?: string;
  /** `unavailable`: not usable here (the chain moved on); `failed`: tried and rejected; `skipped`: not built. */
  outcome: 'success' | 'unavailable' | 'failed' | 'skipped';
  /** Why, trimmed to one line. */
  reason?: string;
}

/** What the failure message needs to know besides the attempts. */
export interface CredentialFailureContext {
  /** `DefaultAzureCredential`, or the class name of the custom credential. */
  chain: string;
  /** The user-assigned identity's client id, when one is configured. */
  managedIdentityClientId?: string;
  /** Where that client id came from. */
  clientIdFrom?: 'managedIdentityClientId' | 'AZURE_CLIENT_ID';
  /** AZURE_TOKEN_CREDENTIALS, when set. */
  tokenCredentials?: string;
}

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

/** Error names (not classes: several copies of @azure/identity may be loaded) that mean "no token". */
const CREDENTIAL_ERROR_NAMES = new Set([
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationError',
  'AuthenticationRequiredError',
]);

/** Where MSAL looks for the Azure Arc agent when IDENTITY_ENDPOINT / IMDS_ENDPOINT are not set. */
const AZURE_ARC_HIMDS_PATHS: Partial<Record<NodeJS.Platform, (env: NodeJS.ProcessEnv) => string>> = {
  linux: () => '/opt/azcmagent/bin/himds',
  win32: (env) => `${env.ProgramFiles ?? 'C:\\Program Files'}\\AzureConnectedMachineAgent\\himds.exe`,
};

/** ChainedTokenCredential's (internal) list of credentials — the one SDK internal we rely on (see the top). */
const CHAIN_SOURCES_FIELD = '_sources';

/** Longest reason kept per credential in the failure message. */
const MAX_REASON_LENGTH = 280;

type Env = Readonly<Record<string, string | undefined>>;

// ---------------------------------------------------------------------------------------------------
// Which managed identity / environment credential — derived from the variables the SDK itself reads.
// ---------------------------------------------------------------------------------------------------

function fileReadable(path: string): boolean {
  try {
    accessSync(path, fsConstants.F_OK | fsConstants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The managed identity source ManagedIdentityCredential will use, in MSAL's order of detection: the
 * AKS workload-identity token exchange (handled by @azure/identity before MSAL), Service Fabric, App Service
 * (also Functions), Azure Machine Learning, Cloud Shell, Azure Arc, else IMDS (VMs, scale sets, AKS pod
 * identity through AZURE_POD_IDENTITY_AUTHORITY_HOST).
 */
export function managedIdentitySource(
  env: Env,
  clientId?: string,
  options: { platform?: NodeJS.Platform; fileExists?: (path: string) => boolean } = {},
): string {
  if ((clientId || env.AZURE_CLIENT_ID) && env.AZURE_TENANT_ID && env.AZURE_FEDERATED_TOKEN_FILE) {
    return 'AKS workload identity';
  }
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER && env.IDENTITY_SERVER_THUMBPRINT) return 'Service Fabric';
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) return 'App Service';
  if (env.MSI_ENDPOINT && env.MSI_SECRET) return 'Azure Machine Learning';
  if (env.MSI_ENDPOINT) return 'Cloud Shell';
  if (env.IDENTITY_ENDPOINT && env.IMDS_ENDPOINT) return 'Azure Arc';
  const himds = AZURE_ARC_HIMDS_PATHS[options.platform ?? process.platform]?.(env as NodeJS.ProcessEnv);
  if (himds && (options.fileExists ?? fileReadable)(himds)) return 'Azure Arc';
  return 'IMDS';
}

/** The kind of service principal EnvironmentCredential builds, in its order. */
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
      return managedIdentitySource(env, managedIdentityClientId);
    case 'WorkloadIdentityCredential':
      return 'AKS workload identity';
    case 'EnvironmentCredential':
      return environmentCredentialKind(env);
    default:
      return undefined;
  }
}

/** `ManagedIdentityCredential (App Service) as oid=… appid=… tid=…` — never a token. */
export function formatCredentialInfo(info: KeyVaultCredentialInfo): string {
  const label = `${info.name}${info.detail ? ` (${info.detail})` : ''}`;
  const ids = [
    info.objectId && `oid=${info.objectId}`,
    info.clientId && `appid=${info.clientId}`,
    info.tenantId && `tid=${info.tenantId}`,
  ].filter(Boolean);
  return ids.length > 0
    ? `${label} as ${ids.join(' ')}`
    : `${label} (the token carries no readable identity claims)`;
}

// ---------------------------------------------------------------------------------------------------
// Failure messages
// ---------------------------------------------------------------------------------------------------

/** Anything shaped like a JWT is replaced, so no token can reach a message even if an SDK echoed one. */
function redactTokens(text: string): string {
  return text.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[token redacted]');
}

/**
 * One short line from an SDK error message: error-class prefixes and the credential's own name removed,
 * whitespace collapsed, the "to troubleshoot, visit https://aka.ms/…" sentences dropped (they are the same
 * for everyone and drown the reason), tokens redacted, length capped.
 */
export function shortReason(message: string, credentialName?: string): string {
  let text = redactTokens(String(message)).replace(/\s+/g, ' ').trim();
  text = text.replace(/^(?:(?:CredentialUnavailable|Authentication|AuthenticationRequired)?Error:\s*)+/, '');
  if (credentialName && text.startsWith(credentialName)) {
    text = text.slice(credentialName.length).replace(/^:?\s*/, '');
  }
  if (/^unavailable\. No underlying credential could be used\.?/i.test(text.replace(/^is /, ''))) {
    return 'Not configured (needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)';
  }
  text = text
    .replace(/^(?:is )?unavailable\.\s*/i, '')
    // "To troubleshoot, visit <url>", "See the troubleshooting guide … <url>", "see the troubleshooting guidelines at <url>"
    .replace(/[^.]*\btroubleshoot\w*\b[^.]*?https?:\/\/\S+/gi, '')
    // MSAL: "See https://aka.ms/msal.js.errors#network_error for details"
    .replace(/:?\s*See https?:\/\/\S+ for details\.?/gi, '')
    // MSAL's managed identity errors: "Message <code>: Error(s): Not Available - Timestamp: Not Available -
    // Description: <what happened> - Correlation ID: … - Trace ID: Not Available"
    .replace(/\s*-?\s*(?:Error\(s\)|Timestamp|Trace ID|Correlation ID):\s*Not Available/gi, '')
    .replace(/Message\s*(\w*)\s*:?\s*-?\s*Description:\s*/i, (_, code: string) => (code ? `${code}: ` : ''))
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,])/g, '$1')
    .replace(/[\s,:;-]+$/, '')
    .trim();
  if (text === '') text = 'no reason given';
  if (text.length > MAX_REASON_LENGTH) {
    // Prefer the first sentence when it says enough; otherwise cut.
    const firstSentence = /^.{40,}?\.(?=\s)/.exec(text)?.[0];
    text =
      firstSentence && firstSentence.length <= MAX_REASON_LENGTH
        ? firstSentence
        : `${text.slice(0, MAX_REASON_LENGTH - 1).trimEnd()}…`;
  }
  // "nope" → "Nope", but keep identifiers such as "clientId is required" as they are.
  return /^[a-z]+\b(?![A-Z])/.test(text) && !/^[a-z]+[A-Z]/.test(text)
    ? text.charAt(0).toUpperCase() + text.slice(1)
    : text;
}

/** The credential an SDK message comes from, for errors that reach us without our per-call record. */
export function credentialNameFromMessage(message: string): string | undefined {
  const named = /^(?:\w*Error:\s*)*(\w+Credential)\b/.exec(message.trim())?.[1];
  if (named) return named;
  if (/Visual Studio Code/i.test(message)) return 'VisualStudioCodeCredential';
  if (/Azure Developer CLI|azd auth login/i.test(message)) return 'AzureDeveloperCliCredential';
  if (/Azure CLI|az login|aka\.ms\/azure-cli/i.test(message)) return 'AzureCliCredential';
  if (/PowerShell|Connect-AzAccount|Az\.Account/i.test(message)) return 'AzurePowerShellCredential';
  if (/\bbroker\b|\bWAM\b/i.test(message)) return 'BrokerCredential';
  if (/managed identity|IMDS/i.test(message)) return 'ManagedIdentityCredential';
  return undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'unknown error';
}

function errorName(error: unknown): string | undefined {
  return error !== null && typeof error === 'object'
    ? (error as { name?: unknown }).name?.toString()
    : undefined;
}

/** Attempts reconstructed from an SDK error alone (custom chains, or when the per-call record is missing). */
export function attemptsFromError(error: unknown, fallbackName = 'Credential'): CredentialAttempt[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  const list =
    errorName(error) === 'AggregateAuthenticationError' && Array.isArray(errors) ? errors : [error];
  return list.map((e) => {
    const message = errorMessage(e);
    const name = credentialNameFromMessage(message) ?? fallbackName;
    return {
      name,
      outcome: errorName(e) === 'CredentialUnavailableError' ? 'unavailable' : 'failed',
      reason: shortReason(message, name),
    };
  });
}

function attemptLine(attempt: CredentialAttempt): string {
  const label = `${attempt.name}${attempt.detail ? ` (${attempt.detail})` : ''}`;
  const reason = attempt.reason ?? 'no reason given';
  switch (attempt.outcome) {
    case 'skipped':
      return `${label}: skipped — ${reason}`;
    case 'failed':
      return `${label}: failed — ${reason}`;
    case 'success':
      return `${label}: got a token`;
    default:
      return `${label}: ${reason}`;
  }
}

/**
 * The CREDENTIAL_UNAVAILABLE message: every credential tried (one line each, in order) and what to do.
 * Contains identifiers and SDK reasons only — never a token (JWT-shaped text is redacted).
 */
export function buildCredentialFailureMessage(
  attempts: readonly CredentialAttempt[],
  context: CredentialFailureContext,
): string {
  const tried = attempts.filter((a) => a.outcome !== 'success');
  const header =
    context.chain === 'DefaultAzureCredential'
      ? `No credential could get a token for Azure Key Vault. DefaultAzureCredential tried${
          context.tokenCredentials ? ` (AZURE_TOKEN_CREDENTIALS=${context.tokenCredentials})` : ''
        }:`
      : `The credential passed as \`credential\` (${context.chain}) could not get a token for Azure Key Vault:`;
  const lines = (tried.length > 0 ? tried : [{ name: context.chain, outcome: 'failed' as const }]).map(
    (a) => `  - ${redactTokens(attemptLine(a))}`,
  );

  const custom = context.chain !== 'DefaultAzureCredential';
  const clientIdNote = context.managedIdentityClientId
    ? `now ${context.managedIdentityClientId}, from ${context.clientIdFrom ?? 'managedIdentityClientId'}`
    : 'now unset, so the system-assigned identity is used';
  const fixes = [
    ...(custom
      ? [
          `  - Check how ${context.chain} (the \`credential\` option) is configured: tenant, client id, secret or certificate, and that it can run here.`,
        ]
      : []),
    `  - Locally: sign in with \`az login\` (then \`az account set --subscription <subscription id>\` if the vault is in another subscription than your default one; \`az login --tenant <tenant id>\` for another tenant). No Azure CLI? Install it from https://aka.ms/azure-cli. AZURE_TOKEN_CREDENTIALS=dev makes DefaultAzureCredential use only developer tools.`,
    `  - On App Service / Functions: turn on the managed identity with \`az webapp identity assign --name <app> --resource-group <rg>\` (prints its principalId), then grant it the secrets with \`az role assignment create --role "${SECRETS_USER_ROLE}" --assignee <principalId> --scope <vault resource id>\` (the id: \`az keyvault show --name <vault> --query id -o tsv\`).`,
    `  - On AKS with workload identity: create the federated credential (\`az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:<service account>\`), annotate the service account with azure.workload.identity/client-id=<client id> and label the pod azure.workload.identity/use=true, so AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are injected.`,
    custom
      ? `  - A user-assigned identity: pass that identity's client id (\`new ManagedIdentityCredential({ clientId })\`), and attach the identity to this resource (e.g. \`az webapp identity assign --name <app> --resource-group <rg> --identities <identity resource id>\`).`
      : `  - A user-assigned identity: managedIdentityClientId (or AZURE_CLIENT_ID) must be that identity's client id (${clientIdNote}), and the identity must be attached to this resource (e.g. \`az webapp identity assign --name <app> --resource-group <rg> --identities <identity resource id>\`).`,
  ];
  return [header, ...lines, 'To fix:', ...fixes].join('\n');
}

/** A copy of a credential error safe to keep as `cause`: name and redacted message, no nested objects. */
function safeCredentialCause(error: unknown): Error {
  const copy = new Error(redactTokens(errorMessage(error)));
  copy.name = errorName(error) ?? 'Error';
  return copy;
}

/** Per thrown error: what our record of that getToken call knows (attempts, chain, client id). */
const failureRecords = new WeakMap<
  object,
  { attempts?: CredentialAttempt[]; context: CredentialFailureContext }
>();

/**
 * Maps a credential failure — CredentialUnavailableError, AggregateAuthenticationError, AuthenticationError
 * (also found in an error's `cause` chain) — to one KeyVaultConfigError CREDENTIAL_UNAVAILABLE listing every
 * credential tried and what to do. Returns `undefined` when the error is not a credential error.
 */
export function toCredentialError(error: unknown): KeyVaultConfigError | undefined {
  let current: unknown = error;
  for (let depth = 0; current !== null && typeof current === 'object' && depth < 6; depth++) {
    if (isKeyVaultConfigError(current)) {
      return current.code === KeyVaultConfigErrorCode.CredentialUnavailable ? current : undefined;
    }
    const name = errorName(current);
    if (name !== undefined && CREDENTIAL_ERROR_NAMES.has(name)) {
      const record = failureRecords.get(current);
      const context = record?.context ?? { chain: 'DefaultAzureCredential' };
      const fallbackName = context.chain === 'DefaultAzureCredential' ? 'Credential' : context.chain;
      const attempts = record?.attempts?.length ? record.attempts : attemptsFromError(current, fallbackName);
      return new KeyVaultConfigError(
        KeyVaultConfigErrorCode.CredentialUnavailable,
        buildCredentialFailureMessage(attempts, context),
        { credential: context.chain, cause: safeCredentialCause(current) },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Recording which credential of DefaultAzureCredential's chain answered
// ---------------------------------------------------------------------------------------------------

/** The attempts of the getToken call in progress (several vaults may ask concurrently). */
const attemptStore = new AsyncLocalStorage<CredentialAttempt[]>();

function isTokenCredentialLike(value: unknown): value is TokenCredential {
  return (
    value !== null && typeof value === 'object' && typeof (value as TokenCredential).getToken === 'function'
  );
}

/** Class name of a chain entry; the SDK's placeholder for a credential it could not build carries its factory's name. */
export function sourceName(source: object): string {
  const placeholder = source as { credentialName?: unknown };
  if (typeof placeholder.credentialName === 'string') {
    const name = placeholder.credentialName.replace(/^createDefault/, '').replace(/Powershell/, 'PowerShell');
    if (name.endsWith('Credential')) return name;
  }
  const ctor = (source as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'TokenCredential';
}

function recordingProxy(
  source: TokenCredential,
  managedIdentityClientId: string | undefined,
): TokenCredential {
  const name = sourceName(source);
  const skippedReason = (source as { credentialUnavailableErrorMessage?: unknown })
    .credentialUnavailableErrorMessage;
  const recordedGetToken = async (
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken | null> => {
    const attempts = attemptStore.getStore();
    try {
      const token = await source.getToken(scopes, options);
      attempts?.push(
        token
          ? { name, detail: credentialDetail(name, process.env, managedIdentityClientId), outcome: 'success' }
          : {
              name,
              outcome: 'skipped',
              reason: shortReason(
                typeof skippedReason === 'string' ? skippedReason : 'returned no token',
                name,
              ),
            },
      );
      return token;
    } catch (error) {
      attempts?.push({
        name,
        detail: credentialDetail(name, process.env, managedIdentityClientId),
        outcome: errorName(error) === 'CredentialUnavailableError' ? 'unavailable' : 'failed',
        reason: shortReason(errorMessage(error), name),
      });
      throw error;
    }
  };
  return new Proxy(source, {
    get(target, property) {
      return property === 'getToken' ? recordedGetToken : Reflect.get(target, property, target);
    },
  });
}

/**
 * Replaces each credential of a ChainedTokenCredential's list by a recording Proxy. Returns false (and
 * changes nothing) when the SDK's internal shape is not the one we know.
 */
export function installRecorders(chain: object, managedIdentityClientId?: string): boolean {
  const sources: unknown = Reflect.get(chain, CHAIN_SOURCES_FIELD);
  if (!Array.isArray(sources) || sources.length === 0 || !sources.every(isTokenCredentialLike)) return false;
  for (let i = 0; i < sources.length; i++) {
    sources[i] = recordingProxy(sources[i] as TokenCredential, managedIdentityClientId);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The tracked credential: one per underlying credential, shared by every vault and refresh of the process
// ---------------------------------------------------------------------------------------------------

function flightKey(scopes: string | string[], options: GetTokenOptions): string {
  return JSON.stringify([
    Array.isArray(scopes) ? scopes : [scopes],
    options.tenantId ?? null,
    options.claims ?? null,
    options.enableCae ?? null,
  ]);
}

function raceAbort<T>(promise: Promise<T>, signal: GetTokenOptions['abortSignal']): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(): Error {
  const error = new Error('The token request was aborted.');
  error.name = 'AbortError';
  return error;
}

/** Identity lines already logged in this process. */
const loggedIdentities = new Set<string>();

/**
 * Wraps the real credential: asks it for tokens (sharing one request among concurrent identical callers),
 * remembers which credential answered and the identity claims — never the token — logs that identity once
 * per process, and records the attempts of failed calls for {@link toCredentialError}. One instance per
 * underlying credential, so the object SecretClients get is stable across vaults and refreshes.
 */
class TrackedCredential implements TokenCredential {
  /** Logger of the latest resolveCredential call (the identity is logged once per process anyway). */
  logger: KeyVaultConfigLogger | undefined;
  /** What resolveCredential returns for this credential (stable, so per-credential client caches hit). */
  readonly resolved: ResolvedCredential = { credential: this, describe: () => this.describe() };
  private info: KeyVaultCredentialInfo | undefined;
  private readonly inFlight = new Map<string, Promise<AccessToken | null>>();

  constructor(
    private readonly inner: TokenCredential,
    /** Name and detail when no recorded attempt says which credential answered (custom credentials). */
    private readonly fallback: { name: string; detail?: string },
    private readonly context: CredentialFailureContext,
  ) {}

  describe(): KeyVaultCredentialInfo | undefined {
    return this.info === undefined ? undefined : { ...this.info };
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken | null> {
    const key = flightKey(scopes, options);
    let flight = this.inFlight.get(key);
    let token: AccessToken | null;
    if (flight === undefined) {
      flight = this.acquire(scopes, options).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
      token = await flight;
    } else {
      // A concurrent caller (another vault): share the request in flight, but honour its own abort signal.
      token = await raceAbort(flight, options.abortSignal);
    }
    if (token) this.logIdentityOnce();
    return token;
  }

  private async acquire(scopes: string | string[], options: GetTokenOptions): Promise<AccessToken | null> {
    const attempts: CredentialAttempt[] = [];
    try {
      const token = await attemptStore.run(attempts, () => this.inner.getToken(scopes, options));
      if (token) this.noteSuccess(token.token, attempts);
      return token;
    } catch (error) {
      if (error !== null && typeof error === 'object' && !failureRecords.has(error)) {
        failureRecords.set(error, {
          attempts: attempts.length > 0 ? attempts : undefined,
          context: this.context,
        });
      }
      throw error;
    }
  }

  private noteSuccess(token: string, attempts: readonly CredentialAttempt[]): void {
    const answered = [...attempts].reverse().find((a) => a.outcome === 'success');
    const claims = decodeTokenClaims(token);
    const info: KeyVaultCredentialInfo = { name: answered?.name ?? this.fallback.name };
    const detail = answered ? answered.detail : this.fallback.detail;
    if (detail) info.detail = detail;
    if (claims?.objectId) info.objectId = claims.objectId;
    if (claims?.clientId) info.clientId = claims.clientId;
    if (claims?.tenantId) info.tenantId = claims.tenantId;
    this.info = info;
  }

  private logIdentityOnce(): void {
    if (this.info === undefined) return;
    const line = formatCredentialInfo(this.info);
    if (loggedIdentities.has(line)) return;
    loggedIdentities.add(line);
    this.logger?.log(`Authenticated to Key Vault using ${line}`);
  }
}

/** Default credentials of this process, by (client id, credential environment) — several vaults and refreshes share one. */
const defaultCredentials = new Map<string, TrackedCredential>();
/** Custom credentials seen in this process. */
const customCredentials = new WeakMap<TokenCredential, TrackedCredential>();

function cacheKey(managedIdentityClientId: string | undefined): string {
  const material = JSON.stringify([
    managedIdentityClientId ?? null,
    ...CREDENTIAL_ENV_VARS.map((v) => process.env[v] ?? null),
  ]);
  // Hashed so the key (a plain string in a module-level map) holds no client secret or identity header.
  return createHash('sha256').update(material).digest('hex');
}

function createDefaultTracked(
  managedIdentityClientId: string | undefined,
  context: CredentialFailureContext,
): TrackedCredential {
  let chain: DefaultAzureCredential;
  try {
    chain = new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {});
  } catch (error) {
    // The constructor only throws for an invalid AZURE_TOKEN_CREDENTIALS (or requiredEnvVars, unused here).
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidOptions,
      `DefaultAzureCredential could not be created: ${shortReason(errorMessage(error))} Fix or unset AZURE_TOKEN_CREDENTIALS ('dev' = developer tools only, 'prod' = environment, workload and managed identity only, or one credential name such as ManagedIdentityCredential or AzureCliCredential).`,
      {
        key: 'AZURE_TOKEN_CREDENTIALS',
        credential: 'DefaultAzureCredential',
        cause: safeCredentialCause(error),
      },
    );
  }
  // When the SDK's internal shape is not the known one, tokens still come from the real chain; only the
  // label degrades to `DefaultAzureCredential` (see the top of this file).
  installRecorders(chain, managedIdentityClientId);
  return new TrackedCredential(chain, { name: 'DefaultAzureCredential' }, context);
}

/**
 * The credential for the vault clients. Without `credential`: DefaultAzureCredential (the SDK's own chain —
 * environment service principal, workload identity, managed identity, then developer tools; honouring
 * AZURE_TOKEN_CREDENTIALS and AZURE_CLIENT_ID), created once per process for the same `managedIdentityClientId`
 * and credential environment, so several vaults and refreshes share its token cache. With `credential`: that
 * credential, reported by its class name. Either way the first token's credential and identity (oid, appid,
 * tid — from the token's claims, never the token) are logged once per process.
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
  const env = options.env ?? process.env;
  const custom = options.credential;
  if (custom !== undefined) {
    if (!isTokenCredentialLike(custom)) {
      throw new KeyVaultConfigError(
        KeyVaultConfigErrorCode.InvalidOptions,
        '`credential` must be a TokenCredential (an object with a getToken method), e.g. `new ManagedIdentityCredential()` from @azure/identity.',
        { key: 'credential' },
      );
    }
    let tracked = customCredentials.get(custom);
    if (tracked === undefined) {
      const name = sourceName(custom);
      tracked = new TrackedCredential(
        custom,
        { name, detail: credentialDetail(name, process.env, options.managedIdentityClientId) },
        { chain: name },
      );
      customCredentials.set(custom, tracked);
    }
    tracked.logger = logger;
    return tracked.resolved;
  }

  const fromOption = options.managedIdentityClientId?.trim() || undefined;
  const fromEnv = env.AZURE_CLIENT_ID?.trim() || process.env.AZURE_CLIENT_ID?.trim() || undefined;
  const managedIdentityClientId = fromOption ?? fromEnv;
  const key = cacheKey(managedIdentityClientId);
  let tracked = defaultCredentials.get(key);
  if (tracked === undefined) {
    tracked = createDefaultTracked(managedIdentityClientId, {
      chain: 'DefaultAzureCredential',
      managedIdentityClientId,
      clientIdFrom: fromOption ? 'managedIdentityClientId' : fromEnv ? 'AZURE_CLIENT_ID' : undefined,
      tokenCredentials: process.env.AZURE_TOKEN_CREDENTIALS?.trim() || undefined,
    });
    defaultCredentials.set(key, tracked);
  }
  tracked.logger = logger;
  return tracked.resolved;
}

/**
 * Forgets the process-wide credential cache and the "already logged" identities.
 * @internal For tests only.
 */
export function resetCredentialCacheForTests(): void {
  defaultCredentials.clear();
  loggedIdentities.clear();
}

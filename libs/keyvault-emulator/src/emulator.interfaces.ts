/**
 * The emulator's public, in-process contract. Tests, benchmarks, the command line and the sample all
 * depend on these names; extend them, do not rename them.
 */
import type { EmulatorRoute } from './routes.js';
import type {
  CreatedApplication,
  EmulatorApplication,
  FederatedCredential,
  ServiceAccountTokenInput,
  WorkloadIdentityInfo,
} from './identity/entra/index.js';
import type { TokenPrincipalKind } from './identity/tokens.js';

export type {
  CreatedApplication,
  EmulatorApplication,
  FederatedCredential,
  ServiceAccountTokenInput,
  TokenPrincipalKind,
  WorkloadIdentityInfo,
};

// Roles, identities and seed files: their own file, one contract with this one.
export type { EmulatorIdentity, SeedFile, SeedSecret, VaultRole, VaultRoleAlias } from './seed.interfaces.js';
import type { EmulatorIdentity, SeedFile, SeedSecret, VaultRoleAlias } from './seed.interfaces.js';

/** Names of the routes counters, logs and faults refer to (derived from the one list, {@link EMULATOR_ROUTES}). */
export type { EmulatorRoute };

/** A scripted fault. Applies to requests matching `route` (all routes when omitted) and `vault`. */
export interface FaultSpec {
  route?: EmulatorRoute | EmulatorRoute[];
  /** Vault name (default: every vault). */
  vault?: string;
  /** Fixed latency added before answering. */
  latencyMs?: number;
  /** Random extra latency in [0, jitterMs). */
  jitterMs?: number;
  /**
   * Answer with this status (429, 500, 503, …) and Key Vault's error body (400–599), or — with
   * `body: 'html'` / `'empty'` — with that body instead (any status 200–599).
   */
  status?: number;
  /**
   * Answer with a hostile body (see docs/emulator.md, "Hostile bodies"):
   * - `'html'`: an HTML error page (`text/html`), as a proxy or gateway answers; status default 502;
   * - `'empty'`: no body at all (`content-length: 0`); status default 502;
   * - `'truncated'`: the real answer (status, headers) with its JSON body cut at `truncateAt` bytes
   *   (default: half) and re-framed, so the client reads a complete, malformed response — applied
   *   only to requests that got as far as a real answer (authenticated, not throttled);
   * - `'emptyPage'` (list routes only): `{"value":[],"nextLink":…}` pointing at the same position, so
   *   a client that follows nextLinks gets the real page next; like `'truncated'`, only in place of a
   *   real answer;
   * - `'noAccessToken'`, `'noExpiry'`, `'badExpiry'` (identity token routes only: `identity.appservice`,
   *   `identity.imds`, `identity.legacy`, `identity.entra`): the real `200` token answer without
   *   `access_token`, without its expiry fields (`expires_in`, `expires_on`, `ext_expires_in`,
   *   `refresh_in`), or with each of them set to a string that is no number or date; like
   *   `'truncated'`, only in place of a real answer (an error answer is left as it is).
   */
  body?: FaultBody;
  /** With `body: 'truncated'`: bytes of the body kept (default: half of it). */
  truncateAt?: number;
  /** With status 429/503: the Retry-After header in seconds (omit for none). */
  retryAfterSeconds?: number;
  /** Destroy the connection without answering. */
  reset?: boolean;
  /** Accept the request and never answer (until the emulator closes). */
  hang?: boolean;
  /** Apply to the next N matching requests only (default: until cleared). */
  times?: number;
}

/** Hostile bodies a fault can answer with ({@link FaultSpec.body}). */
export type FaultBody = 'html' | 'empty' | 'truncated' | 'emptyPage' | TokenFaultBody;

/** Faults that mangle a `200` token answer of an identity route ({@link FaultSpec.body}). */
export type TokenFaultBody = 'noAccessToken' | 'noExpiry' | 'badExpiry';

/** One request, as counted and logged. Never contains secret values or tokens. */
export interface RequestLogEntry {
  time: string;
  vault?: string;
  route: EmulatorRoute;
  method: string;
  /** Path without query string. */
  path: string;
  status: number;
  /** Caller's client id when a valid token was presented. */
  clientId?: string;
  /** Fault applied, if any. */
  fault?: 'latency' | 'status' | 'reset' | 'hang' | 'throttle' | FaultBody;
  durationMs: number;
}

export interface EmulatorOptions {
  /** Interface to bind (default 127.0.0.1). Anything non-loopback must be asked for explicitly. */
  host?: string;
  /** HTTPS port of the (first) vault; 0 or omitted = a free port. */
  port?: number;
  /** HTTP port of the identity endpoints and the admin API; 0 or omitted = a free port. */
  identityPort?: number;
  /** Secrets of the first vault, or a seed file path (JSON array or SeedFile). */
  seed?: SeedSecret[] | SeedFile | string;
  /** Name of the first vault (default 'emulator'). */
  vaultName?: string;
  /** Persist vault state to this file (atomic writes) and reload it on start. */
  dataFile?: string;
  /** Role of the system-assigned identity (default 'Key Vault Secrets Officer'). */
  systemAssignedRole?: VaultRoleAlias;
  /** User-assigned identities. */
  identities?: EmulatorIdentity[];
  /** Lifetime of issued tokens in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Tenant id used in tokens and the challenge (default: random GUID per start). */
  tenantId?: string;
  /** Fixed latency for every vault request (like `--latency`). */
  latencyMs?: number;
  /**
   * Throttle like Key Vault: at most N vault transactions per vault in any 10-second window, then 429
   * `Throttled` (like `--throttle`). Rejected requests do not count. Off when omitted.
   */
  throttle?: number;
  /**
   * Send `Retry-After` with the throttle's 429s (like `--throttle-retry-after`). Key Vault itself sends
   * none, so clients must back off on their own.
   * @default false
   */
  throttleRetryAfter?: boolean;
  /** Directory for the CA certificate PEM (default: a new temp directory). */
  certDir?: string;
  /** HTTPS port of the emulated Entra ID (AZURE_AUTHORITY_HOST); 0 or omitted = a free port. */
  entraPort?: number;
  /**
   * AKS workload identity (like `--workload-identity`): a user-assigned identity federated with the
   * emulated cluster's service account, its projected token file written and renewed, and `env` gains
   * AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE.
   * @default false
   */
  workloadIdentity?: boolean | { namespace?: string; serviceAccount?: string; role?: VaultRoleAlias };
  /**
   * A service principal with a client secret and a certificate (like `--service-principal`): `env` gains
   * AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST and
   * AZURE_CLIENT_CERTIFICATE_PATH. Cannot be combined with `workloadIdentity`.
   * @default false
   */
  servicePrincipal?: boolean | { role?: VaultRoleAlias };
  /**
   * Also serve the 2017-09-01 App Service protocol (like `--legacy-msi`): `env` gains MSI_ENDPOINT and
   * MSI_SECRET.
   * @default false
   */
  legacyMsi?: boolean;
  /**
   * Asynchronous soft delete (like `--soft-delete-delay`): a delete, recover or purge finishes only after
   * this many milliseconds, as Key Vault runs them in the background — meanwhile a get of the secret and
   * of the deleted secret answer 404 and a set answers 409 (ObjectIsBeingDeleted / ObjectIsBeingRecovered).
   * For tests of pollers. 0: they finish at once.
   * @default 0
   */
  softDeleteDelayMs?: number;
}

/** Handle on one emulated vault. */
export interface EmulatorVault {
  readonly name: string;
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Sets (creates a new version of) a secret; returns the new version id. */
  setSecret(secret: SeedSecret): string;
  /** Latest value, bypassing auth (tests only). Undefined when absent/deleted. */
  getValue(name: string): string | undefined;
  /** Update attributes of the latest version (enabled, expires, notBefore, contentType, tags). */
  updateSecret(name: string, patch: Partial<Omit<SeedSecret, 'name' | 'value'>>): void;
  /** Soft-delete (as the DELETE operation does). */
  deleteSecret(name: string): void;
  /** Purge a secret (and its deleted state) immediately. */
  purgeSecret(name: string): void;
  /** Names of current (not deleted) secrets. */
  secretNames(): string[];
}

/** Request counters and the request log, shared by all vaults and the identity endpoints. */
export interface EmulatorCounters {
  /** Number of requests, optionally filtered. */
  count(filter?: { route?: EmulatorRoute; vault?: string; status?: number; clientId?: string }): number;
  /** Counts by route, then status: `{ 'secrets.get': { '200': 3 } }`. */
  byRoute(): Record<string, Record<string, number>>;
  /** The log, oldest first. */
  log(): readonly RequestLogEntry[];
  reset(): void;
}

export interface EmulatorFaults {
  /** Adds a fault; returns its id. */
  add(fault: FaultSpec): string;
  remove(id: string): void;
  clear(): void;
  /** The next `count` identity-endpoint requests fail with 500 (or never answer with 'hang'). */
  failIdentity(count: number, mode?: 500 | 'hang'): void;
  /**
   * Changes the throttle (vault transactions per 10-second window; undefined turns it off) and starts
   * every vault's window afresh. `retryAfter` sends Retry-After with its 429s; omitted keeps the
   * current choice (`throttleRetryAfter`, off by default).
   */
  setThrottle(perTenSeconds: number | undefined, settings?: { retryAfter?: boolean }): void;
}

/** A running emulator. */
export interface Emulator {
  /** URL of the first vault. */
  readonly vaultUrl: string;
  readonly vaults: readonly EmulatorVault[];
  /** http://127.0.0.1:<identity-port>/msi/token */
  readonly identityEndpoint: string;
  /** Random per start; required in X-IDENTITY-HEADER. */
  readonly identityHeader: string;
  /** http://127.0.0.1:<identity-port> (AZURE_POD_IDENTITY_AUTHORITY_HOST, admin API). */
  readonly identityHost: string;
  /** PEM of the CA that signed the vault certificates (for the SDK's tlsOptions.ca). */
  readonly caCert: string;
  /** File holding caCert (for NODE_EXTRA_CA_CERTS). */
  readonly caCertPath: string;
  readonly tenantId: string;
  /** The system-assigned identity. */
  readonly systemAssigned: { clientId: string; objectId: string };
  /**
   * The command-line contract as variables: KEY_VAULT_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER,
   * AZURE_POD_IDENTITY_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS — in that order.
   */
  readonly env: Readonly<Record<string, string>>;
  /** https://127.0.0.1:<entra-port>: the emulated Entra ID (AZURE_AUTHORITY_HOST). */
  readonly authorityHost: string;
  /** The workload identity, with `workloadIdentity` on. */
  readonly workloadIdentity?: WorkloadIdentityInfo;
  /** The service principal, with `servicePrincipal` on (its secret and certificate path included). */
  readonly servicePrincipal?: CreatedApplication;
  /** Registers an app registration (service principal) with a role, a secret, a certificate, federated credentials. */
  addApplication(application: EmulatorApplication): Promise<CreatedApplication>;
  /** Signs a projected service account token as the emulated cluster does (tests of expired or foreign tokens). */
  issueServiceAccountToken(input: ServiceAccountTokenInput): string;
  readonly counters: EmulatorCounters;
  readonly faults: EmulatorFaults;
  /** A vault by name (default: the first). */
  vault(name?: string): EmulatorVault;
  /** Adds an extra vault on its own port. */
  addVault(name: string, options?: { port?: number; seed?: SeedSecret[] }): Promise<EmulatorVault>;
  /** Sets the role of an identity ('system' = the system-assigned one). */
  setRole(clientId: string | 'system', role: VaultRoleAlias): void;
  /** Registers a user-assigned identity. */
  addIdentity(identity: EmulatorIdentity): { clientId: string; objectId: string };
  /** Changes the lifetime of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /**
   * Changes the asynchronous soft-delete delay of deletes, recovers and purges from now on; 0 turns it off
   * and finishes every delete, recover and purge still running.
   */
  setSoftDeleteDelay(ms: number): void;
  /**
   * Signs a token as the identity endpoints would (tests of bad/expired tokens): defaults to the
   * system-assigned identity, audience https://vault.azure.net and the configured lifetime.
   */
  issueToken(options?: {
    clientId?: string;
    audience?: string;
    expiresInSeconds?: number;
    /** Claims of a managed identity (default), a service principal or a user (`az login`). */
    kind?: TokenPrincipalKind;
  }): string;
  close(): Promise<void>;
}

/**
 * The report of `nestjs-keyvault-config doctor`, as `--json` prints it. This shape is public and stable
 * (documented in the README's "Diagnose" section): fields may be added, never renamed or removed.
 * Nothing in it is ever a secret value or a token — names, versions, identifiers and timings only.
 */
import type { KeyVaultConfigErrorCode } from '../core/errors.js';
import type { KeyVaultEntrySource } from '../core/interfaces.js';
import type { KeyVaultTimelineEntry } from '../core/timeline.js';

/** The kind of identity a token was issued to (from its claims). */
export type DoctorIdentityKind = 'managed identity' | 'user' | 'service principal' | 'unknown';

/** The identity the library would authenticate as. */
export interface DoctorCredential {
  /** Credential class, e.g. `ManagedIdentityCredential`. */
  name: string;
  kind: DoctorIdentityKind;
  /** How it was reached: `App Service`, `IMDS`, `AKS workload identity`, `Azure CLI`, … */
  source?: string;
  oid?: string;
  appid?: string;
  tid?: string;
}

/** One credential of the chain, tried on its own. */
export interface DoctorCredentialAttempt {
  name: string;
  source?: string;
  /** `token`: it got one; `unavailable`: not usable here; `failed`: tried and rejected; `skipped`: not tried. */
  outcome: 'token' | 'unavailable' | 'failed' | 'skipped';
  /** Why it did not get a token (one line, SDK links removed). */
  reason?: string;
  /** The library's chain would use this one (the first token, unless an earlier credential fails hard). */
  selected: boolean;
  kind?: DoctorIdentityKind;
  oid?: string;
  appid?: string;
  tid?: string;
  ms: number;
}

/** A step that either worked or did not, with its timing. */
export interface DoctorCheck {
  ok: boolean;
  ms: number;
  /** One line: what was found, or why it failed. */
  detail: string;
}

/** What a permission probe found. `untested`: nothing to test it on (e.g. list denied, no name known). */
export type DoctorPermission = 'allowed' | 'denied' | 'untested' | 'error';

/** Counts of a vault's secrets (list mode; explicit mode counts the named secrets). */
export interface DoctorCounts {
  listed: number;
  enabled: number;
  disabled: number;
  expired: number;
  notYetValid: number;
  /** Not selected by `prefix` (or `filter`). */
  filteredOut: number;
  /** Keys the configuration would get from this vault. */
  keys: number;
}

/** One key the vault would supply. Names only. */
export interface DoctorKey {
  key: string;
  secretName: string;
  version?: string;
  source: KeyVaultEntrySource;
  status: 'loaded' | 'skipped';
  reason?: string;
}

/** One thing to fix. `code` is a KeyVaultConfigErrorCode. */
export interface DoctorProblem {
  code: KeyVaultConfigErrorCode;
  message: string;
  /** The command(s) that fix it, one per line (RBAC and access-policy variants where both apply). */
  fix?: string;
  vault?: string;
  secretName?: string;
  key?: string;
}

/** A vault and what the doctor found there. */
export interface DoctorVault {
  host: string;
  url: string;
  reachable: boolean;
  dns?: DoctorCheck & { addresses: string[] };
  tls?: DoctorCheck & { protocol?: string; subject?: string; ca?: string; trustedBy?: string };
  challenge?: DoctorCheck & { tenant?: string; resource?: string; authority?: string };
  /** The selected credential's token against the challenge. */
  token?: DoctorCheck & { audience?: string; tenant?: string };
  list: DoctorPermission;
  get: DoctorPermission;
  /** The secret `get` was tried on (its name; the value is never read into the report). */
  getTestedOn?: string;
  counts?: DoctorCounts;
  keys: DoctorKey[];
  problems: DoctorProblem[];
}

/** A `@Microsoft.KeyVault(...)` reference found in the environment or `.env`. */
export interface DoctorReference {
  variable: string;
  from: 'environment' | '.env';
  vault?: string;
  secretName?: string;
  version?: string;
  resolves: boolean;
  /** Why it does not resolve. */
  reason?: string;
}

/** The whole report. */
export interface DoctorReport {
  /** The application would start with this configuration (exit code 0). */
  ok: boolean;
  /** Credential chain that was walked: `DefaultAzureCredential` or a custom credential's class. */
  chain: string;
  /** AZURE_TOKEN_CREDENTIALS, when set. */
  tokenCredentials?: string;
  /** The identity the library would use; null when no credential got a token. */
  credential: DoctorCredential | null;
  credentials: DoctorCredentialAttempt[];
  vaults: DoctorVault[];
  references: DoctorReference[];
  /** `passed`, `failed`, or `none` when no validationSchema is configured (see `--config`). */
  validation: 'passed' | 'failed' | 'none' | 'untested';
  problems: DoctorProblem[];
  /** Warnings that do not stop the start (expired secrets loaded anyway, …). */
  warnings: string[];
  /** The startup load itself (`loadKeyVaultSecrets` with these options): its outcome and duration. */
  startup: { ok: boolean; ms: number; loaded?: number; code?: KeyVaultConfigErrorCode } | null;
  /** The startup load on the wire: challenge → token → list pages → gets. */
  timeline: KeyVaultTimelineEntry[];
  elapsedMs: number;
}

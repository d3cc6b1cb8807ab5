import type {
  KeyVaultChangeEvent,
  KeyVaultCredentialInfo,
  KeyVaultReportEntry,
  KeyVaultTimelineEntry,
} from 'nestjs-keyvault-config';
import type { MasterSecretState } from '../identity/master-secret.js';

/** What the sample knows about its connection string — never the string itself. */
export interface DatabaseStatus {
  connectionString: 'loaded' | 'missing';
  secretName: string;
  version?: string;
}

/** Refresh part of the status page. */
export interface RefreshStatus {
  intervalMs?: number;
  lastSuccessAt?: Date;
  nextRefreshAt?: Date;
  consecutiveFailures: number;
  /**
   * The code of the last failure only: the page is unauthenticated, and an error code says what failed
   * without any text a network or a future change could have put a value into. The log has the message.
   */
  lastError?: { code: string };
}

/** Everything the status page shows. Holds names, versions and dates — no value. */
export interface StatusView {
  vaults: string[];
  /** Which credential got the token, and as whom (from the token's claims), as the library reports it. */
  credential?: KeyVaultCredentialInfo;
  /** Master secrets in the configuration the app started with: names and kinds, never values. */
  masterSecrets: MasterSecretState;
  loadedAt: Date;
  elapsedMs: number;
  entries: KeyVaultReportEntry[];
  /** The startup load on the wire (challenge → token → list pages → gets), as the library recorded it. */
  timeline: KeyVaultTimelineEntry[];
  refresh: RefreshStatus;
  database: DatabaseStatus;
  recentChanges: KeyVaultChangeEvent[];
}

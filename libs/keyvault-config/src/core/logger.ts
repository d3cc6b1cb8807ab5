/**
 * The core's default logger and the one info line a load writes.
 */
import { LOG_PREFIX } from './constants.js';
import { formatCredentialInfo } from './credential.js';
import type {
  KeyVaultConfigLogger,
  KeyVaultCredentialInfo,
  KeyVaultThrottlingFigures,
} from './interfaces.js';
import { CREDENTIAL_NOT_YET_KNOWN, loadedLine } from './messages/index.js';

/** Console with a `[KeyVaultConfig]` prefix. The only place in the core that writes to the console. */
export function createConsoleLogger(): KeyVaultConfigLogger {
  return {
    // oxlint-disable-next-line no-console -- the default logger is the core's single console sink
    log: (message) => console.log(`${LOG_PREFIX} ${message}`),
    warn: (message) => console.warn(`${LOG_PREFIX} ${message}`),
    error: (message) => console.error(`${LOG_PREFIX} ${message}`),
  };
}

/** `ManagedIdentityCredential (App Service) as oid=… appid=… tid=…` — never a token. */
export function describeCredential(info: KeyVaultCredentialInfo | undefined): string {
  return info ? formatCredentialInfo(info) : CREDENTIAL_NOT_YET_KNOWN;
}

/**
 * The one info line per load: "Loaded N secrets from <host>[, <host>] in X ms using <credential>
 * (<detail>) as <identity>", with the throttling figures when a vault throttled the load.
 */
export function formatLoadLine(
  loaded: number,
  hosts: readonly string[],
  elapsedMs: number,
  credential: KeyVaultCredentialInfo | undefined,
  throttling?: KeyVaultThrottlingFigures,
): string {
  return loadedLine({ loaded, hosts, elapsedMs, credential: describeCredential(credential), throttling });
}

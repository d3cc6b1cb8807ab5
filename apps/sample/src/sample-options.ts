import { DEFAULT_ENV_FILE, readEnvFile } from './identity/env-file.js';
import { findMasterSecrets, type MasterSecretState } from './identity/master-secret.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_REFRESH_INTERVAL,
  HOST_ENV,
  PORT_ENV,
  REFRESH_INTERVAL_ENV,
} from './sample.constants.js';

/** Where the sample listens and how often it refreshes — everything it reads besides the vault URL. */
export interface SampleOptions {
  port: number;
  host: string;
  /** Milliseconds or a duration string (`'5s'`), as the library's `refreshInterval` takes it. */
  refreshInterval: number | string;
  /**
   * Master secrets in the environment the process started with and in the `.env` file `@nestjs/config`
   * reads (names and kinds only), read before the library loads anything: what the platform and the
   * deployment gave the app.
   */
  masterSecrets: MasterSecretState;
}

/**
 * Reads {@link SampleOptions} from the environment (and `.env` in `cwd`, for master secrets only);
 * rejects a malformed port with a readable message.
 */
export function readSampleOptions(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): SampleOptions {
  const rawPort = env[PORT_ENV]?.trim();
  const port = rawPort ? Number(rawPort) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${PORT_ENV} must be a port number (0-65535), got "${rawPort}"`);
  }
  const rawInterval = env[REFRESH_INTERVAL_ENV]?.trim();
  const refreshInterval = !rawInterval
    ? DEFAULT_REFRESH_INTERVAL
    : /^\d+$/.test(rawInterval)
      ? Number(rawInterval)
      : rawInterval;
  return {
    port,
    host: env[HOST_ENV]?.trim() || DEFAULT_HOST,
    refreshInterval,
    masterSecrets: findMasterSecrets(env, { [DEFAULT_ENV_FILE]: readEnvFile(cwd) }),
  };
}

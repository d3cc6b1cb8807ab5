/**
 * The credential of a load that reads mounted files only: none. No DefaultAzureCredential is built
 * (it would probe the managed identity endpoint) and nothing goes to the network; the report and the
 * load line say so.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { KeyVaultCredentialInfo } from '../interfaces.js';
import { MOUNT_ONLY_CREDENTIAL_DETAIL } from '../messages/index.js';
import type { ResolvedOptions } from '../options.js';
import type { ResolvedCredential } from '../shared-credential.js';

/** What the report shows as its credential when only mounted files were read. */
export const MOUNT_ONLY_CREDENTIAL_INFO: Readonly<KeyVaultCredentialInfo> = Object.freeze({
  name: 'none',
  detail: MOUNT_ONLY_CREDENTIAL_DETAIL,
});

/** Never called: a load without vaults and references has no client to call it. */
const noTokenCredential: TokenCredential = {
  getToken: () => Promise.reject(new Error('No credential: this load reads mounted files only.')),
};

/** True when the load reads mounted files only: no vault, and no reference to resolve. */
export function isMountOnly(
  options: Pick<ResolvedOptions, 'vaults' | 'mounts' | 'resolveReferences' | 'env'>,
  hasReferences: (env: Record<string, string | undefined>) => boolean,
): boolean {
  return (
    options.vaults.length === 0 &&
    options.mounts.length > 0 &&
    !(options.resolveReferences && hasReferences(options.env))
  );
}

/** The credential handle of a mount-only load. */
export function mountOnlyCredential(): ResolvedCredential {
  return { credential: noTokenCredential, describe: () => ({ ...MOUNT_ONLY_CREDENTIAL_INFO }) };
}

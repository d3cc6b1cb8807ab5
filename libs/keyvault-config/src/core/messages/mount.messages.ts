/**
 * Messages of mounted sources (`mountPath`): files the Secrets Store CSI driver or a Kubernetes Secret
 * volume wrote. They name the directory and the file, never the content.
 */
import { describeValue } from './options.messages.js';

/** Why a mounted file could not be used (the error's middle part). */
export const mountProblem = {
  missingDirectory: (): string => 'the directory does not exist',
  notADirectory: (): string => 'it is not a directory',
  unreadableDirectory: (code: string): string => `the directory cannot be read (${code})`,
  danglingLink: (): string => 'it is a symbolic link to nothing (a dangling link)',
  directoryEntry: (): string => 'it is a directory where a file with one secret is expected',
  notAFile: (): string => 'it is not a regular file (a FIFO, socket or device)',
  tooLarge: (bytes: number, limit: number): string =>
    `it holds ${bytes} bytes, more than the ${limit} bytes a Key Vault secret can hold`,
  unreadable: (code: string): string => `it cannot be read (${code})`,
};

/** A mounted directory or file that cannot be used: what, where, and what to check. */
export function mountedFileUnreadable(p: { path: string; problem: string }): string {
  return `Mounted secret file '${p.path}' cannot be loaded: ${p.problem}. Check the pod's volume and the SecretProviderClass or Secret behind it (\`kubectl describe pod\` shows mount errors); hidden entries (names starting with '.') are ignored.`;
}

/** The mount directory itself cannot be used. */
export function mountDirectoryUnreadable(p: { dir: string; problem: string }): string {
  return `Mounted secrets directory '${p.dir}' cannot be loaded: ${p.problem}. Check \`mountPath\` and the pod's volumeMounts (\`kubectl describe pod\`); with the Secrets Store CSI driver, the volume only exists once the driver mounted it.`;
}

/** A `.json` mounted file (or any, with `mountJson: 'all'`) whose content is not JSON. */
export function mountedJsonInvalid(p: { path: string }): string {
  return `Mounted secret file '${p.path}' is read as JSON (its name ends in .json, or \`mountJson: 'all'\`) but its content is not valid JSON (the content is not shown). Fix the secret, rename the file (objectAlias) without .json, or set \`parseJson: false\`.`;
}

/** The mount changed while it was read, again and again: the load keeps what it had. */
export function mountKeptChanging(p: { dir: string; attempts: number }): string {
  return `Mounted secrets directory '${p.dir}' changed while it was read, ${p.attempts} times in a row; the last complete configuration stays in place and the next change or interval tries again.`;
}

/** The report's credential detail (and the load line's) when only mounted files were read. */
export const MOUNT_ONLY_CREDENTIAL_DETAIL = 'mounted files only: no credential, no network';

/** Watching a mount directory failed: polling (refreshInterval) remains. */
export function mountWatchFailed(p: { dir: string; code: string; polling: boolean }): string {
  return `Watching mounted secrets directory '${p.dir}' stopped (${p.code}); ${p.polling ? 'changes are still picked up every refreshInterval' : 'set refreshInterval to keep picking up changes'}.`;
}

/** Problems of the mount options (the middle part of an INVALID_OPTIONS message). */
export const mountOptionProblem = {
  notAPath: (value: unknown): string =>
    `expected a directory path (or an array of them), got ${describeValue(value)}.`,
  withVaultUrl: (): string =>
    'a `vaults` entry is either a vault (`vaultUrl`) or a mounted directory (`mountPath`), not both; add a second entry.',
  withSecrets: (): string =>
    '`secrets` (explicit mode) names vault secrets; a mounted directory loads its files — use `filter` or `prefix` to select them.',
  notAJsonMode: (value: unknown): string => `expected 'suffix' or 'all', got ${describeValue(value)}.`,
};

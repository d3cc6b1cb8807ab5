/** Constants of mounted sources (`mountPath`). */

/** Key Vault's limit on a secret value (25 KB); a bigger file is not a secret the fan-out engines wrote. */
export const MAX_MOUNTED_FILE_BYTES = 25 * 1024;

/** The kubelet's (and the CSI driver's) atomic writer: `..data` links to the current timestamped directory. */
export const ATOMIC_DATA_LINK = '..data';

/** Reads of a mount that changed under the reader (the `..data` swap) before the load gives up. */
export const MOUNT_READ_ATTEMPTS = 3;

/**
 * Quiet time after the last file-system event before a cycle runs: one kubelet swap is a burst of
 * events (new directory, `..data_tmp`, rename, links, old directory removed).
 */
export const MOUNT_WATCH_DEBOUNCE_MS = 100;

/** File name suffix of JSON secrets under `mountJson: 'suffix'`. */
export const MOUNT_JSON_SUFFIX = '.json';

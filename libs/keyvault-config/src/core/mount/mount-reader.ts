/**
 * Reads a mounted secrets directory as the fan-out engines write it: either plain files, or the
 * kubelet's atomic layout (also the Secrets Store CSI driver's), where `..data` links to an immutable
 * timestamped directory and the visible names are links through `..data`. In the atomic layout the
 * files are read from the directory `..data` resolves to, once per read — never through the visible
 * links, which during a swap point into the new directory before `..data` does (the writer creates
 * them first) — so one read sees one version of the whole volume.
 *
 * A file is opened without following it blindly: non-blocking (a FIFO cannot hang the load), checked
 * on the open handle (a regular file, at most 25 KB), then read. Errors name the file, never content.
 */
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from '../errors.js';
import { mountDirectoryUnreadable, mountedFileUnreadable, mountProblem } from '../messages/index.js';
import { ATOMIC_DATA_LINK, MAX_MOUNTED_FILE_BYTES } from './mount.constants.js';

/** What one listing of a mount saw. */
export interface MountListing {
  dir: string;
  /** Where the files are read from: `dir`, or the directory `..data` resolves to. */
  dataDir: string;
  atomic: boolean;
  /** Visible entry names (hidden ones left out), sorted. */
  names: string[];
}

/** One mounted file's content and when it was written. */
export interface MountedFile {
  /** The visible path, `<dir>/<name>`. */
  path: string;
  value: string;
  modifiedOn: Date;
}

/** A file that disappeared between the listing and its read: the mount is changing, read again. */
export class MountChangedError extends Error {
  override readonly name = 'MountChangedError';
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}

function fileError(path: string, problem: string, dir: string, name: string): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.MountUnreadable,
    mountedFileUnreadable({ path, problem }),
    {
      vault: dir,
      secretName: name,
    },
  );
}

function directoryError(dir: string, problem: string): KeyVaultConfigError {
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.MountUnreadable,
    mountDirectoryUnreadable({ dir, problem }),
    {
      vault: dir,
    },
  );
}

/** Hidden entries: the writer's `..data`, `..data_tmp`, `..<timestamp>` and any dot file. */
export function isHiddenEntry(name: string): boolean {
  return name.startsWith('.');
}

/** The directory `..data` resolves to now, or undefined when the mount is not in the atomic layout. */
export async function currentDataDir(dir: string): Promise<string | undefined> {
  try {
    return await fs.realpath(join(dir, ATOMIC_DATA_LINK));
  } catch {
    return undefined;
  }
}

/** Lists a mount: the layout, where its files are, and the visible names. */
export async function listMount(dir: string): Promise<MountListing> {
  try {
    const stats = await fs.stat(dir);
    if (!stats.isDirectory()) throw directoryError(dir, mountProblem.notADirectory());
  } catch (error) {
    if (error instanceof KeyVaultConfigError) throw error;
    const code = codeOf(error);
    throw directoryError(
      dir,
      code === 'ENOENT' ? mountProblem.missingDirectory() : mountProblem.unreadableDirectory(code),
    );
  }
  const resolved = await currentDataDir(dir);
  const dataDir = resolved ?? dir;
  let names: string[];
  try {
    names = await fs.readdir(dataDir);
  } catch (error) {
    // `..data` was swapped and its old target removed between realpath and readdir.
    if (resolved && codeOf(error) === 'ENOENT') throw new MountChangedError(dir);
    throw directoryError(dir, mountProblem.unreadableDirectory(codeOf(error)));
  }
  return {
    dir,
    dataDir,
    atomic: resolved !== undefined,
    names: names.filter((n) => !isHiddenEntry(n)).sort(),
  };
}

/** Why an entry that could not be opened cannot be loaded (or that it vanished: MountChangedError). */
async function openFailure(listing: MountListing, name: string, error: unknown): Promise<Error> {
  const path = join(listing.dir, name);
  const code = codeOf(error);
  if (code !== 'ENOENT') return fileError(path, mountProblem.unreadable(code), listing.dir, name);
  const link = await fs.lstat(join(listing.dataDir, name)).catch(() => undefined);
  if (link?.isSymbolicLink()) return fileError(path, mountProblem.danglingLink(), listing.dir, name);
  return new MountChangedError(path);
}

/** Reads one listed entry: a regular file of at most 25 KB, as UTF-8. */
export async function readMountedFile(listing: MountListing, name: string): Promise<MountedFile> {
  const path = join(listing.dir, name);
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await fs.open(join(listing.dataDir, name), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw await openFailure(listing, name, error);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw fileError(path, mountProblem.directoryEntry(), listing.dir, name);
    if (!stats.isFile()) throw fileError(path, mountProblem.notAFile(), listing.dir, name);
    if (stats.size > MAX_MOUNTED_FILE_BYTES) {
      throw fileError(path, mountProblem.tooLarge(stats.size, MAX_MOUNTED_FILE_BYTES), listing.dir, name);
    }
    const content = await handle.readFile();
    // It may have grown since the stat (a plain directory written in place).
    if (content.length > MAX_MOUNTED_FILE_BYTES) {
      throw fileError(path, mountProblem.tooLarge(content.length, MAX_MOUNTED_FILE_BYTES), listing.dir, name);
    }
    return { path, value: content.toString('utf8'), modifiedOn: stats.mtime };
  } catch (error) {
    if (error instanceof KeyVaultConfigError) throw error;
    throw fileError(path, mountProblem.unreadable(codeOf(error)), listing.dir, name);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

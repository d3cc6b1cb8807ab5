/**
 * A mounted directory as a source of the load: one file per secret, its name the secret's name. The
 * same selection and mapping as a listed vault (prefix, filter on the name, keyMapper, `--` nesting),
 * JSON by name suffix or `mountJson`, and one slot per file for the merge and the report (`source:
 * 'mount'`, path and modification time instead of a version). Nothing here touches the network.
 *
 * A read that meets a swap in progress (a file gone, `..data` moved on) reads the mount again, up to
 * MOUNT_READ_ATTEMPTS times; a refresh that still fails keeps the last-known-good configuration.
 */
import { join } from 'node:path';
import type { SecretProperties } from '@azure/keyvault-secrets';
import { SkipReason } from '../constants.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from '../errors.js';
import { keyPathFor } from '../key-mapping.js';
import { skip, type LoadContext, type Slot } from '../load-context.js';
import { mountedJsonInvalid, mountKeptChanging } from '../messages/index.js';
import { holdValues } from '../redaction.js';
import {
  runFilter,
  skippedAsReservedJson,
  skippedAsReservedKey,
  unmappableNameWarning,
} from '../secret-policy.js';
import { MOUNT_JSON_SUFFIX, MOUNT_READ_ATTEMPTS } from './mount.constants.js';
import type { ResolvedMountSource } from './mount-options.js';
import {
  currentDataDir,
  listMount,
  MountChangedError,
  readMountedFile,
  type MountListing,
} from './mount-reader.js';

/** Loads one mounted directory into `slots` (all of one consistent read, or nothing). */
export async function loadMounted(
  ctx: LoadContext,
  mount: ResolvedMountSource,
  slots: Slot[],
): Promise<void> {
  for (let attempt = 1; attempt <= MOUNT_READ_ATTEMPTS; attempt++) {
    if (ctx.signal.aborted) return;
    let listing: MountListing | undefined;
    try {
      listing = await listMount(mount.dir);
      slots.push(...(await readListing(ctx, mount, listing)));
      return;
    } catch (error) {
      if (!(await changedUnder(error, listing))) throw error;
    }
  }
  throw new KeyVaultConfigError(
    KeyVaultConfigErrorCode.MountUnreadable,
    mountKeptChanging({ dir: mount.dir, attempts: MOUNT_READ_ATTEMPTS }),
    { vault: mount.dir },
  );
}

/** True when a failed read met a change: a file vanished, or `..data` now points elsewhere. */
async function changedUnder(error: unknown, listing: MountListing | undefined): Promise<boolean> {
  if (error instanceof MountChangedError) return true;
  if (!listing?.atomic) return false;
  return (await currentDataDir(listing.dir)) !== listing.dataDir;
}

async function readListing(
  ctx: LoadContext,
  mount: ResolvedMountSource,
  listing: MountListing,
): Promise<Slot[]> {
  const slots: Slot[] = [];
  const reads: Promise<void>[] = [];
  for (const name of listing.names) {
    const planned = planMounted(ctx, mount, name);
    if (!planned) continue;
    slots.push(planned.slot);
    const { slot, path, json } = planned;
    // Through the load's pool: a directory of thousands of files never opens them all at once.
    if (path) reads.push(ctx.pool.run(() => readInto(ctx, listing, name, slot, path, json)));
  }
  await Promise.all(reads);
  return slots;
}

/** The secret name of a file, and whether it holds JSON. */
function secretNameOf(mount: ResolvedMountSource, fileName: string): { name: string; json: boolean } {
  const suffixed =
    fileName.toLowerCase().endsWith(MOUNT_JSON_SUFFIX) && fileName.length > MOUNT_JSON_SUFFIX.length;
  const name = suffixed ? fileName.slice(0, -MOUNT_JSON_SUFFIX.length) : fileName;
  return { name, json: mount.json === 'all' || suffixed };
}

/** Decides what to do with one file: out of this app's prefix, skipped (with a reason), or read. */
function planMounted(
  ctx: LoadContext,
  mount: ResolvedMountSource,
  fileName: string,
): { slot: Slot; path?: string[]; json: boolean } | undefined {
  const { name, json } = secretNameOf(mount, fileName);
  let mappedName = name;
  if (mount.prefix !== undefined) {
    if (!name.toLowerCase().startsWith(mount.prefix.toLowerCase())) return undefined; // not this app's
    mappedName = name.slice(mount.prefix.length);
  }
  const slot: Slot = {
    subject: {
      key: name,
      secretName: name,
      vault: mount.dir,
      source: 'mount',
      path: join(mount.dir, fileName),
    },
  };
  // The filter sees what a listing would show of a vault secret: the name, no value.
  const properties = { name, vaultUrl: mount.dir, enabled: true } as SecretProperties;
  if (mount.filter && !runFilter(mount.filter, properties)) {
    try {
      slot.subject.key = keyPathFor(mount, mappedName, name)?.join('.') ?? name; // for the report only
    } catch {
      // a keyMapper failing on a filtered-out file does not matter
    }
    skip(slot, SkipReason.Filtered);
    return { slot, json };
  }
  const path = keyPathFor(mount, mappedName, name);
  if (path) slot.subject.key = path.join('.');
  if (path === null) skip(slot, SkipReason.Unmapped);
  if (path === undefined) {
    ctx.logger.warn(unmappableNameWarning(name, mount.dir));
    skip(slot, SkipReason.UnmappableName);
  }
  if (path && skippedAsReservedKey(ctx.logger, slot, path)) return { slot, json };
  return { slot, path: path ?? undefined, json };
}

async function readInto(
  ctx: LoadContext,
  listing: MountListing,
  fileName: string,
  slot: Slot,
  path: string[],
  json: boolean,
): Promise<void> {
  const file = await readMountedFile(listing, fileName);
  // From now on no message, log line or report of this process can carry it (redaction.ts).
  holdValues([file.value]);
  slot.subject.modifiedOn = file.modifiedOn;
  let value: unknown = file.value;
  if (json && ctx.options.parseJson) {
    try {
      value = JSON.parse(file.value) as unknown;
    } catch {
      // JSON.parse's message quotes the content: never used.
      throw new KeyVaultConfigError(
        KeyVaultConfigErrorCode.InvalidSecretContent,
        mountedJsonInvalid({ path: file.path }),
        {
          secretName: slot.subject.secretName,
          vault: listing.dir,
          key: path.join('.'),
        },
      );
    }
  }
  if (skippedAsReservedJson(ctx.logger, slot, value)) return;
  slot.entry = { key: path.join('.'), path, value, secretName: slot.subject.secretName, vault: listing.dir };
}

/**
 * A secrets volume written the way the kubelet's AtomicWriter (and the Secrets Store CSI driver's copy
 * of it) writes one — modelled on the algorithm documented in kubernetes pkg/volume/util/atomic_writer.go,
 * not its code: the files of a version live in a hidden timestamped directory, `..data` links to it, and
 * every visible name is a link `name -> ..data/name`. An update writes a new timestamped directory,
 * creates the visible links of new names, links `..data_tmp` to the new directory, renames it over
 * `..data` (the one atomic step), removes the visible links of deleted names, then the old directory.
 *
 * `write(payload, { onStep })` stops after each step so a test can read the volume mid-swap.
 */
import { mkdtemp, mkdir, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The steps of one update, in the writer's order. */
export const ATOMIC_WRITE_STEPS = [
  'timestamped directory written',
  'visible links created',
  '..data_tmp linked',
  '..data renamed',
  'old visible links removed',
  'old directory removed',
] as const;
export type AtomicWriteStep = (typeof ATOMIC_WRITE_STEPS)[number];

let sequence = 0;

/** A temporary directory for a test's mounts; `cleanup()` removes it. */
export async function tempMountRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'kv-mount-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A volume in the kubelet's atomic layout under `dir`. */
export class KubeletVolume {
  private names = new Set<string>();
  private writing: string | undefined;

  constructor(readonly dir: string) {}

  /** Creates the volume directory and writes its first version. */
  static async create(dir: string, payload: Record<string, string>): Promise<KubeletVolume> {
    await mkdir(dir, { recursive: true });
    const volume = new KubeletVolume(dir);
    await volume.write(payload);
    return volume;
  }

  /** Writes a new version: every file of `payload`, and none of the others. */
  async write(
    payload: Record<string, string>,
    options: { onStep?: (step: AtomicWriteStep) => Promise<void> | void } = {},
  ): Promise<void> {
    const step = async (name: AtomicWriteStep): Promise<void> => {
      await options.onStep?.(name);
    };
    const dataLink = join(this.dir, '..data');
    const oldTarget = await readlink(dataLink).catch(() => undefined);
    const stamp = new Date().toISOString().replace(/[-:T]/g, '_').replace(/\..*$/, '');
    const tsName = `..${stamp}.${process.pid}${String(++sequence).padStart(4, '0')}`;
    await mkdir(join(this.dir, tsName), { mode: 0o755 });
    this.writing = tsName;
    for (const [name, content] of Object.entries(payload)) {
      await writeFile(join(this.dir, tsName, name), content, { mode: 0o644 });
    }
    await step('timestamped directory written');
    const next = new Set(Object.keys(payload));
    for (const name of next) {
      if (!this.names.has(name)) await symlink(join('..data', name), join(this.dir, name));
    }
    await step('visible links created');
    await symlink(tsName, join(this.dir, '..data_tmp'));
    await step('..data_tmp linked');
    await rename(join(this.dir, '..data_tmp'), dataLink);
    await step('..data renamed');
    for (const name of this.names) if (!next.has(name)) await unlink(join(this.dir, name));
    this.names = next;
    await step('old visible links removed');
    if (oldTarget) await rm(join(this.dir, oldTarget), { recursive: true, force: true });
    await step('old directory removed');
    this.writing = undefined;
  }

  /** The timestamped directory being written (valid from 'timestamped directory written' until the rename). */
  async nextDir(): Promise<string> {
    if (!this.writing) throw new Error('nextDir() is only valid inside onStep');
    return join(this.dir, this.writing);
  }
}

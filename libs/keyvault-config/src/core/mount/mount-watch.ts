/**
 * Refresh by watching: `fs.watch` on each mounted directory, so a kubelet or CSI driver swap of
 * `..data` (the rename of `..data_tmp` is an event in the directory) or a plain file's change starts a
 * refresh cycle soon after it — `refreshInterval` stays the polling fallback (a watch can miss events
 * on some volume types and stops when the directory goes away).
 *
 * A swap is a burst of events: a cycle runs after MOUNT_WATCH_DEBOUNCE_MS of quiet, one at a time, and
 * once more if events came while it ran. Watches are not persistent and the timer is unref'd, so they
 * never keep the process alive; after `close()` nothing fires.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { KeyVaultConfigLogger } from '../interfaces.js';
import { mountWatchFailed } from '../messages/index.js';
import { MOUNT_WATCH_DEBOUNCE_MS } from './mount.constants.js';

export interface MountWatchOptions {
  dirs: readonly string[];
  /** Runs one refresh cycle (that sees the directory as it is now). */
  trigger: () => Promise<unknown>;
  logger: KeyVaultConfigLogger;
  /** A refreshInterval is set (what the warning on a failed watch says). */
  polling: boolean;
  debounceMs?: number;
}

/** The file-system watches of a watcher's mounted directories. */
export class MountWatch {
  private readonly watchers: FSWatcher[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private closed = false;

  constructor(private readonly options: MountWatchOptions) {}

  /** Starts watching every directory (a directory that cannot be watched is logged; polling remains). */
  start(): void {
    if (this.closed || this.watchers.length > 0) return;
    for (const dir of this.options.dirs) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.onEvent());
        watcher.on('error', (error) => this.onError(dir, watcher, error));
        this.watchers.push(watcher);
      } catch (error) {
        this.warn(dir, error);
      }
    }
  }

  /** Final: closes the watches and cancels a pending cycle. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private onEvent(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fire(), this.options.debounceMs ?? MOUNT_WATCH_DEBOUNCE_MS);
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    this.running = true;
    try {
      await this.options.trigger();
    } catch {
      // The trigger is the watcher's refresh, which never rejects; nothing to add here.
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      this.onEvent();
    }
  }

  private onError(dir: string, watcher: FSWatcher, error: unknown): void {
    watcher.close();
    const index = this.watchers.indexOf(watcher);
    if (index >= 0) this.watchers.splice(index, 1);
    if (!this.closed) this.warn(dir, error);
  }

  private warn(dir: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    this.options.logger.warn(mountWatchFailed({ dir, code, polling: this.options.polling }));
  }
}

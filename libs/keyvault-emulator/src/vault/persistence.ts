import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PERSIST_DEBOUNCE_MS } from '../constants.js';
import type { PersistedState } from './store.interfaces.js';

const FORMAT = 'keyvault-emulator/v1';

/** Error raised when the data file exists but cannot be read as emulator state. */
export class DataFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataFileError';
  }
}

/**
 * Writes the emulator's state to one JSON file, atomically: the new content goes to a temporary file
 * in the same directory, is fsync'ed, then renamed over the data file (rename is atomic within a file
 * system), and the directory is fsync'ed where the platform allows it. A crash at any point leaves
 * either the old or the new file, never a torn one; a temporary file left behind is ignored (and
 * removed) at the next load. Writes are debounced; {@link flush} writes pending state immediately.
 */
export class DataFile {
  private timer: NodeJS.Timeout | undefined;
  private pending: (() => PersistedState) | undefined;

  /**
   * @param path the data file
   * @param debounceMs delay between a change and its write
   * @param onError receives failures of debounced (background) writes, which have no caller to throw to;
   *   the state stays pending and is retried at the next change or flush
   */
  constructor(
    readonly path: string,
    private readonly debounceMs = PERSIST_DEBOUNCE_MS,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Reads the state; undefined when the file does not exist yet. Leftover temp files are removed. */
  load(): PersistedState | undefined {
    this.removeLeftovers();
    if (!existsSync(this.path)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new DataFileError(`The emulator data file ${this.path} is not valid JSON.`, { cause: error });
    }
    const state = parsed as Partial<PersistedState> | null;
    if (!state || state.format !== FORMAT || typeof state.vaults !== 'object' || state.vaults === null) {
      throw new DataFileError(`The emulator data file ${this.path} is not in the ${FORMAT} format.`);
    }
    return state as PersistedState;
  }

  /** Schedules a write of `state()` (evaluated when the write happens). */
  schedule(state: () => PersistedState): void {
    this.pending = state;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.onError(error);
      }
    }, this.debounceMs);
  }

  /** Writes any pending state now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const pending = this.pending;
    if (!pending) return;
    this.write(pending());
    // Cleared only once written: a failed write stays pending for the next attempt.
    if (this.pending === pending) this.pending = undefined;
  }

  /** Atomic write: temp file in the same directory → fsync → rename → fsync directory. */
  write(state: PersistedState): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(state, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temp, this.path);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone: nothing to clean up.
      }
      throw error;
    }
    try {
      const dirFd = openSync(dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch {
      // Directories cannot be opened/fsync'ed on every platform (Windows); the rename is still atomic.
    }
  }

  private removeLeftovers(): void {
    const dir = dirname(this.path);
    if (!existsSync(dir)) return;
    const prefix = `.${basename(this.path)}.`;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(prefix) && entry.endsWith('.tmp')) {
        try {
          unlinkSync(join(dir, entry));
        } catch {
          // Another process may own or have removed it; it is never read either way.
        }
      }
    }
  }
}

/** Builds the persisted document from vault snapshots. */
export function toPersistedState(vaults: PersistedState['vaults']): PersistedState {
  return { format: FORMAT, vaults };
}

/**
 * The watcher wired to the loader: `openWatcher` runs the startup load (keeping its session) and gives
 * the {@link Watcher} a {@link RefreshSource} whose cycle is the same load again (`reloadForRefresh`),
 * reusing unchanged listed secrets, plus the mounted directories' file-system watch.
 * `watchKeyVaultSecrets` is the public entry point for apps without Nest; the Nest module calls
 * `openWatcher` and starts the watcher after bootstrap.
 */
import { exposeReferences } from './env-exposure.js';
import type { KeyVaultConfigOptions, KeyVaultWatcher } from './interfaces.js';
import { loadForRefresh, reloadForRefresh, type RememberedSecret } from './loader.js';
import { MountWatch } from './mount/mount-watch.js';
import { Watcher, type RefreshSource } from './watcher.js';

/**
 * Loads like `loadKeyVaultSecrets` and returns a watcher whose timer is not started yet (the Nest
 * module starts it after bootstrap). See {@link watchKeyVaultSecrets}.
 */
export async function openWatcher(options: KeyVaultConfigOptions = {}): Promise<Watcher> {
  const loaded = await loadForRefresh(options);
  const { session } = loaded;
  let previous: Map<string, RememberedSecret> = loaded.fetched;
  const startupTimeline = loaded.result.report.timeline;
  const source: RefreshSource | undefined = session && {
    async reload(stop, logger) {
      const fetched = new Map<string, RememberedSecret>();
      try {
        const next = await reloadForRefresh(session, { logger, stop, previous, fetched });
        previous = fetched;
        // A cycle's report keeps the startup load's timeline: how the app got its secrets at all.
        const report = { ...next.result.report, ...(startupTimeline ? { timeline: startupTimeline } : {}) };
        const { exposed } = session;
        const accept = exposed && (() => void exposeReferences(next.references, exposed, session.logger));
        return { config: next.result.config, report, keys: next.keys, ...(accept ? { accept } : {}) };
      } catch (error) {
        // What this failed cycle fetched is still right for its version: the retry reuses it.
        previous = new Map([...previous, ...fetched]);
        throw error;
      }
    },
  };
  const watcher = new Watcher(
    { config: loaded.result.config, report: loaded.result.report, keys: loaded.keys },
    source,
    {
      logger: loaded.logger,
      intervalMs: session?.options.refreshIntervalMs,
      healthFailureThreshold: session?.options.healthFailureThreshold,
      unrecoverable: session ? undefined : loaded.result.report.error,
    },
  );
  const dirs = session?.options.mounts.map((m) => m.dir) ?? [];
  if (dirs.length > 0) {
    const trigger = async (): Promise<void> => {
      // A cycle already running may have read the directory before this change: run one after it.
      if (watcher.state.refreshing) await watcher.refresh();
      if (!watcher.state.stopped) await watcher.refresh();
    };
    const polling = session?.options.refreshIntervalMs !== undefined;
    watcher.attach(new MountWatch({ dirs, trigger, logger: loaded.logger, polling }));
  }
  return watcher;
}

/**
 * Loads the secrets (as `loadKeyVaultSecrets` does) and keeps them current — secret rotation without
 * restart for apps without Nest:
 *
 * ```ts
 * const watcher = await watchKeyVaultSecrets({ refreshInterval: '5m' });
 * watcher.onKeyChange('Database.Password', () => pool.reconnect(watcher.get('Database.Password')));
 * process.on('SIGTERM', () => void watcher.stop());
 * ```
 *
 * With `refreshInterval` a cycle runs on that interval (±10 % jitter; the timer never keeps the process
 * alive); `refresh()` runs one on demand either way. Throws like `loadKeyVaultSecrets` when the startup
 * load fails (unless `optional: true`).
 */
export async function watchKeyVaultSecrets<T = Record<string, unknown>>(
  options: KeyVaultConfigOptions = {},
): Promise<KeyVaultWatcher<T>> {
  const watcher = await openWatcher(options);
  watcher.start();
  // The caller's declared shape (see KeyVaultWatcher): `config` is the loaded configuration.
  return watcher as unknown as KeyVaultWatcher<T>;
}

/**
 * `loadKeyVaultSecrets`, the orchestrator of a load: resolves options and the credential, runs the
 * load (load-run.ts: the sources on one pool and task group under one deadline, the merge and the
 * validation) and reports. One load succeeds whole or fails with one KeyVaultConfigError; no partial
 * configuration is ever returned. `loadForRefresh` / `reloadForRefresh` are the same load for the
 * refresher: the startup load keeping its session, and one refresh cycle reusing unchanged listed
 * secrets (refresh-reuse.ts).
 */
import { continuingWithoutVault, refreshNotSupported } from './messages/index.js';
import { resolveCredential, type ResolvedCredential } from './credential.js';
import { configuredEnvironment, exposeReferences, type ResolvedReference } from './env-exposure.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type {
  KeyVaultConfigLogger,
  KeyVaultConfigOptions,
  KeyVaultLoadOnceOptions,
  KeyVaultLoadReport,
  KeyVaultLoadResult,
} from './interfaces.js';
import { toLoadFailure } from './load-failure.js';
import { runLoad } from './load-run.js';
import { createConsoleLogger, formatLoadLine } from './logger.js';
import type { LoadedKey } from './merge.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { redactingLogger } from './redaction.js';
import { hasReferences } from './references.js';
import type { RememberedSecret } from './refresh-reuse.js';
import { buildReport } from './report.js';
import { isMountOnly, mountOnlyCredential } from './mount/mount-credential.js';
import { KeyVaultTimelineRecorder, recordTimeline } from './timeline.js';
import { LoadThrottle } from './throttle-scope.js';

export type { LoadedKey } from './merge.js';
export type { RememberedSecret } from './refresh-reuse.js';

/** What a refresher keeps of the startup load to run its cycles with. */
export interface LoadSession {
  options: ResolvedOptions;
  credential: ResolvedCredential;
  logger: KeyVaultConfigLogger;
  /** With `exposeReferencesInEnv`: the variables this session wrote into process.env (env-exposure.ts). */
  exposed?: Set<string>;
}

/** A load's result, plus what change detection compares (`keys`) and reuses (`fetched`). */
export interface DetailedLoad {
  result: KeyVaultLoadResult;
  /** The Key Vault keys of `result.config` (overridden secrets excluded). */
  keys: Map<string, LoadedKey>;
  /** Listed secrets by `fetchedKey` (refresh-reuse.ts). */
  fetched: Map<string, RememberedSecret>;
}

/**
 * Loads the secrets of one or several vaults (and resolves `@Microsoft.KeyVault(...)` references in
 * the environment) into a nested configuration object plus a report. Throws a
 * {@link KeyVaultConfigError}; with `optional: true` resolves to `{ config: {}, report }` with
 * `report.error` instead, after one warning.
 */
export async function loadKeyVaultSecrets<T = Record<string, unknown>>(
  options: KeyVaultLoadOnceOptions = {},
): Promise<KeyVaultLoadResult<T>> {
  rejectRefreshOptions(options, 'loadKeyVaultSecrets()');
  // The caller's declared shape (see KeyVaultLoadResult): the object is the loaded configuration.
  return (await loadForRefresh(options)).result as KeyVaultLoadResult<T>;
}

/**
 * INVALID_OPTIONS for a refresh option given to an entry point that loads once (the type forbids it;
 * this catches plain JavaScript and casts). Thrown even under `optional: true`: it is a mistake in
 * the code, not an outage to start without.
 */
export function rejectRefreshOptions(options: object | undefined, entryPoint: string): void {
  for (const option of ['refreshInterval', 'healthFailureThreshold']) {
    if ((options as Record<string, unknown> | undefined)?.[option] !== undefined) {
      throw new KeyVaultConfigError(
        KeyVaultConfigErrorCode.InvalidOptions,
        refreshNotSupported(option, entryPoint),
        {
          key: option,
        },
      );
    }
  }
}

/**
 * `loadKeyVaultSecrets`, keeping what a refresher needs: the session (resolved options, credential,
 * logger — absent when the options could not even be resolved under `optional: true`), the loaded keys
 * and the fetched listed secrets.
 */
export async function loadForRefresh(
  options: KeyVaultConfigOptions = {},
): Promise<DetailedLoad & { session?: LoadSession; logger: KeyVaultConfigLogger }> {
  const started = performance.now();
  const loadedAt = new Date();
  const logger = redactingLogger(usableLogger(options?.logger) ?? createConsoleLogger());
  let resolved: ResolvedOptions | undefined;
  let credential: ResolvedCredential | undefined;
  let hosts: string[] = [];
  let throttle: LoadThrottle | undefined;
  const fetched = new Map<string, RememberedSecret>();
  const recorder = new KeyVaultTimelineRecorder();
  try {
    resolved = resolveOptions(options, hasConfiguredReferences);
    hosts = resolved.vaults.map((v) => v.host);
    const { credential: given, managedIdentityClientId, env } = resolved;
    // Mounted files only: no credential is built, so nothing probes an identity endpoint.
    credential = isMountOnly(resolved, hasConfiguredReferences)
      ? mountOnlyCredential()
      : resolveCredential({ credential: given, managedIdentityClientId, env }, logger);
    throttle = loadThrottleFor(resolved);
    const loadThrottle = throttle;
    const session: LoadSession = { options: resolved, credential, logger };
    const run = await recordTimeline(recorder, () =>
      runLoad(session.options, session.credential, logger, { fetched }, loadThrottle),
    );
    hosts = run.hosts;
    const elapsedMs = performance.now() - started;
    const mounts = mountDirsOf(resolved);
    const report = buildReport({
      vaults: hosts,
      mounts,
      credential: credential.describe(),
      loadedAt,
      elapsedMs,
      entries: run.entries,
      timeline: recorder.entries,
      throttling: throttle.figures(),
    });
    logLoad(logger, report, [...hosts, ...mounts], elapsedMs);
    // After the load succeeded (validation included), before anything is built from it.
    exposeAtStartup(session, run.references);
    return { result: { config: run.config, report }, keys: run.keys, fetched, session, logger };
  } catch (error) {
    const failure = failureOutsideLoad(error, hosts);
    if (options?.optional !== true) throw failure;
    logger.warn(optionalFailureWarning(failure));
    const report = buildReport({
      vaults: hosts,
      mounts: resolved && mountDirsOf(resolved),
      credential: credential?.describe(),
      loadedAt,
      elapsedMs: performance.now() - started,
      entries: [],
      throttling: throttle?.figures(),
      error: { code: failure.code, message: failure.message },
      timeline: recorder.entries,
    });
    const session = resolved && credential ? { options: resolved, credential, logger } : undefined;
    return { result: { config: {}, report }, keys: new Map(), fetched: new Map(), session, logger };
  }
}

/**
 * One refresh cycle: the startup load again with its session, reusing the values of listed secrets
 * whose version and updatedOn did not change (`cycle.previous`), and removing — instead of failing on —
 * explicit secrets and references that were deleted or disabled. Throws one KeyVaultConfigError; fills
 * `cycle.fetched` even then, so a retry does not fetch again what this attempt already got.
 */
export async function reloadForRefresh(
  session: LoadSession,
  cycle: {
    logger: KeyVaultConfigLogger;
    stop: AbortSignal;
    previous: ReadonlyMap<string, RememberedSecret>;
    fetched: Map<string, RememberedSecret>;
  },
): Promise<Omit<DetailedLoad, 'fetched'> & { references: ResolvedReference[] }> {
  const started = performance.now();
  const loadedAt = new Date();
  let hosts = session.options.vaults.map((v) => v.host);
  try {
    const { logger, ...rest } = cycle;
    const throttle = loadThrottleFor(session.options);
    const run = await runLoad(
      session.options,
      session.credential,
      redactingLogger(logger),
      { ...rest, refresh: true },
      throttle,
    );
    hosts = run.hosts;
    const report = buildReport({
      vaults: run.hosts,
      mounts: mountDirsOf(session.options),
      credential: session.credential.describe(),
      loadedAt,
      elapsedMs: performance.now() - started,
      entries: run.entries,
      throttling: throttle.figures(),
    });
    return { result: { config: run.config, report }, keys: run.keys, references: run.references };
  } catch (error) {
    throw failureOutsideLoad(error, hosts);
  }
}

function logLoad(
  logger: KeyVaultConfigLogger,
  report: KeyVaultLoadReport,
  sources: string[],
  elapsedMs: number,
): void {
  logger.log(formatLoadLine(report.loaded, sources, elapsedMs, report.credential, report.throttling));
}

/** `exposeReferencesInEnv`: the startup load's references into process.env; the session keeps which. */
function exposeAtStartup(session: LoadSession, references: readonly ResolvedReference[]): void {
  if (!session.options.exposeReferencesInEnv) return;
  session.exposed = new Set();
  exposeReferences(references, session.exposed, session.logger);
}

/** References as configured: a variable holding a value exposeReferencesInEnv wrote still counts. */
function hasConfiguredReferences(env: Record<string, string | undefined>): boolean {
  return hasReferences(configuredEnvironment(env));
}

function mountDirsOf(options: ResolvedOptions): string[] {
  return options.mounts.map((m) => m.dir);
}

/** A load's throttling state: its deadline starts now. */
function loadThrottleFor(options: ResolvedOptions): LoadThrottle {
  return new LoadThrottle(Date.now() + options.timeoutMs, options.concurrency);
}

function usableLogger(logger: unknown): KeyVaultConfigLogger | undefined {
  const l = logger as Partial<KeyVaultConfigLogger> | undefined;
  return l && typeof l.log === 'function' && typeof l.warn === 'function' && typeof l.error === 'function'
    ? (l as KeyVaultConfigLogger)
    : undefined;
}

/** Anything that escapes the load (options, credential, merge, validation) as one KeyVaultConfigError. */
function failureOutsideLoad(error: unknown, hosts: string[]): KeyVaultConfigError {
  return toLoadFailure(error, { operation: 'get', vault: hosts.join(', ') || 'Key Vault' });
}

function optionalFailureWarning(failure: KeyVaultConfigError): string {
  return continuingWithoutVault(failure.message);
}

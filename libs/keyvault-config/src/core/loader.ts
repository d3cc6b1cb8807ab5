/**
 * `loadKeyVaultSecrets`, the orchestrator of a load: resolves options and the credential, starts the
 * three sources (sources.ts) on one pool and task group under one deadline, then merges (merge.ts),
 * validates and reports. One load succeeds whole or fails with one KeyVaultConfigError; no partial
 * configuration is ever returned. `loadForRefresh` / `reloadForRefresh` are the same load for the
 * refresher: the startup load keeping its session, and one refresh cycle reusing unchanged listed
 * secrets (refresh-reuse.ts).
 */
import { setMaxListeners } from 'node:events';
import { abortError } from './abort.js';
import { continuingWithoutVault, refreshNotSupported, REFRESH_STOPPED } from './messages/index.js';
import { resolveCredential, type ResolvedCredential } from './credential.js';
import { configuredEnvironment, exposeReferences, type ResolvedReference } from './env-exposure.js';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import type {
  KeyVaultConfigLogger,
  KeyVaultConfigOptions,
  KeyVaultLoadOnceOptions,
  KeyVaultLoadReport,
  KeyVaultLoadResult,
  KeyVaultReportEntry,
} from './interfaces.js';
import type { LoadContext, LoadCycle, Slot } from './load-context.js';
import { timeoutError, toLoadFailure } from './load-failure.js';
import { createConsoleLogger, formatLoadLine } from './logger.js';
import { merge, type LoadedKey } from './merge.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { createPool, TaskGroup } from './pool.js';
import { holdValues, redactingLogger } from './redaction.js';
import { findReferences, hasReferences } from './references.js';
import type { RememberedSecret } from './refresh-reuse.js';
import { buildReport } from './report.js';
import { loadExplicit, loadListed, loadReferences } from './sources.js';
import { isMountOnly, mountOnlyCredential } from './mount/mount-credential.js';
import { loadMounted } from './mount/mount-source.js';
import { KeyVaultTimelineRecorder, recordTimeline } from './timeline.js';
import { LoadThrottle, withLoadThrottle } from './throttle-scope.js';
import { validateConfig } from './validation.js';

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

/** What one run of the sources, merge and validation produced. */
interface LoadRun {
  config: Record<string, unknown>;
  entries: KeyVaultReportEntry[];
  keys: Map<string, LoadedKey>;
  hosts: string[];
  references: ResolvedReference[];
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

/**
 * The sources under one deadline, then merge and validation — over the environment as configured
 * (variables exposeReferencesInEnv wrote read as their references).
 */
async function runLoad(
  options: ResolvedOptions,
  credential: ResolvedCredential,
  logger: KeyVaultConfigLogger,
  cycle: LoadCycle,
  throttle: LoadThrottle,
): Promise<LoadRun> {
  const env = configuredEnvironment(options.env);
  // Malformed references fail before any request.
  const references = options.resolveReferences ? findReferences(env, options.vaultDnsSuffix) : [];
  const hosts = [
    ...new Set([...options.vaults.map((v) => v.host), ...references.map((r) => r.reference.vault)]),
  ];
  const controller = new AbortController();
  // Every in-flight request listens on the one signal (up to `concurrency` + list + references).
  setMaxListeners(0, controller.signal);
  const group = new TaskGroup(controller);
  const pool = createPool(options.concurrency, controller.signal);
  const ctx: LoadContext = {
    ...cycle,
    options,
    credential,
    logger,
    pool,
    group,
    signal: controller.signal,
    now: new Date(),
    pending: new Set(),
    throttle,
  };

  // A stopped refresher cancels its cycle like a failure would: nothing more starts, requests abort.
  const stop = (): void => group.fail(abortError(REFRESH_STOPPED));
  if (cycle.stop?.aborted) stop();
  else cycle.stop?.addEventListener('abort', stop, { once: true });

  // One layer per vault or mounted directory, in precedence order (later wins).
  const vaultLayers: Slot[][] = options.layers.map(() => []);
  const referenceSlots: Slot[] = [];
  // Every request of the sources (and of the fetches they schedule) sees this load's throttle state.
  withLoadThrottle(throttle, () => {
    options.layers.forEach((ref, i) => {
      const slots = vaultLayers[i]!;
      if (ref.kind === 'mount') return group.add(loadMounted(ctx, options.mounts[ref.index]!, slots));
      const vault = options.vaults[ref.index]!;
      group.add(vault.explicit ? loadExplicit(ctx, vault, slots) : loadListed(ctx, vault, slots));
    });
    loadReferences(ctx, references, referenceSlots);
  });
  try {
    await settleWithin(ctx, controller, hosts);
  } finally {
    cycle.stop?.removeEventListener('abort', stop);
  }

  const { precedence } = options;
  const referenceVariables = new Set(references.map((r) => r.variable));
  const merged = merge({ vaultLayers, referenceSlots, referenceVariables, env, precedence });
  holdValues(merged.secretValues);
  if (options.validationSchema) {
    const resolvedEnv = environmentWithReferences(env, referenceSlots);
    await validateConfig(options.validationSchema, { ...resolvedEnv, ...merged.config }, merged.secretValues);
  }
  const { config, entries, keys } = merged;
  return { config, entries, keys, hosts, references: resolvedReferences(env, referenceSlots) };
}

/** The references that loaded, with the text their variable holds (for exposeReferencesInEnv). */
function resolvedReferences(
  env: Record<string, string | undefined>,
  referenceSlots: Slot[],
): ResolvedReference[] {
  const resolved: ResolvedReference[] = [];
  for (const slot of referenceSlots) {
    const variable = slot.subject.key;
    const reference = env[variable];
    const value = slot.entry?.value;
    // A reference's value is always a string (JSON is not expanded); the checks keep the type honest.
    if (slot.skipped || typeof value !== 'string' || reference === undefined) continue;
    resolved.push({ variable, reference, value });
  }
  return resolved;
}

/** Waits for every task of the load, or fails it at `timeoutMs`. */
async function settleWithin(ctx: LoadContext, controller: AbortController, hosts: string[]): Promise<void> {
  const { group, options } = ctx;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const tokenPending = ctx.credential.tokenPending?.() === true;
      const error = timeoutError(
        options.timeoutMs,
        hosts,
        { tokenPending, requests: [...ctx.pending] },
        ctx.throttle,
      );
      group.fail(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    // The deadline wins even over a call that ignores the abort signal.
    await Promise.race([group.settle(), deadline]);
  } catch (error) {
    controller.abort();
    throw toLoadFailure(error, { operation: 'get', vault: hosts.join(', ') }, ctx);
  } finally {
    clearTimeout(timer);
  }
}

/** `process.env` with each loaded reference replaced by its value (what validation sees). */
function environmentWithReferences(
  env: Record<string, string | undefined>,
  referenceSlots: Slot[],
): Record<string, unknown> {
  // Built from entries, never by assignment: a variable named `__proto__` stays a plain own property.
  const resolved = new Map<string, unknown>();
  for (const [name, value] of Object.entries(env)) if (value !== undefined) resolved.set(name, value);
  for (const slot of referenceSlots) if (slot.entry) resolved.set(slot.entry.key, slot.entry.value);
  return Object.fromEntries(resolved);
}

/**
 * One run of a load: the sources (sources.ts, mount-source.ts) started on one pool and task group under
 * one deadline, then the merge (merge.ts) and validation. The orchestrator (loader.ts) wraps it with the
 * options, the credential, the report and the failure handling; a refresh cycle is the same run with
 * `cycle.refresh` set.
 */
import { setMaxListeners } from 'node:events';
import { abortError } from './abort.js';
import type { ResolvedCredential } from './credential.js';
import { configuredEnvironment, type ResolvedReference } from './env-exposure.js';
import type { KeyVaultConfigLogger, KeyVaultReportEntry } from './interfaces.js';
import type { LoadContext, LoadCycle, Slot } from './load-context.js';
import { timeoutError, toLoadFailure } from './load-failure.js';
import { merge, type LoadedKey } from './merge.js';
import { REFRESH_STOPPED } from './messages/index.js';
import { loadMounted } from './mount/mount-source.js';
import type { ResolvedOptions } from './options.js';
import { createPool, TaskGroup } from './pool.js';
import { holdValues } from './redaction.js';
import { findReferences } from './references.js';
import { loadExplicit, loadListed, loadReferences } from './sources.js';
import { withLoadThrottle, type LoadThrottle } from './throttle-scope.js';
import { validateConfig } from './validation.js';

export /** What one run of the sources, merge and validation produced. */
interface LoadRun {
  config: Record<string, unknown>;
  entries: KeyVaultReportEntry[];
  keys: Map<string, LoadedKey>;
  hosts: string[];
  references: ResolvedReference[];
}

/**
 * The sources under one deadline, then merge and validation — over the environment as configured
 * (variables exposeReferencesInEnv wrote read as their references).
 */
export async function runLoad(
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
      const token = ctx.credential.pendingToken?.();
      const error = timeoutError(
        options.timeoutMs,
        hosts,
        { token, requests: [...ctx.pending] },
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

/**
 * `loadKeyVaultSecrets`: list → filter → pipelined fetch (or explicit gets), references, mapping,
 * precedence, validation, report. One load succeeds whole or fails with one KeyVaultConfigError; no
 * partial configuration is ever returned.
 */
import type { KeyVaultSecret, SecretProperties } from '@azure/keyvault-secrets';
import { setMaxListeners } from 'node:events';
import { getVaultClient, type VaultClient } from './client.js';
import { REFRESH_CLOCK_SKEW_ALLOWANCE_MS, SkipReason } from './constants.js';
import { resolveCredential, toCredentialError, type ResolvedCredential } from './credential.js';
import {
  isAbortError,
  isKeyVaultConfigError,
  isNotFoundError,
  isSecretDisabledError,
  KeyVaultConfigError,
  KeyVaultConfigErrorCode,
  mapSdkError,
  vaultNameOf,
  type SdkErrorContext,
} from './errors.js';
import type {
  KeyVaultConfigLogger,
  KeyVaultConfigOptions,
  KeyVaultLoadResult,
  KeyVaultReportEntry,
} from './interfaces.js';
import {
  buildConfig,
  checkPathCollisions,
  mapSecretName,
  parseKeyPath,
  sameKeyCollision,
  secretValueOf,
  type ConfigEntry,
} from './key-mapping.js';
import { createConsoleLogger, formatLoadLine } from './logger.js';
import {
  isLoopbackHost,
  resolveOptions,
  type ResolvedExplicitSecret,
  type ResolvedOptions,
  type ResolvedVaultSource,
} from './options.js';
import { findReferences, hasReferences, type EnvironmentReference } from './references.js';
import { buildReport, loadedEntry, skippedEntry, type ReportSubject } from './report.js';
import { abortError, createPool, TaskGroup, type Pool } from './retry.js';
import { leafStrings, validateConfig } from './validation.js';

/** One secret's outcome inside a layer (a vault, or the references). */
interface Slot {
  subject: ReportSubject;
  /** Set when loaded. */
  entry?: ConfigEntry;
  /** Skip reason, or the warning of a loaded entry. */
  reason?: string;
  skipped?: boolean;
}

/** Everything one load shares. */
interface LoadContext extends LoadCycle {
  options: ResolvedOptions;
  credential: ResolvedCredential;
  logger: KeyVaultConfigLogger;
  pool: Pool;
  group: TaskGroup;
  signal: AbortSignal;
  now: Date;
}

/**
 * What a refresh cycle adds to a load. `previous` and `fetched` hold listed secrets by
 * {@link fetchedKey}: a listed secret still the one in `previous` (see {@link unchangedSince}) is not
 * fetched again, so an unchanged vault costs only its list pages.
 */
interface LoadCycle {
  previous?: ReadonlyMap<string, RememberedSecret>;
  /** Filled with the listed secrets this load fetched or reused: the next cycle's `previous`. */
  fetched?: Map<string, RememberedSecret>;
  /** A refresh: an explicit secret or a reference that is deleted or disabled is removed, not an error. */
  refresh?: boolean;
  /** Aborts the load (the refresher was stopped). */
  stop?: AbortSignal;
}

/** One key of the configuration that came from Key Vault, with its value (kept in memory only). */
export interface LoadedKey {
  key: string;
  secretName: string;
  /** Vault host. */
  vault: string;
  version?: string;
  /** The value under the key (string, or an object for JSON secrets). Never logged or reported. */
  value: unknown;
}

/** A listed secret as fetched (value and properties), and when the get started (ms, local clock). */
export interface RememberedSecret {
  secret: KeyVaultSecret;
  fetchedAt: number;
}

/** What a refresher keeps of the startup load to run its cycles with. */
export interface LoadSession {
  options: ResolvedOptions;
  credential: ResolvedCredential;
  logger: KeyVaultConfigLogger;
}

/** A load's result, plus what change detection compares (`keys`) and reuses (`fetched`). */
export interface DetailedLoad {
  result: KeyVaultLoadResult;
  /** The Key Vault keys of `result.config` (overridden secrets excluded). */
  keys: Map<string, LoadedKey>;
  /** Listed secrets by {@link fetchedKey}. */
  fetched: Map<string, RememberedSecret>;
}

/** Key of a listed secret in `LoadCycle.previous` / `fetched`. */
export function fetchedKey(host: string, name: string): string {
  return `${host}|${name.toLowerCase()}`;
}

/**
 * Loads the secrets of one or several vaults (and resolves `@Microsoft.KeyVault(...)` references in
 * the environment) into a nested configuration object plus a report. Throws a
 * {@link KeyVaultConfigError}; with `optional: true` resolves to `{ config: {}, report }` with
 * `report.error` instead, after one warning.
 */
export async function loadKeyVaultSecrets(options: KeyVaultConfigOptions = {}): Promise<KeyVaultLoadResult> {
  return (await loadForRefresh(options)).result;
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
  const logger = usableLogger(options?.logger) ?? createConsoleLogger();
  let resolved: ResolvedOptions | undefined;
  let credential: ResolvedCredential | undefined;
  let hosts: string[] = [];
  const fetched = new Map<string, RememberedSecret>();
  try {
    resolved = resolveOptions(options, hasReferences);
    hosts = resolved.vaults.map((v) => v.host);
    credential = resolveCredential(
      {
        credential: resolved.credential,
        managedIdentityClientId: resolved.managedIdentityClientId,
        env: resolved.env,
      },
      logger,
    );
    const {
      config,
      entries,
      keys,
      hosts: allHosts,
    } = await runLoad(resolved, credential, logger, { fetched });
    hosts = allHosts;
    const elapsedMs = performance.now() - started;
    const report = buildReport({
      vaults: hosts,
      credential: credential.describe(),
      loadedAt,
      elapsedMs,
      entries,
    });
    logger.log(formatLoadLine(report.loaded, hosts, elapsedMs, report.credential));
    return {
      result: { config, report },
      keys,
      fetched,
      session: { options: resolved, credential, logger },
      logger,
    };
  } catch (error) {
    const failure = toFailure(error, hosts);
    if (options?.optional === true) {
      logger.warn(`Continuing without Key Vault values (optional: true). ${failure.message}`);
      const report = buildReport({
        vaults: hosts,
        credential: credential?.describe(),
        loadedAt,
        elapsedMs: performance.now() - started,
        entries: [],
        error: { code: failure.code, message: failure.message },
      });
      const session = resolved && credential ? { options: resolved, credential, logger } : undefined;
      return { result: { config: {}, report }, keys: new Map(), fetched: new Map(), session, logger };
    }
    throw failure;
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
): Promise<Omit<DetailedLoad, 'fetched'>> {
  const started = performance.now();
  const loadedAt = new Date();
  let hosts = session.options.vaults.map((v) => v.host);
  try {
    const { logger, ...rest } = cycle;
    const run = await runLoad(session.options, session.credential, logger, { ...rest, refresh: true });
    hosts = run.hosts;
    const report = buildReport({
      vaults: run.hosts,
      credential: session.credential.describe(),
      loadedAt,
      elapsedMs: performance.now() - started,
      entries: run.entries,
    });
    return { result: { config: run.config, report }, keys: run.keys };
  } catch (error) {
    throw toFailure(error, hosts);
  }
}

function usableLogger(logger: unknown): KeyVaultConfigLogger | undefined {
  const l = logger as Partial<KeyVaultConfigLogger> | undefined;
  return l && typeof l.log === 'function' && typeof l.warn === 'function' && typeof l.error === 'function'
    ? (l as KeyVaultConfigLogger)
    : undefined;
}

/** Anything that escapes the load becomes one KeyVaultConfigError. */
function toFailure(error: unknown, hosts: string[]): KeyVaultConfigError {
  if (isKeyVaultConfigError(error)) return error;
  const credentialError = toCredentialError(error);
  if (credentialError) return credentialError;
  return mapSdkError(error, { operation: 'get', vault: hosts.join(', ') || 'Key Vault' });
}

async function runLoad(
  options: ResolvedOptions,
  credential: ResolvedCredential,
  logger: KeyVaultConfigLogger,
  cycle: LoadCycle = {},
): Promise<{
  config: Record<string, unknown>;
  entries: KeyVaultReportEntry[];
  keys: Map<string, LoadedKey>;
  hosts: string[];
}> {
  // Malformed references fail before any request.
  const references = options.resolveReferences ? findReferences(options.env, options.vaultDnsSuffix) : [];
  const hosts = [
    ...new Set([...options.vaults.map((v) => v.host), ...references.map((r) => r.reference.vault)]),
  ];

  const controller = new AbortController();
  // Every in-flight request listens on the one signal (up to `concurrency` + list + references).
  setMaxListeners(0, controller.signal);
  const group = new TaskGroup(controller);
  const ctx: LoadContext = {
    ...cycle,
    options,
    credential,
    logger,
    pool: createPool(options.concurrency, controller.signal),
    group,
    signal: controller.signal,
    now: new Date(),
  };

  // A stopped refresher cancels its cycle like a failure would: nothing more starts, requests abort.
  const stop = (): void => group.fail(abortError('The refresh was stopped.'));
  if (cycle.stop?.aborted) stop();
  else cycle.stop?.addEventListener('abort', stop, { once: true });

  const vaultLayers: Slot[][] = options.vaults.map(() => []);
  options.vaults.forEach((vault, i) => {
    group.add(
      vault.explicit
        ? loadExplicit(ctx, vault, vault.explicit, vaultLayers[i]!)
        : loadListed(ctx, vault, vaultLayers[i]!),
    );
  });
  const referenceSlots: Slot[] = [];
  resolveReferenceValues(ctx, references, referenceSlots);

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError(options.timeoutMs, hosts);
      group.fail(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    // The deadline wins even over a call that ignores the abort signal.
    await Promise.race([group.settle(), deadline]);
  } catch (error) {
    controller.abort();
    throw mapFailure(ctx, error, { operation: 'get', vault: hosts.join(', ') });
  } finally {
    clearTimeout(timer);
    cycle.stop?.removeEventListener('abort', stop);
  }

  const { config, entries, keys, secretValues } = merge(ctx, vaultLayers, referenceSlots, references);
  if (options.validationSchema) {
    const resolvedEnv = environmentWithReferences(options.env, referenceSlots);
    await validateConfig(options.validationSchema, { ...resolvedEnv, ...config }, secretValues);
  }
  return { config, entries, keys, hosts };
}

function timeoutError(timeoutMs: number, hosts: string[]): KeyVaultConfigError {
  const where = hosts.length > 0 ? hosts.join(', ') : 'Key Vault';
  return new KeyVaultConfigError(
    KeyVaultConfigErrorCode.Timeout,
    `Loading secrets from ${where} did not finish within timeoutMs (${timeoutMs} ms). The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`az keyvault show --name ${vaultNameOf(hosts[0] ?? '')}\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.`,
    { vault: hosts.join(', ') || undefined },
  );
}

/** Credential errors first (L1a's mapping), then SDK/network errors; aborts are the load's deadline. */
function mapFailure(ctx: LoadContext, error: unknown, sdk: SdkErrorContext): KeyVaultConfigError {
  if (isKeyVaultConfigError(error)) return error;
  const credentialError = toCredentialError(error);
  if (credentialError) return credentialError;
  if (isAbortError(error)) return timeoutError(ctx.options.timeoutMs, sdk.vault ? [sdk.vault] : []);
  return mapSdkError(error, {
    ...sdk,
    credential: ctx.credential.describe(),
    maxRetries: ctx.options.maxRetries,
  });
}

/** Runs a request on a client, letting the client's very first request go alone (one challenge). */
async function onClient<T>(client: VaultClient, request: () => Promise<T>): Promise<T> {
  const release = await client.enter();
  try {
    return await request();
  } finally {
    release?.();
  }
}

/** Gets one secret (a version, or the latest) through the client's gate, bounded by the load's signal. */
function getSecret(
  ctx: LoadContext,
  client: VaultClient,
  name: string,
  version?: string,
): Promise<KeyVaultSecret> {
  return onClient(client, () => client.client.getSecret(name, { abortSignal: ctx.signal, version }));
}

// ------------------------------------------------------------------------------------------ list mode

async function loadListed(ctx: LoadContext, vault: ResolvedVaultSource, slots: Slot[]): Promise<void> {
  const { options } = ctx;
  const client = getVaultClient(ctx.credential.credential, vault, options.clientOptions, options.maxRetries);
  const pages = client.client.listPropertiesOfSecrets({ abortSignal: ctx.signal }).byPage();
  const nextPage = (): Promise<IteratorResult<SecretProperties[]>> => {
    const pending = onClient(client, () => pages.next());
    pending.catch(() => undefined); // observed below; never an unhandled rejection if the load fails first
    return pending;
  };
  let pending = nextPage();
  for (;;) {
    let page: IteratorResult<SecretProperties[]>;
    try {
      page = await pending;
    } catch (error) {
      throw mapFailure(ctx, error, { operation: 'list', vault: vault.host });
    }
    if (page.done || ctx.group.hasFailed) return;
    // The list chain is the critical path: ask for the next page before this page's fetches start,
    // then fetch while it is on its way.
    pending = nextPage();
    for (const properties of page.value) planListed(ctx, vault, client, properties, slots);
  }
}

/** Decides what to do with one listed secret: skip (with a reason) or fetch it through the pool. */
function planListed(
  ctx: LoadContext,
  vault: ResolvedVaultSource,
  client: VaultClient,
  properties: SecretProperties,
  slots: Slot[],
): void {
  const name = properties.name;
  let mappedName = name;
  if (vault.prefix !== undefined) {
    if (!name.toLowerCase().startsWith(vault.prefix.toLowerCase())) return; // not this app's secret
    mappedName = name.slice(vault.prefix.length);
  }
  const subject: ReportSubject = {
    key: name,
    secretName: name,
    vault: vault.host,
    version: properties.version,
    updatedOn: properties.updatedOn,
    source: 'list',
  };
  const slot: Slot = { subject };
  slots.push(slot);
  if (vault.filter && !runFilter(vault.filter, properties)) {
    try {
      subject.key = keyPathFor(vault, mappedName, name)?.join('.') ?? name; // for the report only
    } catch {
      // a keyMapper failing on a filtered-out secret does not matter
    }
    return skip(slot, SkipReason.Filtered);
  }
  const path = keyPathFor(vault, mappedName, name);
  if (path) subject.key = path.join('.');
  if (path === null) return skip(slot, SkipReason.Unmapped);
  if (path === undefined) {
    ctx.logger.warn(
      `Secret '${name}' in ${vault.host} does not map to a configuration key (empty segment); skipped.`,
    );
    return skip(slot, SkipReason.UnmappableName);
  }
  if (properties.enabled === false) return skip(slot, SkipReason.Disabled);
  const expiry = expiryOf(properties, ctx.now);
  if (expiry && ctx.options.expiredSecrets === 'skip') return skip(slot, expiry);

  const id = fetchedKey(vault.host, name);
  const previous = ctx.previous?.get(id);
  if (previous && unchangedSince(previous, properties)) {
    // Unchanged since it was fetched (same attributes): no get. accept() judges its expiry as of now.
    ctx.fetched?.set(id, previous);
    return accept(ctx, slot, previous.secret, path, expiry);
  }

  ctx.group.add(
    ctx.pool.run(async () => {
      if (ctx.signal.aborted) return;
      let secret: KeyVaultSecret;
      const fetchedAt = Date.now();
      try {
        secret = await getSecret(ctx, client, name);
      } catch (error) {
        const vanished = isNotFoundError(error)
          ? SkipReason.DeletedSinceList
          : isSecretDisabledError(error)
            ? SkipReason.DisabledSinceList
            : undefined;
        if (vanished) {
          ctx.logger.warn(`Secret '${name}' in ${vault.host} was ${vanished}; skipped.`);
          return skip(slot, vanished);
        }
        throw mapFailure(ctx, error, {
          operation: 'get',
          vault: vault.host,
          secretName: name,
          key: subject.key,
        });
      }
      ctx.fetched?.set(id, { secret, fetchedAt });
      accept(ctx, slot, secret, path, expiry);
    }),
  );
}

/**
 * True when a remembered secret is still the latest version. A listing carries no version — only the
 * latest version's attributes, with timestamps in whole seconds — so the remembered one must have the
 * same updatedOn, createdOn and content type, AND have been fetched at least a second (plus a clock
 * skew allowance) after that updatedOn: otherwise a version created later within the same second would
 * look identical, and its rotation would go unnoticed for good. Such a recent secret is simply fetched
 * again by the next cycle.
 */
export function unchangedSince(known: RememberedSecret, listed: SecretProperties): boolean {
  const properties = known.secret.properties;
  const updated = listed.updatedOn?.getTime();
  return (
    updated !== undefined &&
    properties.updatedOn?.getTime() === updated &&
    properties.createdOn?.getTime() === listed.createdOn?.getTime() &&
    properties.contentType === listed.contentType &&
    known.fetchedAt >= updated + 1_000 + REFRESH_CLOCK_SKEW_ALLOWANCE_MS
  );
}

/** The key path of a secret: keyMapper (undefined → null = skip) or the default mapping. */
function keyPathFor(
  vault: ResolvedVaultSource,
  mappedName: string,
  secretName: string,
): string[] | null | undefined {
  if (!vault.keyMapper) {
    const key = mapSecretName(mappedName);
    return key === undefined ? undefined : parseKeyPath(key);
  }
  let key: string | undefined;
  try {
    key = vault.keyMapper(mappedName);
  } catch (error) {
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidOptions,
      `Invalid option \`keyMapper\`: it threw for secret '${secretName}' (${vault.host}). Fix the function; return undefined to skip a secret.`,
      { key: 'keyMapper', secretName, vault: vault.host, cause: error },
    );
  }
  if (key === undefined) return null;
  const path = typeof key === 'string' ? parseKeyPath(key) : undefined;
  if (!path) {
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidOptions,
      `Invalid option \`keyMapper\`: for secret '${secretName}' (${vault.host}) it returned ${typeof key === 'string' ? `'${key}'` : typeof key}, which is not a key (a dot path such as 'Database.Password', or undefined to skip).`,
      { key: 'keyMapper', secretName, vault: vault.host },
    );
  }
  return path;
}

function runFilter(filter: (properties: SecretProperties) => boolean, properties: SecretProperties): boolean {
  try {
    return Boolean(filter(properties));
  } catch (error) {
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.InvalidOptions,
      `Invalid option \`filter\`: it threw for secret '${properties.name}'. Fix the function (it receives properties only, never values).`,
      { key: 'filter', secretName: properties.name, cause: error },
    );
  }
}

function skip(slot: Slot, reason: string): void {
  slot.skipped = true;
  slot.reason = reason;
}

/** 'expired' / 'not yet valid', or undefined. */
function expiryOf(properties: { expiresOn?: Date; notBefore?: Date }, now: Date): string | undefined {
  if (properties.expiresOn && properties.expiresOn.getTime() <= now.getTime()) return SkipReason.Expired;
  if (properties.notBefore && properties.notBefore.getTime() > now.getTime()) return SkipReason.NotYetValid;
  return undefined;
}

/** Stores a fetched secret in its slot, applying the expiry policy and JSON expansion. */
function accept(
  ctx: LoadContext,
  slot: Slot,
  secret: KeyVaultSecret,
  path: string[],
  listedExpiry?: string,
): void {
  const subject = slot.subject;
  subject.version = secret.properties.version ?? subject.version;
  subject.updatedOn = secret.properties.updatedOn ?? subject.updatedOn;
  const expiry = expiryOf(secret.properties, ctx.now) ?? listedExpiry;
  if (expiry) {
    if (ctx.options.expiredSecrets === 'skip') return skip(slot, expiry);
    if (ctx.options.expiredSecrets === 'warn') {
      ctx.logger.warn(
        `Secret '${subject.secretName}' in ${subject.vault} is ${expiry}; loaded anyway (expiredSecrets: 'warn').`,
      );
      slot.reason = expiry;
    }
  }
  const value =
    subject.source === 'reference'
      ? (secret.value ?? '')
      : secretValueOf(secret.value, secret.properties.contentType, ctx.options.parseJson, {
          name: subject.secretName,
          vault: subject.vault,
          key: subject.key,
        });
  slot.entry = { key: path.join('.'), path, value, secretName: subject.secretName, vault: subject.vault };
}

// -------------------------------------------------------------------------------------- explicit mode

async function loadExplicit(
  ctx: LoadContext,
  vault: ResolvedVaultSource,
  secrets: ResolvedExplicitSecret[],
  slots: Slot[],
): Promise<void> {
  const { options } = ctx;
  const client = getVaultClient(ctx.credential.credential, vault, options.clientOptions, options.maxRetries);
  for (const secret of secrets) {
    const mapped = secret.keyPath ?? keyPathFor(vault, secret.name, secret.name);
    const subject: ReportSubject = {
      key: mapped ? mapped.join('.') : secret.name,
      secretName: secret.name,
      vault: vault.host,
      version: secret.version,
      source: 'explicit',
    };
    const slot: Slot = { subject };
    slots.push(slot);
    if (mapped === null) {
      skip(slot, SkipReason.Unmapped);
      continue;
    }
    if (mapped === undefined) {
      throw new KeyVaultConfigError(
        KeyVaultConfigErrorCode.InvalidOptions,
        `Invalid option \`secrets\`: '${secret.name}' does not map to a key (empty segment); give it a key ({ name: '${secret.name}', key: 'Some.Key' }).`,
        { key: 'secrets', secretName: secret.name, vault: vault.host },
      );
    }
    ctx.group.add(
      ctx.pool.run(async () => {
        if (ctx.signal.aborted) return;
        let fetched: KeyVaultSecret;
        try {
          fetched = await getSecret(ctx, client, secret.name, secret.version);
        } catch (error) {
          const missing = isNotFoundError(error)
            ? 'not found'
            : isSecretDisabledError(error)
              ? 'disabled'
              : undefined;
          if (missing && secret.optional)
            return skip(slot, missing === 'not found' ? SkipReason.NotFound : SkipReason.Disabled);
          if (missing && ctx.refresh) {
            // Revocation during a refresh: the key goes away (failing the cycle would keep the value).
            const reason = missing === 'not found' ? SkipReason.Deleted : SkipReason.Disabled;
            ctx.logger.warn(
              `Secret '${secret.name}' (key '${subject.key}') in ${vault.host} is ${reason}; removed from the configuration.`,
            );
            return skip(slot, reason);
          }
          if (missing === 'disabled') {
            throw new KeyVaultConfigError(
              KeyVaultConfigErrorCode.SecretNotFound,
              `Secret '${secret.name}' (key '${subject.key}') in ${vault.host} is disabled. Enable it with \`az keyvault secret set-attributes --vault-name ${vaultNameOf(vault.host)} --name ${secret.name} --enabled true\`, or mark it optional.`,
              { secretName: secret.name, vault: vault.host, key: subject.key },
            );
          }
          throw mapFailure(ctx, error, {
            operation: 'get',
            vault: vault.host,
            secretName: secret.name,
            key: subject.key,
          });
        }
        accept(ctx, slot, fetched, mapped);
      }),
    );
  }
}

// ----------------------------------------------------------------------------------------- references

function resolveReferenceValues(ctx: LoadContext, references: EnvironmentReference[], slots: Slot[]): void {
  const { options } = ctx;
  for (const { variable, reference } of references) {
    const subject: ReportSubject = {
      key: variable,
      secretName: reference.secretName,
      vault: reference.vault,
      version: reference.version,
      source: 'reference',
    };
    const slot: Slot = { subject };
    slots.push(slot);
    const vault = {
      url: reference.vaultUrl,
      host: reference.vault,
      loopback: isLoopbackHost(new URL(reference.vaultUrl).hostname),
    };
    const client = getVaultClient(
      ctx.credential.credential,
      vault,
      options.clientOptions,
      options.maxRetries,
    );
    ctx.group.add(
      ctx.pool.run(async () => {
        if (ctx.signal.aborted) return;
        let fetched: KeyVaultSecret;
        try {
          fetched = await getSecret(ctx, client, reference.secretName, reference.version);
        } catch (error) {
          if (ctx.refresh && (isNotFoundError(error) || isSecretDisabledError(error))) {
            // Revocation during a refresh: the variable reads as its reference text again.
            const reason = isNotFoundError(error) ? SkipReason.Deleted : SkipReason.Disabled;
            ctx.logger.warn(
              `Environment variable ${variable} refers to secret '${reference.secretName}' in ${reference.vault}, which is ${reason}; its value is removed from the configuration.`,
            );
            return skip(slot, reason);
          }
          if (isSecretDisabledError(error)) {
            throw new KeyVaultConfigError(
              KeyVaultConfigErrorCode.InvalidReference,
              `Environment variable ${variable} refers to secret '${reference.secretName}' in ${reference.vault}, which is disabled. Enable it (\`az keyvault secret set-attributes --vault-name ${vaultNameOf(reference.vault)} --name ${reference.secretName} --enabled true\`) or fix the reference.`,
              { key: variable, secretName: reference.secretName, vault: reference.vault },
            );
          }
          throw mapFailure(ctx, error, {
            operation: 'get',
            vault: reference.vault,
            secretName: reference.secretName,
            variable,
          });
        }
        // A reference is the environment variable itself: it is never skipped for expiry, only warned.
        const expiry = expiryOf(fetched.properties, ctx.now);
        if (expiry && ctx.options.expiredSecrets !== 'load') {
          ctx.logger.warn(
            `Environment variable ${variable} refers to secret '${reference.secretName}' in ${reference.vault}, which is ${expiry}; loaded anyway.`,
          );
          slot.reason = expiry;
        }
        subject.version = fetched.properties.version ?? subject.version;
        subject.updatedOn = fetched.properties.updatedOn;
        slot.entry = {
          key: variable,
          path: [variable],
          value: fetched.value ?? '',
          secretName: reference.secretName,
          vault: reference.vault,
        };
      }),
    );
  }
}

/** `process.env` with each loaded reference replaced by its value (what validation sees). */
function environmentWithReferences(
  env: Record<string, string | undefined>,
  referenceSlots: Slot[],
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) resolved[name] = value;
  for (const slot of referenceSlots) if (slot.entry) resolved[slot.entry.key] = slot.entry.value;
  return resolved;
}

// ---------------------------------------------------------------------------------- merge & precedence

/** Environment variable names a key is compared with: `API_KEY`; nested `Database__Connection_String` and `Database.Connection_String`. */
export function environmentNamesOf(path: readonly string[]): string[] {
  return path.length === 1 ? [path[0]!] : [path.join('__'), path.join('.')];
}

function merge(
  ctx: LoadContext,
  vaultLayers: Slot[][],
  referenceSlots: Slot[],
  references: EnvironmentReference[],
): {
  config: Record<string, unknown>;
  entries: KeyVaultReportEntry[];
  keys: Map<string, LoadedKey>;
  secretValues: Set<string>;
} {
  const { env, precedence } = ctx.options;
  const finalSlots = new Map<string, Slot>();

  for (const layer of vaultLayers) {
    const inLayer = new Map<string, Slot>();
    for (const slot of layer) {
      if (!slot.entry) continue;
      const twin = inLayer.get(slot.entry.key);
      if (twin?.entry) throw sameKeyCollision(twin.entry, slot.entry);
      inLayer.set(slot.entry.key, slot);
    }
    for (const [key, slot] of inLayer) {
      const earlier = finalSlots.get(key);
      if (earlier) demote(earlier, `${SkipReason.OverriddenByLaterVault} (${slot.subject.vault})`);
      finalSlots.set(key, slot);
    }
  }

  // Environment precedence: a vault key present in the environment is dropped. A nested key matched
  // through its `__` name keeps the environment's value at its path, so config.get('A.B') still works.
  const referenceVariables = new Set(references.map((r) => r.variable));
  const environmentEntries: ConfigEntry[] = [];
  if (precedence === 'environment') {
    for (const [key, slot] of finalSlots) {
      const path = slot.entry!.path;
      const variable = environmentNamesOf(path).find(
        (name) => env[name] !== undefined && !referenceVariables.has(name),
      );
      if (variable === undefined) continue;
      demote(slot, `${SkipReason.EnvironmentWins} (${variable})`);
      finalSlots.delete(key);
      if (path.length > 1) {
        environmentEntries.push({
          key,
          path: [...path],
          value: env[variable],
          secretName: variable,
          vault: '',
        });
      }
    }
  }

  // References are the environment's values: they lose to a vault key under precedence 'vault'.
  for (const slot of referenceSlots) {
    if (!slot.entry) continue;
    const vaultSlot = finalSlots.get(slot.entry.key);
    if (vaultSlot && precedence === 'vault') {
      demote(slot, SkipReason.OverriddenByVault);
      continue;
    }
    if (vaultSlot) demote(vaultSlot, `${SkipReason.EnvironmentWins} (${slot.entry.key})`);
    finalSlots.set(slot.entry.key, slot);
  }

  const finalEntries = [...[...finalSlots.values()].map((s) => s.entry!), ...environmentEntries];
  checkPathCollisions(finalEntries);
  const config = buildConfig(finalEntries);
  const keys = new Map<string, LoadedKey>();
  for (const [key, slot] of finalSlots) {
    const { secretName, vault, version } = slot.subject;
    keys.set(key, { key, secretName, vault, version, value: slot.entry!.value });
  }

  const secretValues = new Set<string>();
  const report: KeyVaultReportEntry[] = [];
  for (const slot of [...vaultLayers.flat(), ...referenceSlots]) {
    if (slot.entry) leafStrings(slot.entry.value, secretValues);
    report.push(
      slot.skipped || !slot.entry
        ? skippedEntry(slot.subject, slot.reason ?? 'skipped')
        : loadedEntry(slot.subject, slot.reason),
    );
  }
  return { config, entries: report, keys, secretValues };
}

/** Marks a loaded slot as skipped (overridden); its value stays out of the configuration. */
function demote(slot: Slot, reason: string): void {
  slot.skipped = true;
  slot.reason = reason;
}

/**
 * What would load from one vault, predicted from names and properties with the loader's rules (prefix,
 * filter, keyMapper or the default mapping, disabled, expiry policy): counts, keys, every collision (the
 * load stops at the first), and every `application/json` secret that does not parse (fetched only to
 * parse it; the value is dropped, and the library's message never quotes it).
 */
import type { SecretProperties } from '@azure/keyvault-secrets';
import type { VaultClient } from '../../core/client.js';
import { SkipReason } from '../../core/constants.js';
import {
  isKeyVaultConfigError,
  isNotFoundError,
  isSecretDisabledError,
  mapSdkError,
} from '../../core/errors.js';
import type { ExpiryPolicy } from '../../core/interfaces.js';
import {
  checkPathCollisions,
  isJsonContentType,
  mapSecretName,
  reservedSegmentOf,
  sameKeyCollision,
  splitKeyPath,
  secretValueOf,
  type ConfigEntry,
} from '../../core/key-mapping.js';
import type { ResolvedVaultSource } from '../../core/options.js';
import type { DoctorCounts, DoctorKey, DoctorProblem } from '../doctor.interfaces.js';
import { addProblem, problemFrom, problemOf } from '../doctor.problems.js';
import { bounded } from '../doctor.timing.js';

/** What the inventory found. */
export interface InventoryStep {
  counts: DoctorCounts;
  keys: DoctorKey[];
  problems: DoctorProblem[];
  warnings: string[];
}

interface Context {
  client: VaultClient;
  vault: ResolvedVaultSource;
  expiredSecrets: ExpiryPolicy;
  parseJson: boolean;
  timeoutMs: number;
}

/** JSON secrets fetched at once to check that they parse. */
const JSON_CHECK_CONCURRENCY = 8;

function expiryOf(p: SecretProperties, now: number): string | undefined {
  if (p.expiresOn && p.expiresOn.getTime() <= now) return SkipReason.Expired;
  if (p.notBefore && p.notBefore.getTime() > now) return SkipReason.NotYetValid;
  return undefined;
}

/** Counts of nothing yet, for `listed` secrets (listed or named). */
function emptyCounts(listed: number): DoctorCounts {
  return { listed, enabled: 0, disabled: 0, expired: 0, notYetValid: 0, filteredOut: 0, keys: 0 };
}

function countExpiry(counts: DoctorCounts, expiry: string | undefined): void {
  if (expiry === SkipReason.Expired) counts.expired++;
  if (expiry === SkipReason.NotYetValid) counts.notYetValid++;
}

/** The warning for an expired or not-yet-valid secret that `expiredSecrets: 'warn'` still loads. */
function loadsAnyway(ctx: Context, secretName: string, expiry: string): string {
  return `Secret '${secretName}' in ${ctx.vault.host} is ${expiry}; it loads anyway (expiredSecrets: '${ctx.expiredSecrets}').`;
}

/** The key of a secret name: keyMapper (undefined = skip) or the default mapping. */
function keyOf(vault: ResolvedVaultSource, mappedName: string): string | null | undefined {
  const key = vault.keyMapper ? vault.keyMapper(mappedName) : mapSecretName(mappedName);
  if (key === undefined) return vault.keyMapper ? null : undefined;
  return typeof key === 'string' && splitKeyPath(key) ? key : undefined;
}

function classify(
  ctx: Context,
  p: SecretProperties,
  counts: DoctorCounts,
  now: number,
): DoctorKey | undefined {
  const { vault } = ctx;
  let mappedName = p.name;
  if (vault.prefix !== undefined) {
    if (!p.name.toLowerCase().startsWith(vault.prefix.toLowerCase())) {
      counts.filteredOut++;
      return undefined;
    }
    mappedName = p.name.slice(vault.prefix.length);
  }
  const entry: DoctorKey = { key: p.name, secretName: p.name, source: 'list', status: 'skipped' };
  if (vault.filter && !vault.filter(p)) {
    counts.filteredOut++;
    return { ...entry, reason: SkipReason.Filtered };
  }
  const key = keyOf(vault, mappedName);
  if (key === null) return { ...entry, reason: SkipReason.Unmapped };
  if (key === undefined) return { ...entry, reason: SkipReason.UnmappableName };
  entry.key = key;
  if (reservedSegmentOf(key.split('.'))) return { ...entry, reason: SkipReason.ReservedName };
  if (p.enabled === false) return { ...entry, reason: SkipReason.Disabled };
  const expiry = expiryOf(p, now);
  if (expiry && ctx.expiredSecrets === 'skip') return { ...entry, reason: expiry };
  return {
    ...entry,
    status: 'loaded',
    ...(expiry && ctx.expiredSecrets === 'warn' ? { reason: expiry } : {}),
  };
}

function countStates(listed: SecretProperties[], now: number): DoctorCounts {
  const counts = emptyCounts(listed.length);
  for (const p of listed) {
    if (p.enabled === false) counts.disabled++;
    else counts.enabled++;
    countExpiry(counts, expiryOf(p, now));
  }
  return counts;
}

/** Every same-key and value-versus-object collision among the keys that would load. */
function collisions(keys: DoctorKey[], host: string): DoctorProblem[] {
  const problems: DoctorProblem[] = [];
  const entry = (k: DoctorKey): ConfigEntry => ({
    key: k.key,
    path: k.key.split('.'),
    value: undefined,
    secretName: k.secretName,
    vault: host,
  });
  const byKey = new Map<string, DoctorKey>();
  for (const k of keys.filter((candidate) => candidate.status === 'loaded')) {
    const twin = byKey.get(k.key);
    if (twin)
      addProblem(
        problems,
        problemFrom(sameKeyCollision(entry(twin), entry(k)), 'KEY_COLLISION', 'collision'),
      );
    else byKey.set(k.key, k);
  }
  for (const k of byKey.values()) {
    const path = k.key.split('.');
    for (let i = 1; i < path.length; i++) {
      const parent = byKey.get(path.slice(0, i).join('.'));
      if (!parent) continue;
      try {
        checkPathCollisions([entry(parent), entry(k)]);
      } catch (error) {
        addProblem(problems, problemFrom(error, 'KEY_COLLISION', 'collision'));
      }
    }
  }
  return problems;
}

/** Fetches the JSON secrets that would load and parses them with the loader's function; values are dropped. */
async function checkJson(
  ctx: Context,
  listed: SecretProperties[],
  keys: DoctorKey[],
): Promise<DoctorProblem[]> {
  if (!ctx.parseJson) return [];
  const loading = new Map(keys.filter((k) => k.status === 'loaded').map((k) => [k.secretName, k.key]));
  const json = listed.filter((p) => loading.has(p.name) && isJsonContentType(p.contentType));
  const problems: DoctorProblem[] = [];
  for (let i = 0; i < json.length; i += JSON_CHECK_CONCURRENCY) {
    await Promise.all(
      json.slice(i, i + JSON_CHECK_CONCURRENCY).map(async (p) => {
        try {
          const secret = await bounded(ctx.timeoutMs, (abortSignal) =>
            ctx.client.client.getSecret(p.name, { abortSignal }),
          );
          secretValueOf(secret.value, secret.properties.contentType, true, {
            name: p.name,
            vault: ctx.vault.host,
            key: loading.get(p.name),
          });
        } catch (error) {
          // Access and network failures are the permission step's; only content problems are reported here.
          if (isKeyVaultConfigError(error))
            addProblem(problems, problemFrom(error, 'INVALID_SECRET_CONTENT', p.name));
        }
      }),
    );
  }
  return problems;
}

/** The inventory of a listed vault. */
export async function inventoryListed(ctx: Context, listed: SecretProperties[]): Promise<InventoryStep> {
  const now = Date.now();
  const counts = countStates(listed, now);
  const keys: DoctorKey[] = [];
  const problems: DoctorProblem[] = [];
  for (const p of listed) {
    try {
      const key = classify(ctx, p, counts, now);
      if (key) keys.push(key);
    } catch (error) {
      addProblem(
        problems,
        problemFrom(error, 'INVALID_OPTIONS', `keyMapper or filter threw for secret '${p.name}'`),
      );
    }
  }
  counts.keys = keys.filter((k) => k.status === 'loaded').length;
  problems.push(...collisions(keys, ctx.vault.host), ...(await checkJson(ctx, listed, keys)));
  const warnings = keys
    .filter(
      (k) =>
        k.status === 'loaded' && (k.reason === SkipReason.Expired || k.reason === SkipReason.NotYetValid),
    )
    .map((k) => loadsAnyway(ctx, k.secretName, k.reason ?? ''));
  return { counts, keys, problems, warnings };
}

/** The inventory of an explicit vault: each named secret is got (properties kept, value dropped). */
export async function inventoryExplicit(ctx: Context): Promise<InventoryStep> {
  const now = Date.now();
  const named = ctx.vault.explicit ?? [];
  const found: InventoryStep = { counts: emptyCounts(named.length), keys: [], problems: [], warnings: [] };
  for (const secret of named) found.keys.push(await inventoryNamed(ctx, secret, found, now));
  found.counts.keys = found.keys.filter((k) => k.status === 'loaded').length;
  found.problems.unshift(...collisions(found.keys, ctx.vault.host));
  return found;
}

type NamedSecret = NonNullable<ResolvedVaultSource['explicit']>[number];

/** One named secret: got, counted, its expiry and content checked as the loader would. */
async function inventoryNamed(
  ctx: Context,
  secret: NamedSecret,
  found: InventoryStep,
  now: number,
): Promise<DoctorKey> {
  const key = secret.keyPath?.join('.') ?? keyOf(ctx.vault, secret.name) ?? secret.name;
  const entry: DoctorKey = {
    key,
    secretName: secret.name,
    source: 'explicit',
    status: 'skipped',
    ...(secret.version ? { version: secret.version } : {}),
  };
  try {
    const fetched = await bounded(ctx.timeoutMs, (abortSignal) =>
      ctx.client.client.getSecret(secret.name, { abortSignal, version: secret.version }),
    );
    const p = fetched.properties;
    if (p.version) entry.version = p.version;
    found.counts.enabled++;
    const expiry = expiryOf(p, now);
    countExpiry(found.counts, expiry);
    if (expiry && ctx.expiredSecrets === 'skip') return { ...entry, reason: expiry };
    if (expiry) found.warnings.push(loadsAnyway(ctx, secret.name, expiry));
    if (ctx.parseJson)
      secretValueOf(fetched.value, p.contentType, true, { name: secret.name, vault: ctx.vault.host, key });
    entry.status = 'loaded';
    if (expiry) entry.reason = expiry;
  } catch (error) {
    notLoaded(ctx, secret, key, entry, found, error);
  }
  return entry;
}

/** Why a named secret did not load: bad content, or absent/disabled (a problem unless optional). */
function notLoaded(
  ctx: Context,
  secret: NamedSecret,
  key: string,
  entry: DoctorKey,
  found: InventoryStep,
  error: unknown,
): void {
  if (isKeyVaultConfigError(error)) {
    addProblem(found.problems, problemFrom(error, 'INVALID_SECRET_CONTENT', secret.name));
  } else if (isNotFoundError(error) || isSecretDisabledError(error)) {
    const disabled = isSecretDisabledError(error);
    if (disabled) found.counts.disabled++;
    entry.reason = disabled ? SkipReason.Disabled : SkipReason.NotFound.replace(' (optional)', '');
    if (!secret.optional) {
      const mapped = mapSdkError(error, {
        operation: 'get',
        vault: ctx.vault.host,
        secretName: secret.name,
        key,
      });
      addProblem(found.problems, problemOf(mapped));
    }
  }
  // Access and network failures are the permission step's.
}

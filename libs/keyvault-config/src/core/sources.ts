/**
 * The three sources of a load and what each decides before anything is fetched: a listed vault (pages,
 * prefix, filter, mapping, enabled, expiry, refresh reuse), a vault in explicit mode (`secrets`), and
 * the `@Microsoft.KeyVault(...)` references of the environment. Each gives every secret a slot and
 * hands what must be fetched to the one fetch path (fetch.ts).
 */
import type { SecretProperties } from '@azure/keyvault-secrets';
import { getVaultClient, type VaultClient } from './client.js';
import { SkipReason } from './constants.js';
import { accept, onClient, scheduleFetch } from './fetch.js';
import { keyPathFor, reservedSegmentOf } from './key-mapping.js';
import { skip, type LoadContext, type Slot } from './load-context.js';
import { toLoadFailure } from './load-failure.js';
import type { ResolvedVaultSource } from './options.js';
import { isLoopbackHost, type ParsedVaultUrl } from './vault-url.js';
import type { EnvironmentReference } from './references.js';
import { fetchedKey, reusable } from './refresh-reuse.js';
import type { ReportSubject } from './report.js';
import {
  expiryOf,
  runFilter,
  skippedAsReservedKey,
  skippedAsReservedVariable,
  reservedExplicitError,
  unmappableExplicitError,
  unmappableNameWarning,
} from './secret-policy.js';

function clientFor(ctx: LoadContext, vault: ParsedVaultUrl): VaultClient {
  const { options } = ctx;
  return getVaultClient(ctx.credential.credential, vault, options.clientOptions, options.maxRetries);
}

// ------------------------------------------------------------------------------------------ list mode

/** Lists a vault page by page and plans every listed secret as its page arrives. */
export async function loadListed(ctx: LoadContext, vault: ResolvedVaultSource, slots: Slot[]): Promise<void> {
  const client = clientFor(ctx, vault);
  const pages = client.client.listPropertiesOfSecrets({ abortSignal: ctx.signal }).byPage();
  const waitingFor = `the secret list of ${vault.host}`;
  const nextPage = (): Promise<IteratorResult<SecretProperties[]>> => {
    ctx.pending.add(waitingFor);
    const pending = onClient(client, () => pages.next());
    // observed below; never an unhandled rejection if the load fails first
    pending.then(
      () => ctx.pending.delete(waitingFor),
      () => ctx.pending.delete(waitingFor),
    );
    return pending;
  };
  // Key Vault names are case-insensitive, and paging while secrets change can repeat a name: a name
  // seen twice is one secret, never a collision with itself.
  const seen = new Set<string>();
  let pending = nextPage();
  for (;;) {
    let page: IteratorResult<SecretProperties[]>;
    try {
      page = await pending;
    } catch (error) {
      throw toLoadFailure(error, { operation: 'list', vault: vault.host }, ctx);
    }
    if (page.done || ctx.group.hasFailed) return;
    // The list chain is the critical path: ask for the next page before this page's fetches start,
    // then fetch while it is on its way.
    pending = nextPage();
    for (const properties of page.value) {
      const name = properties.name.toLowerCase();
      if (seen.has(name)) continue;
      seen.add(name);
      planListed(ctx, vault, client, properties, slots);
    }
  }
}

/** Decides what to do with one listed secret: skip (with a reason), reuse, or fetch it. */
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
  const { version, updatedOn } = properties;
  const subject: ReportSubject = {
    key: name,
    secretName: name,
    vault: vault.host,
    version,
    updatedOn,
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
    ctx.logger.warn(unmappableNameWarning(name, vault.host));
    return skip(slot, SkipReason.UnmappableName);
  }
  if (skippedAsReservedKey(ctx.logger, slot, path)) return;
  if (properties.enabled === false) return skip(slot, SkipReason.Disabled);
  const listedExpiry = expiryOf(properties, ctx.now);
  if (listedExpiry && ctx.options.expiredSecrets === 'skip') return skip(slot, listedExpiry);

  const id = fetchedKey(vault.host, name);
  const previous = reusable(ctx.previous, vault.host, properties);
  if (previous) {
    // Unchanged since it was fetched (same attributes): no get. accept() judges its expiry as of now.
    ctx.fetched?.set(id, previous);
    return accept(ctx, { source: 'list', slot, path, listedExpiry }, previous.secret);
  }
  scheduleFetch(ctx, { source: 'list', slot, path, listedExpiry, client, rememberAs: id });
}

// -------------------------------------------------------------------------------------- explicit mode

/**
 * Plans the gets of a vault in explicit mode (no list call). Every name is mapped first, so a required
 * secret that can never be delivered (no key, or a reserved segment) fails the load before any get.
 */
export async function loadExplicit(
  ctx: LoadContext,
  vault: ResolvedVaultSource,
  slots: Slot[],
): Promise<void> {
  const client = clientFor(ctx, vault);
  const planned = (vault.explicit ?? []).map((secret) => {
    const path = secret.keyPath ?? keyPathFor(vault, secret.name, secret.name);
    if (path === undefined) throw unmappableExplicitError(secret.name, vault.host);
    // A required secret that can never be delivered is a mistake in the options, not a skip.
    const reserved = path && !secret.optional ? reservedSegmentOf(path) : undefined;
    if (reserved) throw reservedExplicitError(secret.name, vault.host, reserved);
    return { secret, path };
  });
  for (const { secret, path } of planned) {
    const slot: Slot = {
      subject: {
        key: path ? path.join('.') : secret.name,
        secretName: secret.name,
        vault: vault.host,
        version: secret.version,
        source: 'explicit',
      },
    };
    slots.push(slot);
    if (path === null) {
      skip(slot, SkipReason.Unmapped);
      continue;
    }
    if (skippedAsReservedKey(ctx.logger, slot, path)) continue;
    const source = secret.optional ? 'explicit-optional' : 'explicit';
    scheduleFetch(ctx, { source, slot, path, client, version: secret.version });
  }
}

// ----------------------------------------------------------------------------------------- references

/** Plans the get of every reference; a reference's key is its environment variable. */
export function loadReferences(ctx: LoadContext, references: EnvironmentReference[], slots: Slot[]): void {
  for (const { variable, reference } of references) {
    const slot: Slot = {
      subject: {
        key: variable,
        secretName: reference.secretName,
        vault: reference.vault,
        version: reference.version,
        source: 'reference',
      },
    };
    slots.push(slot);
    // Reported, never silently dropped (an assignment to `config.__proto__` would ignore a string).
    if (skippedAsReservedVariable(ctx.logger, slot)) continue;
    const client = clientFor(ctx, {
      url: reference.vaultUrl,
      host: reference.vault,
      loopback: isLoopbackHost(new URL(reference.vaultUrl).hostname),
    });
    scheduleFetch(ctx, { source: 'reference', slot, path: [variable], client, version: reference.version });
  }
}

import { RECOVERABLE_DAYS, RECOVERY_LEVEL } from '../constants.js';
import { buildNextLink, decodeSkipToken, paginate, parseMaxResults } from './paging.js';
import type { SecretStore, SecretWithVersion } from './store.js';
import { assertSecretName } from './store.js';
import type { StoredSecret, StoredSecretVersion, UpdateSecretInput } from './store.interfaces.js';
import type { ResolvedRoute } from './vault.router.js';
import { KeyVaultError, VaultErrors } from './vault.errors.js';

/** Secret attributes on the wire (epoch seconds). */
export interface SecretAttributesJson {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  recoveryLevel: string;
  recoverableDays: number;
}

/** Everything a handler needs besides the store. */
export interface OperationContext {
  /** Base URL for ids and nextLinks: https://<host>:<port> */
  baseUrl: string;
  apiVersion: string;
  query: Map<string, string>;
  /** Parsed JSON body (PUT/PATCH), undefined without a body. */
  body: unknown;
}

/** Result of an operation: status and JSON body (undefined → empty body). */
export interface OperationResult {
  status: number;
  body?: unknown;
}

function attributesOf(v: StoredSecretVersion): SecretAttributesJson {
  // Key Vault's order: enabled, nbf, exp, created, updated, recoveryLevel, recoverableDays.
  const attributes: Partial<SecretAttributesJson> = { enabled: v.enabled };
  if (v.nbf !== undefined) attributes.nbf = v.nbf;
  if (v.exp !== undefined) attributes.exp = v.exp;
  attributes.created = v.created;
  attributes.updated = v.updated;
  attributes.recoveryLevel = RECOVERY_LEVEL;
  attributes.recoverableDays = RECOVERABLE_DAYS;
  return attributes as SecretAttributesJson;
}

/** SecretBundle: `{ value?, contentType?, id, attributes, tags?, managed? }`. */
export function secretBundle(
  baseUrl: string,
  { secret, version }: SecretWithVersion,
  includeValue: boolean,
): object {
  const bundle: Record<string, unknown> = {};
  if (includeValue) bundle.value = version.value;
  if (version.contentType !== undefined) bundle.contentType = version.contentType;
  bundle.id = `${baseUrl}/secrets/${secret.name}/${version.version}`;
  bundle.attributes = attributesOf(version);
  if (version.tags !== undefined) bundle.tags = { ...version.tags };
  if (version.managed) bundle.managed = true;
  return bundle;
}

/** SecretItem (listings): id without version unless `withVersion`; never the value. */
export function secretItem(
  baseUrl: string,
  { secret, version }: SecretWithVersion,
  withVersion: boolean,
): object {
  const item: Record<string, unknown> = {
    id: `${baseUrl}/secrets/${secret.name}${withVersion ? `/${version.version}` : ''}`,
    attributes: attributesOf(version),
  };
  if (version.tags !== undefined) item.tags = { ...version.tags };
  if (version.contentType !== undefined) item.contentType = version.contentType;
  if (version.managed) item.managed = true;
  return item;
}

function deletedFields(baseUrl: string, secret: StoredSecret): Record<string, unknown> {
  return {
    recoveryId: `${baseUrl}/deletedsecrets/${secret.name}`,
    deletedDate: secret.deleted?.deletedDate,
    scheduledPurgeDate: secret.deleted?.scheduledPurgeDate,
  };
}

const latest = (secret: StoredSecret): SecretWithVersion => ({
  secret,
  version: secret.versions[secret.versions.length - 1],
});

/** DeletedSecretBundle (no value, as Key Vault answers DELETE and GET /deletedsecrets/{name}). */
export function deletedSecretBundle(baseUrl: string, secret: StoredSecret): object {
  return { ...deletedFields(baseUrl, secret), ...secretBundle(baseUrl, latest(secret), false) };
}

/** DeletedSecretItem (listing). */
export function deletedSecretItem(baseUrl: string, secret: StoredSecret): object {
  return { ...deletedFields(baseUrl, secret), ...secretItem(baseUrl, latest(secret), false) };
}

function asObject(body: unknown, required: boolean): Record<string, unknown> {
  if (body === undefined || body === null) {
    if (required) throw VaultErrors.invalidBody('The request body is required.');
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw VaultErrors.invalidBody('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw VaultErrors.invalidBody(`The parameter '${key}' must be a string.`);
  return value;
}

function optionalEpoch(raw: Record<string, unknown>, key: string): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw VaultErrors.invalidBody(`The attribute '${key}' must be a number of seconds since the epoch.`);
  }
  return Math.floor(value);
}

function optionalTags(raw: Record<string, unknown>): Record<string, string> | undefined {
  const tags = raw.tags;
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags))
    throw VaultErrors.invalidBody("The parameter 'tags' must be an object.");
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== 'string') throw VaultErrors.invalidBody(`The tag '${k}' must have a string value.`);
    result[k] = v;
  }
  return result;
}

function attributesInput(raw: Record<string, unknown>): { enabled?: boolean; nbf?: number; exp?: number } {
  const attributes = raw.attributes;
  if (attributes === undefined || attributes === null) return {};
  if (typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw VaultErrors.invalidBody("The parameter 'attributes' must be an object.");
  }
  const a = attributes as Record<string, unknown>;
  const result: { enabled?: boolean; nbf?: number; exp?: number } = {};
  if (a.enabled !== undefined && a.enabled !== null) {
    if (typeof a.enabled !== 'boolean')
      throw VaultErrors.invalidBody("The attribute 'enabled' must be a boolean.");
    result.enabled = a.enabled;
  }
  const nbf = optionalEpoch(a, 'nbf');
  const exp = optionalEpoch(a, 'exp');
  if (nbf !== undefined) result.nbf = nbf;
  if (exp !== undefined) result.exp = exp;
  return result;
}

/** Paging keys: the upper-case name or version id (Key Vault's markers spell them so). */
const nameKey = (secret: StoredSecret): string => secret.name.toUpperCase();
// Versions are listed by id: a page continues at the first id at or after the marker, whatever was added.
const versionKey = ({ version }: SecretWithVersion): string => version.version.toUpperCase();

function listing<T>(
  all: readonly T[],
  ctx: OperationContext,
  listPath: string,
  keyOf: (item: T, index: number) => string,
  map: (item: T) => object,
): OperationResult {
  const maxResults = parseMaxResults(ctx.query.get('maxresults'));
  const startKey = decodeSkipToken(ctx.query.get('$skiptoken'));
  const keys = new Map(all.map((item, index) => [item, keyOf(item, index)]));
  const page = paginate(all, (item) => keys.get(item) ?? '', startKey, maxResults);
  return {
    status: 200,
    body: {
      value: page.items.map(map),
      nextLink:
        page.nextKey === undefined
          ? null
          : buildNextLink(ctx.baseUrl, listPath, ctx.apiVersion, page.nextKey, maxResults),
    },
  };
}

/** PUT a secret: a new version from the body's value, content type, tags and attributes. */
function setSecret(store: SecretStore, name: string, ctx: OperationContext): OperationResult {
  const raw = asObject(ctx.body, true);
  const attributes = attributesInput(raw);
  const result = store.set({
    name,
    value: raw.value as string,
    contentType: optionalString(raw, 'contentType'),
    tags: optionalTags(raw),
    ...attributes,
  });
  return { status: 200, body: secretBundle(ctx.baseUrl, result, true) };
}

/** PATCH a version: only the fields the body names change (an absent one is not cleared). */
function updateSecret(
  store: SecretStore,
  name: string,
  version: string | undefined,
  ctx: OperationContext,
): OperationResult {
  const raw = asObject(ctx.body, false);
  const attributes = attributesInput(raw);
  const patch: UpdateSecretInput = { ...attributes };
  const contentType = optionalString(raw, 'contentType');
  if (contentType !== undefined) patch.contentType = contentType;
  const tags = optionalTags(raw);
  if (tags !== undefined) patch.tags = tags;
  const result = store.update(name, version, patch);
  return { status: 200, body: secretBundle(ctx.baseUrl, result, false) };
}

/** Runs one resolved secrets operation against a store. Throws {@link KeyVaultError}s. */
export function executeOperation(
  store: SecretStore,
  route: ResolvedRoute,
  ctx: OperationContext,
): OperationResult {
  const name = route.name ?? '';
  if (route.name !== undefined) assertSecretName(name);
  switch (route.route) {
    case 'secrets.set':
      return setSecret(store, name, ctx);
    case 'secrets.get': {
      const found = store.get(name, route.version || undefined);
      if (!found.version.enabled) throw VaultErrors.disabled('get');
      return { status: 200, body: secretBundle(ctx.baseUrl, found, true) };
    }
    case 'secrets.update':
      return updateSecret(store, name, route.version || undefined, ctx);
    case 'secrets.delete': {
      const secret = store.delete(name);
      return { status: 200, body: deletedSecretBundle(ctx.baseUrl, secret) };
    }
    case 'secrets.list':
      return listing(
        store.listLatest(),
        ctx,
        route.listPath ?? '/secrets',
        (s) => nameKey(s.secret),
        (s) => secretItem(ctx.baseUrl, s, false),
      );
    case 'secrets.versions':
      return listing(
        store.listVersions(name),
        ctx,
        route.listPath ?? `/secrets/${name}/versions`,
        versionKey,
        (s) => secretItem(ctx.baseUrl, s, true),
      );
    case 'deleted.list':
      return listing(store.listDeleted(), ctx, route.listPath ?? '/deletedsecrets', nameKey, (s) =>
        deletedSecretItem(ctx.baseUrl, s),
      );
    case 'deleted.get':
      return { status: 200, body: deletedSecretBundle(ctx.baseUrl, store.getDeleted(name)) };
    case 'deleted.recover':
      return { status: 200, body: secretBundle(ctx.baseUrl, store.recover(name), false) };
    case 'deleted.purge':
      store.purge(name);
      return { status: 204 };
    default:
      throw new KeyVaultError(404, 'NotFound', 'The requested operation is not supported by this key vault.');
  }
}

/**
 * Public option types of the framework-agnostic core: what a caller passes to a load, a watcher or the
 * Nest module. No Nest import may appear anywhere under core/.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions, SecretProperties } from '@azure/keyvault-secrets';
import type { StandardSchemaV1 } from './standard-schema.js';

/** What to do with a secret whose `expiresOn` has passed or whose `notBefore` is in the future. */
export type ExpiryPolicy = 'load' | 'warn' | 'skip';

/** Logger the core writes to. Nest's `Logger` fits; so does `console`. Never receives values. */
export interface KeyVaultConfigLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Optional: repeated refresh failures and warnings go here instead of `warn` when it exists. */
  debug?(message: string): void;
}

/** One explicitly named secret (explicit mode). */
export interface ExplicitSecret {
  /** Secret name in the vault. */
  name: string;
  /**
   * Configuration key (dot path).
   * @default the secret name mapped as in list mode (`keyMapper`, else `--` → `.` and `-` → `_`)
   */
  key?: string | undefined;
  /**
   * Pin a version (the id Key Vault shows, 1–64 letters and digits).
   * @default the latest version
   */
  version?: string | undefined;
  /**
   * A missing optional secret is reported as skipped instead of failing the load.
   * @default false
   */
  optional?: boolean | undefined;
}

/**
 * Explicit mode: exactly these secrets, fetched with `get` only — no list call is ever made, so an
 * identity with only the `get` permission works. Either names (`['Db--Password']`, mapped as usual),
 * descriptors, or a `{ configKey: secretName | descriptor }` record.
 */
export type ExplicitSecrets =
  ReadonlyArray<string | ExplicitSecret> | Readonly<Record<string, string | Omit<ExplicitSecret, 'key'>>>;

/** Options that can differ per vault (see `vaults`). */
export interface KeyVaultSourceOptions {
  /**
   * The vault's base URL, e.g. `https://my-vault.vault.azure.net` (https; http only for loopback hosts).
   * Inside `vaults` every entry needs its own; there is no fallback to the environment.
   * @default `KEY_VAULT_URL` from `env`
   */
  vaultUrl?: string | undefined;
  /**
   * Explicit mode (see {@link ExplicitSecrets}). When set, nothing is listed; cannot be combined with
   * `prefix` or `filter`.
   * @default undefined — list mode: every enabled secret of the vault
   */
  secrets?: ExplicitSecrets | undefined;
  /**
   * Load only secrets whose name starts with this (any case); it is stripped before mapping. List
   * mode only.
   * @default undefined — no prefix
   */
  prefix?: string | undefined;
  /**
   * Load only secrets this returns true for. It sees properties only (name, tags, content type, dates):
   * values are never fetched for the rest. List mode only.
   * @default undefined — every secret
   */
  filter?: ((properties: SecretProperties) => boolean) | undefined;
  /**
   * Secret name (after `prefix` is stripped) → config key (dot path). Return `undefined` to skip it.
   * @default `--` nests and `-` becomes `_`: `Database--Connection-String` → `Database.Connection_String`
   */
  keyMapper?: (secretName: string) => string | undefined;
  /**
   * Read secrets from files instead of (or besides) a vault: a directory with one file per secret, as
   * the Secrets Store CSI driver (file name = object name or `objectAlias`) and Kubernetes Secret
   * volumes write it, the kubelet's atomic `..data` layout included. The file name is the secret name
   * (same `prefix`, `filter` — it sees `{ name }` only —, `keyMapper` and `--` mapping); hidden entries
   * (`..data`, dot files) are ignored; a file that cannot be read or is over 25 KB fails the load naming
   * it. Several directories (or `vaults` entries with `mountPath`) are layers like several vaults: a
   * later one wins. Top level, beside `vaultUrl` or `vaults`, the directories come after the vaults
   * (a mounted file wins). With only `mountPath` no credential is built and nothing goes to the network
   * (`KEY_VAULT_URL` is not read). Changes are picked up by watching the directory (and on
   * `refreshInterval`, as a fallback) when the watcher is running.
   * @default undefined — no mounted secrets
   */
  mountPath?: string | readonly string[] | undefined;
  /**
   * Which mounted files hold JSON (files carry no content type): `'suffix'` — names ending in `.json`
   * (the suffix is not part of the secret name) — or `'all'`. JSON is expanded under the key like an
   * `application/json` secret; `parseJson: false` turns it off.
   * @default 'suffix'
   */
  mountJson?: 'suffix' | 'all' | undefined;
}

/** Options of {@link loadKeyVaultSecrets} (and of the Nest module, which adds its own). */
export interface KeyVaultConfigOptions extends KeyVaultSourceOptions {
  /**
   * Several vaults, loaded in order; a later vault wins on the same key. Replaces `vaultUrl` (setting
   * both is an error); the top-level `prefix`, `filter` and `keyMapper` are each vault's defaults.
   * @default undefined — the one vault of `vaultUrl`
   */
  vaults?: KeyVaultSourceOptions[] | undefined;
  /**
   * Any TokenCredential, used for every vault and reference.
   * @default DefaultAzureCredential (environment service principal, workload identity, managed identity,
   * then developer tools), one per process for the same client id and credential environment
   */
  credential?: TokenCredential | undefined;
  /**
   * Client id of a user-assigned managed identity, for the default credential. Ignored with `credential`.
   * @default `AZURE_CLIENT_ID` (from `env`, else `process.env`); unset: the system-assigned identity
   */
  managedIdentityClientId?: string | undefined;
  /**
   * Parse secrets whose content type is `application/json` into objects under their key; invalid JSON
   * fails the load with INVALID_SECRET_CONTENT.
   * @default true
   */
  parseJson?: boolean | undefined;
  /**
   * Secrets whose `expiresOn` has passed or whose `notBefore` is in the future: `'load'` them, load
   * and `'warn'` in the log and the report, or `'skip'` them.
   * @default 'warn'
   */
  expiredSecrets?: ExpiryPolicy | undefined;
  /**
   * Who wins when a vault key equals an environment variable (`Db.Password` also matches
   * `Db__Password`): `'vault'` or `'environment'`.
   * @default 'vault'
   */
  precedence?: 'vault' | 'environment' | undefined;
  /**
   * Resolve `@Microsoft.KeyVault(...)` references in `env`: the referenced secret's value is loaded
   * under the variable's name. With references in `env` and no vault option, the load is
   * references-only.
   * @default true
   */
  resolveReferences?: boolean | undefined;
  /**
   * Also write each resolved reference's value into `process.env` under its variable, as App Service
   * does, so code that reads the environment itself (Prisma's `DATABASE_URL`, `pg`'s `PG*`, a
   * `registerAs` factory) sees the value instead of the reference text. Written when the startup load
   * succeeds (with the Nest module: before any provider is built) and after every successful refresh
   * cycle (a rotated secret's new value; a reference that no longer resolves gets its reference text
   * back). A variable the application changed since is left alone; nothing is undone on `stop()`.
   * Only references: other vault secrets never reach `process.env`. Trade-off: child processes
   * inherit these values, and anything that can read the environment can read them — prefer
   * `ConfigService` / the returned `config` where you can. Needs `resolveReferences`.
   * @default false
   */
  exposeReferencesInEnv?: boolean | undefined;
  /**
   * DNS suffix for `VaultName=` references (e.g. `vault.azure.cn`, `vault.usgovcloudapi.net`).
   * @default 'vault.azure.net'
   */
  vaultDnsSuffix?: string | undefined;
  /**
   * Secret fetches in flight at once, shared by every vault and reference of a load (1–256).
   * @default 32
   */
  concurrency?: number | undefined;
  /**
   * Bound on the whole load in milliseconds, token acquisition included (1–3 600 000); past it the
   * load fails with TIMEOUT.
   * @default 60000
   */
  timeoutMs?: number | undefined;
  /**
   * Retries of each request on transient failures — 5xx, connection resets, 429 with or without
   * Retry-After (0–10). It replaces `clientOptions.retryOptions.maxRetries` in the clients the library
   * builds.
   * @default `clientOptions.retryOptions.maxRetries` when set, else 4
   */
  maxRetries?: number | undefined;
  /**
   * Continue without vault values when the load fails: the load resolves with an empty `config` and
   * the failure in `report.error` (code and message) after one warning, instead of rejecting.
   * @default false
   */
  optional?: boolean | undefined;
  /**
   * Passed to every SecretClient (tlsOptions, proxyOptions, retryOptions, additionalPolicies, …). The
   * library adds to it: `retryOptions.maxRetries` set to `maxRetries`; two per-call policies after
   * yours (a retry of 429 without Retry-After, which the SDK does not retry, and one that keeps Key
   * Vault's error body for messages); and, for loopback vault hosts only,
   * `disableChallengeResourceVerification` (plus `allowInsecureConnection` for `http://`). Clients are
   * cached per vault, credential and this object's identity: pass the same object to share them.
   * @default undefined — the SDK's defaults plus the additions above
   */
  clientOptions?: SecretClientOptions | undefined;
  /**
   * Standard Schema (Zod 3.24+, Valibot 1, ArkType, Joi 18, …) that the merged configuration
   * (the environment's variables, references resolved, under the loaded keys) must pass; a failure is
   * VALIDATION_FAILED naming keys and issues, never values. It is a check only: the schema's output
   * (defaults, coercions, transforms, stripped keys) is not used — the configuration stays as loaded.
   * @default undefined — no validation
   */
  validationSchema?: StandardSchemaV1 | undefined;
  /**
   * Where the core logs (one info line per load, warnings for skipped or expired secrets). Never
   * receives a value.
   * @default console with a `[KeyVaultConfig]` prefix (the Nest module passes Nest's Logger)
   */
  logger?: KeyVaultConfigLogger | undefined;
  /**
   * Environment to read `KEY_VAULT_URL`, references and precedence from. It does not reach the
   * credential: the Azure SDK reads its variables (AZURE_TENANT_ID, AZURE_CLIENT_SECRET,
   * AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT, AZURE_TOKEN_CREDENTIALS, …) from `process.env`
   * only; of them, only `AZURE_CLIENT_ID` here is used, as the default of `managedIdentityClientId`.
   * @default `process.env` (the Nest module: `process.env` over the `.env` files)
   */
  env?: Record<string, string | undefined> | undefined;
  /**
   * Re-read the vault on this interval and apply what changed (secret rotation without restart):
   * milliseconds, or a duration string such as `'30s'`, `'5m'`, `'1h'`, `'1h30m'`; at least 1 s, at
   * most about 24.8 days.
   * @default undefined — off (a refresh then runs only when asked for)
   */
  refreshInterval?: number | string | undefined;
  /**
   * Consecutive failed refresh cycles at which health turns `down` (`degraded` before); `Infinity`
   * never turns it down.
   * @default 3
   */
  healthFailureThreshold?: number | undefined;
}

/**
 * Options of an entry point that loads once (`loadKeyVaultSecrets`, the Nest `keyVaultConfig()` factory):
 * the refresh options are a type error here — and INVALID_OPTIONS at run time — because nothing would
 * ever refresh. Use `watchKeyVaultSecrets` or `KeyVaultConfigModule.forRoot` for rotation.
 */
export interface KeyVaultLoadOnceOptions extends Omit<
  KeyVaultConfigOptions,
  'refreshInterval' | 'healthFailureThreshold'
> {
  /** Not supported: this entry point loads once. Use `watchKeyVaultSecrets` or `KeyVaultConfigModule.forRoot`. */
  refreshInterval?: never;
  /** Not supported: this entry point has no health. Use `watchKeyVaultSecrets` or `KeyVaultConfigModule.forRoot`. */
  healthFailureThreshold?: never;
}

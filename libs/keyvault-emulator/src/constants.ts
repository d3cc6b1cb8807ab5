/**
 * Constants of the emulator: protocol values copied from Azure Key Vault's data plane so that every
 * Microsoft client (JS, .NET, Python, Java, az CLI) sees the answers it expects.
 */

/** Audience of Key Vault tokens (and `resource` of the 401 challenge). */
export const KEY_VAULT_AUDIENCE = 'https://vault.azure.net';

/** Authority host named in the challenge (`authorization="<host>/<tenant>"`), as Key Vault sends it (the SDKs' recorded responses). Never contacted. */
export const CHALLENGE_AUTHORITY_HOST = 'https://login.windows.net';

/** Issuer shape Azure AD v1 tokens carry (`iss`), used in Key Vault's 403 messages. */
export const TOKEN_ISSUER_PREFIX = 'https://sts.windows.net';

/** Stable api-versions of the secrets data plane the emulator accepts. */
export const STABLE_API_VERSIONS: readonly string[] = [
  '2016-10-01',
  '7.0',
  '7.1',
  '7.2',
  '7.3',
  '7.4',
  '7.5',
  '7.6',
  '2025-07-01',
  '2026-04-01',
];

/** Preview api-versions published for the secrets data plane (plus any `7.6-preview.N`). */
export const PREVIEW_API_VERSIONS: readonly string[] = [
  '7.3-preview',
  '7.4-preview.1',
  '7.5-preview.1',
  '7.6-preview.1',
  '7.6-preview.2',
  '2025-06-01-preview',
  '2026-01-01-preview',
];

/** What Key Vault recommends in its "version not recognized" message. */
export const LATEST_API_VERSION = '2025-07-01';

/** Value of `x-ms-keyvault-service-version` (the real service sends its build number). */
export const SERVICE_VERSION_HEADER_VALUE = '1.9.2595.1';

/** Value of `x-ms-keyvault-region` and the `location` in 403 messages. */
export const EMULATOR_REGION = 'local';

/** Paging: Key Vault's `maxresults` range and default page size. */
export const MAX_RESULTS_LIMIT = 25;
export const DEFAULT_MAX_RESULTS = 25;

/** Maximum size of a secret value, in bytes (25 KB). */
export const MAX_SECRET_VALUE_BYTES = 25_600;

/** Key Vault's limits on a secret's metadata ("About Azure Key Vault secrets"): tags and contentType. */
export const MAX_TAGS = 15;
export const MAX_TAG_NAME_LENGTH = 512;
export const MAX_TAG_VALUE_LENGTH = 512;
export const MAX_CONTENT_TYPE_LENGTH = 255;

/** Secret names: 1–127 characters of 0-9, a-z, A-Z and '-'. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;

/** Secret versions: 32 lowercase hexadecimal characters. */
export const SECRET_VERSION_PATTERN = /^[0-9a-f]{32}$/;

/** Soft-delete retention of the emulated vaults. */
export const RECOVERABLE_DAYS = 90;
export const RECOVERY_LEVEL = 'Recoverable+Purgeable';

/** Default name of the first vault. */
export const DEFAULT_VAULT_NAME = 'emulator';

/** Default lifetime of issued tokens, seconds. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** Fake subscription/resource group used in RBAC resource ids of 403 messages. */
export const EMULATOR_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const EMULATOR_RESOURCE_GROUP = 'keyvault-emulator';

/** Throttling window of Key Vault's service limits (transactions per 10 seconds). */
export const THROTTLE_WINDOW_SECONDS = 10;

/** Number of request-log entries kept (oldest dropped first). */
export const REQUEST_LOG_LIMIT = 10_000;

/** Delay before a mutation is flushed to the data file (close() flushes immediately). */
export const PERSIST_DEBOUNCE_MS = 25;

/** Prefix of the admin API on the identity port. */
export const ADMIN_PATH_PREFIX = '/_emulator/';

/** Header that authenticates the admin API (same value as the identity endpoint's header). */
export const IDENTITY_HEADER_NAME = 'x-identity-header';

/** Help links Key Vault appends to its messages. */
export const SECRET_NOT_FOUND_HELP = 'https://go.microsoft.com/fwlink/?linkid=2125182';
export const ACCESS_DENIED_HELP = 'https://go.microsoft.com/fwlink/?linkid=2125287';

/** Content type of every JSON answer, as Key Vault sends it. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

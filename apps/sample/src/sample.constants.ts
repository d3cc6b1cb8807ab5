/**
 * Constants of the sample app. The configuration keys are where the default mapping puts the vault's
 * secrets (`Sample--ApiKey` → `Sample.ApiKey`); the app itself is configured with nothing but the vault
 * URL (`KEY_VAULT_URL`, read by the library) and a few non-secret knobs below.
 */

/** Secret `Sample--ApiKey`: clients send it in the `x-api-key` header. */
export const API_KEY_CONFIG_KEY = 'Sample.ApiKey';
/** Secret `Sample--SigningKey`: the HMAC key of the tokens `POST /api/tokens` issues. */
export const SIGNING_KEY_CONFIG_KEY = 'Sample.SigningKey';
/** Secret `Sample--Database--ConnectionString`: only ever shown as "loaded, version …". */
export const CONNECTION_STRING_CONFIG_KEY = 'Sample.Database.ConnectionString';

/** Injection token of the startup's {@link MasterSecretState} (names and kinds of master secrets). */
export const MASTER_SECRETS = Symbol('MASTER_SECRETS');

/** Header carrying the API key. */
export const API_KEY_HEADER = 'x-api-key';

/** Environment variables of the sample (none of them secret). */
export const PORT_ENV = 'PORT';
export const HOST_ENV = 'HOST';
export const REFRESH_INTERVAL_ENV = 'SAMPLE_REFRESH_INTERVAL';

export const DEFAULT_PORT = 3000;
/** Loopback by default: the demo is not meant to be reachable from the network unless asked for. */
export const DEFAULT_HOST = '127.0.0.1';
/** Short on purpose, so a rotation shows up within seconds; a real app would use minutes. */
export const DEFAULT_REFRESH_INTERVAL = '5s';

/** Lifetime of issued tokens, seconds. */
export const TOKEN_LIFETIME_SECONDS = 600;
/** Token subjects: short, printable, no separators. */
export const TOKEN_SUBJECT_PATTERN = /^[\w.@-]{1,64}$/;
export const DEFAULT_TOKEN_SUBJECT = 'demo-user';

/** Name of the Key Vault entry in the `/health` payload. */
export const HEALTH_KEY = 'keyvault';

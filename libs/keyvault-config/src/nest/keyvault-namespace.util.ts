/**
 * `keyVaultNamespace`: a typed `registerAs` namespace built from vault values, so that
 * `ConfigType<typeof databaseConfig>` (and `@Inject(databaseConfig.KEY)`) carry values from Key Vault.
 *
 * Why a registry: `@nestjs/config` calls a namespace factory with no arguments (as a provider factory,
 * or through `ConfigModule.forFeature`), so the factory cannot be handed the values. It runs while
 * Nest instantiates providers — after the module scan, hence after `KeyVaultConfigModule.forRoot`
 * loaded — and reads the values of the module built last in this process. Namespaces given in
 * `configModule.load` are instead handed their own module's values (see load-factory.guard.ts).
 */
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from '../core/index.js';
import { namespaceBeforeLoad, namespaceKeyMissing } from '../core/messages/index.js';
import { valueAtKey } from '../core/snapshot-diff.js';

/** Read access to the values KeyVaultConfigModule loaded, by dot path (`'Database.Password'`). */
export interface KeyVaultValues {
  /** The value at a dot path (a string, or an object for JSON secrets), or undefined. */
  get(key: string): string | undefined;
  /** The value at a dot path, typed by you (a JSON secret's object: `get<{ host: string }>('Db')`). */
  get<T>(key: string): T | undefined;
  /** Like `get`, but a missing key fails startup with VALIDATION_FAILED naming the key. */
  getOrThrow(key: string): string;
  getOrThrow<T>(key: string): T;
}

/** The values of a loaded configuration object. */
export function keyVaultValues(config: Readonly<Record<string, unknown>>): KeyVaultValues {
  return {
    get: <T>(key: string) => valueAtKey(config as Record<string, unknown>, key) as T & string,
    getOrThrow<T>(key: string): T & string {
      const value = valueAtKey(config as Record<string, unknown>, key);
      if (value === undefined) {
        throw new KeyVaultConfigError(KeyVaultConfigErrorCode.ValidationFailed, namespaceKeyMissing(key), {
          key,
        });
      }
      return value as T & string;
    },
  };
}

let latest: KeyVaultValues | undefined;

/** @internal Called by forRoot (after its load) and forTesting: the values namespaces read from now on. */
export function publishKeyVaultValues(values: KeyVaultValues): void {
  latest = values;
}

/**
 * Builds a `registerAs` factory from vault values:
 *
 * ```ts
 * export const databaseConfig = registerAs('database', keyVaultNamespace((vault) => ({
 *   host: process.env.DB_HOST ?? 'localhost',
 *   password: vault.getOrThrow('Database.Password'),
 * })));
 * // constructor(@Inject(databaseConfig.KEY) db: ConfigType<typeof databaseConfig>) — db.password: string
 * ```
 *
 * The factory runs once, at startup: a refresh updates `ConfigService` (`config.get('database.password')`
 * when the namespace is in `configModule.load`), not an object that was already injected.
 */
export function keyVaultNamespace<T>(build: (vault: KeyVaultValues) => T): (values?: KeyVaultValues) => T {
  return (values?: KeyVaultValues) => {
    const vault = values ?? latest;
    if (vault === undefined) {
      throw new KeyVaultConfigError(KeyVaultConfigErrorCode.InvalidOptions, namespaceBeforeLoad());
    }
    return build(vault);
  };
}

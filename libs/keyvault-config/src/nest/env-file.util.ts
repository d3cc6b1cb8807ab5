import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { KeyVaultEnvFileOptions } from './keyvault-config-module.interfaces.js';

/**
 * The environment as `ConfigService` will see it: `.env` files under `process.env`.
 *
 * Why read the files here: the vault URL (`KEY_VAULT_URL`) and `@Microsoft.KeyVault(...)` references may
 * live in `.env`, but `ConfigModule.forRoot` only loads those files when it is called — after
 * `keyVaultConfig()` has already started (its promise sits in the `load` array) and, for
 * `KeyVaultConfigModule.forRoot`, before the vault values it must be given exist. Precedence matches
 * `ConfigModule`: process.env wins over the files, and the first file wins over later ones.
 */
export function readEnvironment(options: KeyVaultEnvFileOptions = {}): Record<string, string | undefined> {
  if (options.ignoreEnvFile) return { ...process.env };
  const paths = Array.isArray(options.envFilePath)
    ? options.envFilePath
    : [options.envFilePath ?? resolve(process.cwd(), '.env')];
  const fromFiles: Record<string, string> = {};
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(parsed)) {
      if (!(key in fromFiles)) fromFiles[key] = value;
    }
  }
  return { ...fromFiles, ...process.env };
}

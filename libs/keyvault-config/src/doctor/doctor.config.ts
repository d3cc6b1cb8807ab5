/**
 * Reads the configuration the way the application's bootstrap does: the options module (`--config`),
 * the command line on top, `.env` files under `process.env` (the library's own env-file reading), then
 * the library's option resolution — so the doctor checks exactly what the app would load.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isKeyVaultConfigError, type KeyVaultConfigError } from '../core/errors.js';
import type { KeyVaultConfigOptions, KeyVaultSourceOptions } from '../core/interfaces.js';
import { resolveOptions, type ResolvedOptions } from '../core/options.js';
import { parseVaultUrl } from '../core/vault-url.js';
import { hasReferences } from '../core/references.js';
import type { KeyVaultEnvFileOptions } from '../nest/keyvault-config-module.interfaces.js';
import { readEnvironment } from '../nest/env-file.util.js';
import { DoctorUsageError, type DoctorArgs } from './doctor.command.js';
import { DEFAULT_DOCTOR_TIMEOUT_MS, DEFAULT_ENV_FILE } from './doctor.constants.js';

/** Options as a module may export them (the Nest module's options include the `.env` ones). */
type ConfigModuleExport = KeyVaultConfigOptions & KeyVaultEnvFileOptions;

/** What the doctor runs with. */
export interface DoctorConfig {
  /** The options the load gets (with `env` filled in). */
  options: KeyVaultConfigOptions;
  env: Record<string, string | undefined>;
  /** `.env` files that were read. */
  envFiles: string[];
  /** Variables that came from a `.env` file rather than the process environment. */
  fromEnvFile: ReadonlySet<string>;
  /** The library's resolution of `options`; absent when they are invalid (see `optionsError`). */
  resolved?: ResolvedOptions;
  optionsError?: KeyVaultConfigError;
  /** Longest one step may take. */
  stepTimeoutMs: number;
}

/** Imports `--config`: its default export, its `options` export, or a function returning either. */
async function importOptions(path: string, cwd: string): Promise<ConfigModuleExport> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file)) throw new DoctorUsageError(`--config: ${file} does not exist.`);
  if (/\.[cm]?tsx?$/.test(file)) {
    throw new DoctorUsageError(
      `--config: ${file} is TypeScript; point it at the compiled JavaScript (e.g. dist/…/options.js).`,
    );
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new DoctorUsageError(
      `--config: ${file} could not be loaded (${error instanceof Error ? error.name : 'error'}: ${
        error instanceof Error ? error.message.split('\n')[0] : String(error)
      }).`,
    );
  }
  let exported: unknown = loaded.default ?? loaded.options;
  // A CommonJS module seen through import(): `module.exports = { options }`.
  if (exported && typeof exported === 'object' && 'options' in exported && !('vaultUrl' in exported)) {
    exported = (exported as { options: unknown }).options;
  }
  if (typeof exported === 'function') exported = await (exported as () => unknown)();
  if (exported === null || typeof exported !== 'object' || Array.isArray(exported)) {
    throw new DoctorUsageError(
      `--config: ${file} must export the options object (default export or \`options\`), or a function returning it.`,
    );
  }
  return exported as ConfigModuleExport;
}

/** The command line on top of the module's options. */
function applyArgs(options: ConfigModuleExport, args: DoctorArgs): ConfigModuleExport {
  const result: ConfigModuleExport = { ...options };
  if (args.vaultUrl !== undefined) {
    try {
      parseVaultUrl(args.vaultUrl, '--vault-url');
    } catch (error) {
      throw new DoctorUsageError(error instanceof Error ? error.message : String(error));
    }
    result.vaultUrl = args.vaultUrl;
    delete result.vaults;
  }
  const selection: KeyVaultSourceOptions = {};
  if (args.secrets) selection.secrets = args.secrets;
  if (args.prefix !== undefined) selection.prefix = args.prefix;
  if (args.secrets || args.prefix !== undefined) {
    if (result.vaults) {
      result.vaults = result.vaults.map((vault) => ({ ...vault, ...selection }));
    } else {
      Object.assign(result, selection);
      if (args.secrets) delete result.prefix;
    }
  }
  if (args.timeoutMs !== undefined) result.timeoutMs = args.timeoutMs;
  return result;
}

/** `.env` files to read: `--env-file` (must exist), else the module's `envFilePath`, else `.env`. */
function envFileOptions(args: DoctorArgs, options: ConfigModuleExport, cwd: string): KeyVaultEnvFileOptions {
  if (args.envFile !== undefined) {
    const file = isAbsolute(args.envFile) ? args.envFile : resolve(cwd, args.envFile);
    if (!existsSync(file)) throw new DoctorUsageError(`--env-file: ${file} does not exist.`);
    return { envFilePath: file };
  }
  if (options.ignoreEnvFile) return { ignoreEnvFile: true };
  const paths = options.envFilePath ?? DEFAULT_ENV_FILE;
  return {
    envFilePath: (Array.isArray(paths) ? paths : [paths]).map((p) => (isAbsolute(p) ? p : resolve(cwd, p))),
  };
}

/** Reads the configuration; throws {@link DoctorUsageError} for a bad command line or `--config`. */
export async function readDoctorConfig(args: DoctorArgs, cwd = process.cwd()): Promise<DoctorConfig> {
  const fromModule = args.config ? await importOptions(args.config, cwd) : {};
  const merged = applyArgs(fromModule, args);
  const files = envFileOptions(args, merged, cwd);
  const env = merged.env ?? readEnvironment(files);
  const envFiles = files.ignoreEnvFile
    ? []
    : [files.envFilePath ?? []].flat().filter((file) => existsSync(file));
  const fromEnvFile = new Set(Object.keys(env).filter((name) => process.env[name] === undefined));
  const { envFilePath: _path, ignoreEnvFile: _ignore, ...libraryOptions } = merged;
  const options: KeyVaultConfigOptions = { ...libraryOptions, env };
  const config: DoctorConfig = {
    options,
    env,
    envFiles,
    fromEnvFile,
    stepTimeoutMs: args.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS,
  };
  try {
    config.resolved = resolveOptions(options, hasReferences);
  } catch (error) {
    if (!isKeyVaultConfigError(error)) throw error;
    config.optionsError = error;
  }
  return config;
}

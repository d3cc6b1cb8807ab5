/**
 * `mountPath` and `mountJson` after validation: the mounted directories of a load, each with its own
 * selection and mapping (`prefix`, `filter`, `keyMapper`, as a vault has), and the order of every
 * source of the load (vaults and mounts), which is their precedence.
 */
import { isAbsolute, resolve } from 'node:path';
import type { SecretProperties } from '@azure/keyvault-secrets';
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from '../errors.js';
import type { KeyVaultSourceOptions } from '../interfaces.js';
import { invalidOption, mountOptionProblem, optionProblem } from '../messages/index.js';

/** One mounted directory to load. */
export interface ResolvedMountSource {
  /** Absolute directory path: what reports, events and messages show. */
  dir: string;
  /** The same as `dir` (key mapping names its source by `host`). */
  host: string;
  json: 'suffix' | 'all';
  prefix?: string;
  filter?: (properties: SecretProperties) => boolean;
  keyMapper?: (secretName: string) => string | undefined;
}

/** A source of the load, in precedence order (later wins): index into `vaults` or `mounts`. */
export type SourceRef = { kind: 'vault'; index: number } | { kind: 'mount'; index: number };

const JSON_MODES = ['suffix', 'all'] as const;

function invalid(option: string, problem: string): KeyVaultConfigError {
  return new KeyVaultConfigError(KeyVaultConfigErrorCode.InvalidOptions, invalidOption(option, problem), {
    key: option,
  });
}

/** True when the source (a `vaults` entry or the top level) names mounted directories. */
export function hasMountPath(source: KeyVaultSourceOptions): boolean {
  return source.mountPath !== undefined;
}

/** The directories of `mountPath` (a string or an array), absolute. */
function mountDirs(value: unknown, option: string): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (Array.isArray(value) && list.length === 0) throw invalid(option, mountOptionProblem.notAPath(value));
  return list.map((dir, i) => {
    if (typeof dir !== 'string' || dir.trim() === '') {
      throw invalid(Array.isArray(value) ? `${option}[${i}]` : option, mountOptionProblem.notAPath(dir));
    }
    return isAbsolute(dir) ? resolve(dir) : resolve(process.cwd(), dir);
  });
}

function checkSelection(source: KeyVaultSourceOptions, defaults: KeyVaultSourceOptions, option: string) {
  const prefix = source.prefix ?? defaults.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[0-9a-zA-Z-]{1,126}$/.test(prefix))) {
    throw invalid(`${option}prefix`, optionProblem.invalidPrefix(prefix));
  }
  const filter = source.filter ?? defaults.filter;
  if (filter !== undefined && typeof filter !== 'function') {
    throw invalid(`${option}filter`, optionProblem.notAFunction(filter));
  }
  const keyMapper = source.keyMapper ?? defaults.keyMapper;
  if (keyMapper !== undefined && typeof keyMapper !== 'function') {
    throw invalid(`${option}keyMapper`, optionProblem.notAFunction(keyMapper));
  }
  const json = source.mountJson ?? defaults.mountJson ?? 'suffix';
  if (!JSON_MODES.includes(json)) throw invalid(`${option}mountJson`, mountOptionProblem.notAJsonMode(json));
  return { prefix, filter, keyMapper, json };
}

/**
 * The mounted directories of one source (`option` is its option prefix, `''` or `vaults[2].`); the
 * top-level `prefix`, `filter`, `keyMapper` and `mountJson` are a `vaults` entry's defaults.
 */
export function resolveMountSources(
  source: KeyVaultSourceOptions,
  defaults: KeyVaultSourceOptions,
  option: string,
): ResolvedMountSource[] {
  if (option !== '' && source.vaultUrl !== undefined) {
    throw invalid(`${option}mountPath`, mountOptionProblem.withVaultUrl());
  }
  if (source.secrets !== undefined && (option !== '' || source.vaultUrl === undefined)) {
    throw invalid(`${option}secrets`, mountOptionProblem.withSecrets());
  }
  const selection = checkSelection(source, defaults, option);
  return mountDirs(source.mountPath, `${option}mountPath`).map((dir) => ({ dir, host: dir, ...selection }));
}

/**
 * `exposeReferencesInEnv`: resolved `@Microsoft.KeyVault(...)` references written into `process.env`
 * under their variables, as App Service does — so code reading the environment itself (Prisma's
 * `DATABASE_URL`, `pg`'s `PG*`, a `registerAs` factory) sees the value, not the reference text.
 *
 * Why `process.env` and not the `env` option: `env` is where references are read from (in Nest a copy of
 * `process.env` over the `.env` files); what App Service resolves is the process environment, which is
 * what those libraries and child processes read.
 *
 * The rules, per variable:
 * - written when it holds its reference text, the value written last time, or nothing (a reference read
 *   from a `.env` file or a given `env`); anything else is the application's and is left alone;
 * - a reference that no longer resolves (its secret deleted or disabled in a refresh) gets its reference
 *   text back — what App Service shows for a reference it cannot resolve — so nothing stale stays, and
 *   `ConfigService.get` falls through to the same text it would without this option;
 * - nothing is undone on `stop()` or app close: code running in shutdown hooks may still read it.
 *
 * One process-wide memory of what was written ({@link processEnvExposure}): every load reads the
 * environment through {@link EnvExposure.asConfigured}, so a variable holding a value the library wrote
 * is still a reference to it — a refresh cycle finds it again, and so does a second load in the process.
 * Each session keeps the set of variables it exposed, so one watcher never restores another's.
 */
import type { KeyVaultConfigLogger } from './interfaces.js';
import { exposedVariablesLeftAlone, referencesExposed, referencesRestored } from './messages/index.js';

type Environment = Record<string, string | undefined>;

/** A reference resolved by a load: its variable, the reference text it held, the secret's value. */
export interface ResolvedReference {
  variable: string;
  /** The `@Microsoft.KeyVault(...)` text, as the environment holds it. */
  reference: string;
  value: string;
}

/** What one {@link EnvExposure.expose} changed, by variable name (never values). */
export interface ExposureOutcome {
  /** Now hold a value they did not hold before (first exposure or a rotation). */
  written: string[];
  /** Hold their reference text again: the reference no longer resolves. */
  restored: string[];
  /** Changed by the application since (or never the reference): not touched. */
  leftAlone: string[];
}

interface Written {
  reference: string;
  value: string;
}

/** The memory of what was written into one environment (the process's: {@link processEnvExposure}). */
export class EnvExposure {
  private readonly written = new Map<string, Written>();

  constructor(private readonly target: () => Environment = () => process.env) {}

  /**
   * `env` as configured: each variable that still holds the value written into it shows the reference it
   * replaced. Returns `env` itself when nothing applies.
   */
  asConfigured(env: Readonly<Environment>): Environment {
    let copy: Environment | undefined;
    for (const [variable, { reference, value }] of this.written) {
      if (env[variable] !== value) continue;
      copy ??= { ...env };
      copy[variable] = reference;
    }
    return copy ?? (env as Environment);
  }

  /**
   * Writes each resolved reference into the environment under its variable, and restores the reference
   * text of the variables in `owned` (the caller's exposed set, updated in place) that are no longer
   * resolved.
   */
  expose(resolved: readonly ResolvedReference[], owned: Set<string>): ExposureOutcome {
    const env = this.target();
    const outcome: ExposureOutcome = { written: [], restored: [], leftAlone: [] };
    const current = new Set<string>();
    for (const { variable, reference, value } of resolved) {
      current.add(variable);
      const now = env[variable];
      const prior = this.written.get(variable);
      const ours = now === reference || (prior ? now === prior.value : now === undefined);
      if (!ours) {
        this.forget(variable, owned);
        outcome.leftAlone.push(variable);
        continue;
      }
      if (now !== value) outcome.written.push(variable);
      env[variable] = value;
      this.written.set(variable, { reference, value });
      owned.add(variable);
    }
    for (const variable of owned) {
      if (current.has(variable)) continue;
      const prior = this.written.get(variable);
      if (prior && env[variable] === prior.value) {
        env[variable] = prior.reference;
        outcome.restored.push(variable);
      } else {
        outcome.leftAlone.push(variable);
      }
      this.forget(variable, owned);
    }
    return outcome;
  }

  private forget(variable: string, owned: Set<string>): void {
    if (owned.delete(variable)) this.written.delete(variable);
  }
}

/** What the library wrote into `process.env`. */
export const processEnvExposure = new EnvExposure();

/** `env` as configured (see {@link EnvExposure.asConfigured}), for every load of the process. */
export function configuredEnvironment(env: Readonly<Environment>): Environment {
  return processEnvExposure.asConfigured(env);
}

/** Exposes a load's resolved references in `process.env` and logs what changed, by name. */
export function exposeReferences(
  resolved: readonly ResolvedReference[],
  owned: Set<string>,
  logger: KeyVaultConfigLogger,
  exposure: EnvExposure = processEnvExposure,
): ExposureOutcome {
  const outcome = exposure.expose(resolved, owned);
  if (outcome.written.length > 0) logger.log(referencesExposed(outcome.written));
  if (outcome.restored.length > 0) logger.log(referencesRestored(outcome.restored));
  // The application's own choice: worth a debug line, not a warning on every cycle.
  if (outcome.leftAlone.length > 0) logger.debug?.(exposedVariablesLeftAlone(outcome.leftAlone));
  return outcome;
}

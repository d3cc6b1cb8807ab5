/**
 * `runDoctor`: walks the bootstrap step by step and assembles the report. Order of work: the vault
 * probes (no credential), the startup load as the app runs it (cold, so its timeline is the real one),
 * the credential chain tried credential by credential, then per vault the token against the challenge,
 * the permissions and what would load, then the references. Never a value: values the SDK returns are
 * dropped where they arrive, and every text in the report comes from names, properties and claims.
 */
import { getVaultClient } from '../core/client.js';
import { resolveCredential, type ResolvedCredential } from '../core/credential.js';
import type { KeyVaultConfigErrorCode } from '../core/errors.js';
import type { ResolvedVaultSource } from '../core/options.js';
import type { DoctorConfig } from './doctor.config.js';
import { DEFAULT_KEY_VAULT_SCOPE } from './doctor.constants.js';
import type { DoctorCredential, DoctorProblem, DoctorReport, DoctorVault } from './doctor.interfaces.js';
import { addProblem, problemFrom, problemOf } from './doctor.problems.js';
import { since } from './doctor.timing.js';
import { walkCredentials, type CredentialsStep } from './doctor.steps/credentials.step.js';
import { inventoryExplicit, inventoryListed } from './doctor.steps/inventory.step.js';
import { runStartupLoad, type LoadStep } from './doctor.steps/load.step.js';
import { probePermissions } from './doctor.steps/permissions.step.js';
import { checkReferences } from './doctor.steps/references.step.js';
import { compareToken, tokenProblem } from './doctor.steps/token-match.js';
import { probeProblem, probeVault } from './doctor.steps/vault.step.js';

const SILENT = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The identity for the report: the load's own (what the library used), with the kind from the walk. */
function credentialOf(load: LoadStep | undefined, walk: CredentialsStep): DoctorCredential | null {
  const used = load?.result?.report.credential;
  if (used) {
    const walked = walk.attempts.find((a) => a.name === used.name && a.outcome === 'token');
    return {
      name: used.name,
      kind: walked?.kind ?? 'unknown',
      ...(used.detail ? { source: used.detail } : walked?.source ? { source: walked.source } : {}),
      ...(used.objectId ? { oid: used.objectId } : {}),
      ...(used.clientId ? { appid: used.clientId } : {}),
      ...(used.tenantId ? { tid: used.tenantId } : {}),
    };
  }
  // The load failed before any token (or never ran): the walk's pick is the best answer, unless the
  // load says no credential worked.
  if (!walk.selected || load?.error?.code === 'CREDENTIAL_UNAVAILABLE') return null;
  const { name, kind, source, oid, appid, tid } = walk.selected;
  return {
    name,
    kind,
    ...(source ? { source } : {}),
    ...(oid ? { oid } : {}),
    ...(appid ? { appid } : {}),
    ...(tid ? { tid } : {}),
  };
}

/** Permissions and what would load, for one vault. */
async function examineVault(
  report: DoctorVault,
  vault: ResolvedVaultSource,
  config: DoctorConfig,
  credential: ResolvedCredential,
  load: LoadStep | undefined,
  warnings: string[],
): Promise<void> {
  const resolved = config.resolved!;
  const client = getVaultClient(credential.credential, vault, resolved.clientOptions, resolved.maxRetries);
  const ctx = {
    client,
    vault,
    credential: credential.describe(),
    maxRetries: resolved.maxRetries,
    timeoutMs: config.stepTimeoutMs,
    expiredSecrets: resolved.expiredSecrets,
    parseJson: resolved.parseJson,
  };
  const permissions = await probePermissions(ctx);
  Object.assign(report, {
    list: permissions.list,
    get: permissions.get,
    ...(permissions.getTestedOn ? { getTestedOn: permissions.getTestedOn } : {}),
  });
  for (const problem of permissions.problems) addProblem(report.problems, problem);
  const inventory = vault.explicit
    ? await inventoryExplicit(ctx)
    : permissions.listed
      ? await inventoryListed(ctx, permissions.listed)
      : undefined;
  if (!inventory) return;
  report.counts = inventory.counts;
  if (inventory.counts.keys === 0 && inventory.counts.listed > 0) {
    warnings.push(
      `No key would load from ${vault.host}: check prefix, filter and keyMapper (${inventory.counts.filteredOut} of ${inventory.counts.listed} secrets filtered out).`,
    );
  }
  for (const problem of inventory.problems) addProblem(report.problems, problem);
  warnings.push(...inventory.warnings);
  const loaded = load?.result?.report.entries.filter(
    (e) => e.vault === vault.host && e.source !== 'reference',
  );
  report.keys =
    loaded && !load?.result?.report.error
      ? loaded.map((e) => ({
          key: e.key,
          secretName: e.secretName,
          ...(e.version ? { version: e.version } : {}),
          source: e.source,
          status: e.status,
          ...(e.reason ? { reason: e.reason } : {}),
        }))
      : inventory.keys;
  if (loaded && !load?.result?.report.error)
    report.counts.keys = report.keys.filter((k) => k.status === 'loaded').length;
}

/** DNS, TLS and the challenge of every vault; a failure is a problem of its own, listed first. */
async function probeVaults(config: DoctorConfig, problems: DoctorProblem[]): Promise<DoctorVault[]> {
  const vaults: DoctorVault[] = [];
  for (const vault of config.resolved?.vaults ?? []) {
    const probe = await probeVault(vault, config.resolved?.clientOptions, config.stepTimeoutMs);
    const report: DoctorVault = {
      host: vault.host,
      url: vault.url,
      ...probe,
      list: 'untested',
      get: 'untested',
      keys: [],
      problems: [],
    };
    vaults.push(report);
    // The root cause comes first in "To fix": the load's error (a timeout, say) follows from it.
    const unreachable = probeProblem(vault.host, probe);
    if (unreachable) {
      addProblem(report.problems, unreachable);
      addProblem(problems, unreachable);
    }
  }
  return vaults;
}

/** The library's own credential (the one the load used), for the permission and reference probes. */
function libraryCredential(config: DoctorConfig, problems: DoctorProblem[]): ResolvedCredential | undefined {
  const resolved = config.resolved;
  if (!resolved) return undefined;
  try {
    const { credential, managedIdentityClientId, env } = resolved;
    return resolveCredential({ credential, managedIdentityClientId, env }, SILENT);
  } catch (error) {
    addProblem(problems, problemFrom(error, 'INVALID_OPTIONS', 'credential'));
    return undefined;
  }
}

/** The walk, asking for the scope and tenant of the first vault's challenge. */
async function walkChain(
  config: DoctorConfig,
  vaults: DoctorVault[],
  problems: DoctorProblem[],
): Promise<CredentialsStep> {
  const challenge = vaults.find((v) => v.challenge?.resource)?.challenge;
  const scope = challenge?.resource
    ? `${challenge.resource.replace(/\/$/, '')}/.default`
    : DEFAULT_KEY_VAULT_SCOPE;
  const step = await walkCredentials(
    config.resolved ?? { env: config.env },
    scope,
    challenge?.tenant,
    config.stepTimeoutMs,
  );
  if (step.chainError)
    addProblem(problems, {
      code: 'INVALID_OPTIONS',
      message: step.chainError,
      fix: 'unset AZURE_TOKEN_CREDENTIALS',
    });
  return step;
}

function startupOf(load: LoadStep | undefined): DoctorReport['startup'] {
  if (!load) return null;
  const failure = load.error ?? load.result?.report.error;
  return {
    ok: !failure,
    ms: load.ms,
    ...(load.result ? { loaded: load.result.report.loaded } : {}),
    ...(failure ? { code: failure.code as KeyVaultConfigErrorCode } : {}),
  };
}

function validationOf(config: DoctorConfig, load: LoadStep | undefined): DoctorReport['validation'] {
  if (!config.resolved?.validationSchema) return 'none';
  if (load?.result && !load.result.report.error) return 'passed';
  return load?.error?.code === 'VALIDATION_FAILED' ? 'failed' : 'untested';
}

function loadWarnings(load: LoadStep | undefined): string[] {
  const swallowed = load?.result?.report.error;
  return [
    ...(swallowed
      ? [`optional: true — the app would start WITHOUT Key Vault values: ${swallowed.message}`]
      : []),
    ...(load?.warnings ?? []).filter((w) => !w.startsWith('Continuing without Key Vault values')),
  ];
}

/** Runs every step and returns the report (never throws for what it finds; that goes into `problems`). */
export async function runDoctor(config: DoctorConfig): Promise<DoctorReport> {
  const started = performance.now();
  const problems: DoctorProblem[] = [];
  if (config.optionsError) addProblem(problems, problemOf(config.optionsError));
  const vaults = await probeVaults(config, problems);
  const load = config.resolved ? await runStartupLoad(config.options) : undefined;
  if (load?.error) addProblem(problems, problemOf(load.error));
  const warnings = loadWarnings(load);
  const credentials = await walkChain(config, vaults, problems);
  const credential = libraryCredential(config, problems);
  const usable =
    credential && (credentials.selected !== undefined || Boolean(load?.result?.report.credential));
  for (const [i, vault] of (config.resolved?.vaults ?? []).entries()) {
    const report = vaults[i]!;
    if (credentials.selected && report.challenge?.ok) {
      report.token = compareToken(credentials.selected, report.challenge);
      const mismatch = tokenProblem(report, credentials.selected.name);
      if (mismatch) addProblem(report.problems, mismatch);
    }
    if (usable && report.reachable) await examineVault(report, vault, config, credential, load, warnings);
    for (const problem of report.problems) addProblem(problems, problem);
  }
  const refs = config.resolved
    ? await checkReferences(
        config.resolved,
        usable ? credential : undefined,
        config.fromEnvFile,
        config.stepTimeoutMs,
      )
    : { references: [], problems: [] };
  for (const problem of refs.problems) addProblem(problems, problem);
  return {
    ok: Boolean(load?.result) && !config.optionsError,
    chain: credentials.chain,
    ...(credentials.tokenCredentials ? { tokenCredentials: credentials.tokenCredentials } : {}),
    credential: credentialOf(load, credentials),
    credentials: credentials.attempts,
    vaults,
    references: refs.references,
    validation: validationOf(config, load),
    problems,
    warnings: [...new Set(warnings)],
    startup: startupOf(load),
    timeline: load?.recorder.entries ?? [],
    elapsedMs: since(started),
  };
}

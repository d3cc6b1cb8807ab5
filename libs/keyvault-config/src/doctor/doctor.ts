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
import { compareToken } from './doctor.steps/token-match.js';
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

/** Runs every step and returns the report (never throws for what it finds; that goes into `problems`). */
export async function runDoctor(config: DoctorConfig): Promise<DoctorReport> {
  const started = performance.now();
  const problems: DoctorProblem[] = [];
  const warnings: string[] = [];
  if (config.optionsError) addProblem(problems, problemOf(config.optionsError));
  const resolved = config.resolved;
  const vaults: DoctorVault[] = [];
  for (const vault of resolved?.vaults ?? []) {
    const probe = await probeVault(vault, resolved?.clientOptions, config.stepTimeoutMs);
    vaults.push({
      host: vault.host,
      url: vault.url,
      ...probe,
      list: 'untested',
      get: 'untested',
      keys: [],
      problems: [],
    });
    // The root cause comes first in "To fix": the load's error (a timeout, say) follows from it.
    const unreachable = probeProblem(vault.host, probe);
    if (unreachable) {
      addProblem(vaults[vaults.length - 1]!.problems, unreachable);
      addProblem(problems, unreachable);
    }
  }

  const load = resolved ? await runStartupLoad(config.options) : undefined;
  if (load?.error) addProblem(problems, problemOf(load.error));
  const swallowed = load?.result?.report.error;
  if (swallowed)
    warnings.push(`optional: true — the app would start WITHOUT Key Vault values: ${swallowed.message}`);
  warnings.push(
    ...(load?.warnings ?? []).filter((w) => !w.startsWith('Continuing without Key Vault values')),
  );

  const resource = vaults.find((v) => v.challenge?.resource)?.challenge;
  const scope = resource?.resource
    ? `${resource.resource.replace(/\/$/, '')}/.default`
    : DEFAULT_KEY_VAULT_SCOPE;
  const walk = await walkCredentials(
    resolved ?? { env: config.env },
    scope,
    resource?.tenant,
    config.stepTimeoutMs,
  );
  if (walk.chainError)
    addProblem(problems, {
      code: 'INVALID_OPTIONS',
      message: walk.chainError,
      fix: 'unset AZURE_TOKEN_CREDENTIALS',
    });

  let credential: ResolvedCredential | undefined;
  if (resolved) {
    try {
      credential = resolveCredential(
        {
          credential: resolved.credential,
          managedIdentityClientId: resolved.managedIdentityClientId,
          env: resolved.env,
        },
        SILENT,
      );
    } catch (error) {
      addProblem(problems, problemFrom(error, 'INVALID_OPTIONS', 'credential'));
    }
  }
  const usable = walk.selected !== undefined || Boolean(load?.result?.report.credential);
  for (const [i, vault] of (resolved?.vaults ?? []).entries()) {
    const report = vaults[i]!;
    if (walk.selected && report.challenge?.ok) report.token = compareToken(walk.selected, report.challenge);
    if (report.token && !report.token.ok) {
      addProblem(report.problems, {
        code: 'ACCESS_DENIED',
        message: `The token of ${walk.selected!.name} does not fit ${report.host}: ${report.token.detail}.`,
        fix: report.challenge?.tenant
          ? `az login --tenant ${report.challenge.tenant}\nAZURE_TENANT_ID=${report.challenge.tenant}`
          : undefined,
        vault: report.host,
      });
    }
    if (credential && usable && report.reachable)
      await examineVault(report, vault, config, credential, load, warnings);
  }
  for (const vault of vaults) for (const problem of vault.problems) addProblem(problems, problem);

  const refs =
    resolved && usable
      ? await checkReferences(resolved, credential, config.fromEnvFile, config.stepTimeoutMs)
      : resolved
        ? await checkReferences(resolved, undefined, config.fromEnvFile, config.stepTimeoutMs)
        : { references: [], problems: [] };
  for (const problem of refs.problems) addProblem(problems, problem);

  const failedCode = load?.error?.code;
  const validation = !resolved?.validationSchema
    ? 'none'
    : load?.result && !swallowed
      ? 'passed'
      : failedCode === 'VALIDATION_FAILED'
        ? 'failed'
        : 'untested';
  const ok = Boolean(load?.result) && !config.optionsError;
  return {
    ok,
    chain: walk.chain,
    ...(walk.tokenCredentials ? { tokenCredentials: walk.tokenCredentials } : {}),
    credential: credentialOf(load, walk),
    credentials: walk.attempts,
    vaults,
    references: refs.references,
    validation,
    problems,
    warnings: [...new Set(warnings)],
    startup: load
      ? {
          ok: Boolean(load.result) && !swallowed,
          ms: load.ms,
          ...(load.result ? { loaded: load.result.report.loaded } : {}),
          ...(load.error || swallowed
            ? { code: (load.error?.code ?? swallowed?.code) as KeyVaultConfigErrorCode }
            : {}),
        }
      : null,
    timeline: load?.recorder.entries ?? [],
    elapsedMs: since(started),
  };
}

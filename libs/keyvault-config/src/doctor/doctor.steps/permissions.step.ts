/**
 * Permissions: may the library's identity list the vault's secrets, and get one? The list is read whole
 * (its properties feed "what would load"); `get` is tried on one secret whose value is dropped unread.
 * A denial becomes the library's own ACCESS_DENIED message, with the RBAC and access-policy commands.
 */
import type { SecretProperties } from '@azure/keyvault-secrets';
import type { VaultClient } from '../../core/client.js';
import {
  isNotFoundError,
  isSecretDisabledError,
  mapSdkError,
  type SdkErrorContext,
} from '../../core/errors.js';
import type { KeyVaultCredentialInfo } from '../../core/interfaces.js';
import type { ResolvedVaultSource } from '../../core/options.js';
import type { DoctorPermission, DoctorProblem } from '../doctor.interfaces.js';
import { problemOf } from '../doctor.problems.js';
import { bounded } from '../doctor.timing.js';

/** What the permission probes found. */
export interface PermissionsStep {
  list: DoctorPermission;
  get: DoctorPermission;
  getTestedOn?: string;
  /** Every listed secret's properties (list mode, list allowed). */
  listed?: SecretProperties[];
  listMs?: number;
  getMs?: number;
  problems: DoctorProblem[];
}

interface Context {
  client: VaultClient;
  vault: ResolvedVaultSource;
  credential?: KeyVaultCredentialInfo;
  maxRetries: number;
  timeoutMs: number;
}

function isDenied(error: unknown): boolean {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return (status === 403 || status === 401) && !isSecretDisabledError(error);
}

function sdkContext(ctx: Context, operation: 'list' | 'get', secretName?: string): SdkErrorContext {
  return {
    operation,
    vault: ctx.vault.host,
    secretName,
    credential: ctx.credential,
    maxRetries: ctx.maxRetries,
  };
}

async function listAll(ctx: Context): Promise<SecretProperties[]> {
  return bounded(ctx.timeoutMs, async (abortSignal) => {
    const listed: SecretProperties[] = [];
    for await (const page of ctx.client.client.listPropertiesOfSecrets({ abortSignal }).byPage()) {
      listed.push(...page);
    }
    return listed;
  });
}

/** The secret to try `get` on: the first explicit one, else the first enabled, valid listed one. */
function candidate(vault: ResolvedVaultSource, listed: SecretProperties[] | undefined): string | undefined {
  if (vault.explicit) return vault.explicit[0]?.name;
  const now = Date.now();
  const selected = (listed ?? []).filter(
    (p) =>
      p.enabled !== false &&
      !(p.expiresOn && p.expiresOn.getTime() <= now) &&
      !(p.notBefore && p.notBefore.getTime() > now) &&
      (vault.prefix === undefined || p.name.toLowerCase().startsWith(vault.prefix.toLowerCase())),
  );
  return (selected[0] ?? listed?.find((p) => p.enabled !== false))?.name;
}

async function probeList(ctx: Context, step: PermissionsStep): Promise<void> {
  const start = performance.now();
  try {
    step.listed = await listAll(ctx);
    step.list = 'allowed';
  } catch (error) {
    step.list = isDenied(error) ? 'denied' : 'error';
    step.problems.push(problemOf(mapSdkError(error, sdkContext(ctx, 'list'))));
  }
  step.listMs = Math.round(performance.now() - start);
}

async function probeGet(ctx: Context, step: PermissionsStep, name: string): Promise<void> {
  const start = performance.now();
  step.getTestedOn = name;
  try {
    // The value is not kept: only whether the call was allowed matters here.
    await bounded(ctx.timeoutMs, (abortSignal) =>
      ctx.client.client.getSecret(name, { abortSignal }).then(() => undefined),
    );
    step.get = 'allowed';
  } catch (error) {
    if (isNotFoundError(error) || isSecretDisabledError(error)) {
      // Key Vault authorizes before it looks the secret up: a 404 or "disabled" means get is allowed.
      step.get = 'allowed';
    } else {
      step.get = isDenied(error) ? 'denied' : 'error';
      step.problems.push(problemOf(mapSdkError(error, sdkContext(ctx, 'get', name))));
    }
  }
  step.getMs = Math.round(performance.now() - start);
}

/** List (list mode only: explicit mode never lists), then get on one secret. */
export async function probePermissions(ctx: Context): Promise<PermissionsStep> {
  const step: PermissionsStep = { list: 'untested', get: 'untested', problems: [] };
  if (!ctx.vault.explicit) await probeList(ctx, step);
  if (step.list === 'error') return step;
  const name = candidate(ctx.vault, step.listed);
  if (name) await probeGet(ctx, step, name);
  return step;
}

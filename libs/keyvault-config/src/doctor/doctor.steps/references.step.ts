/**
 * References: every `@Microsoft.KeyVault(...)` value in the environment and `.env`, where it came from,
 * and whether it resolves — each one got on its own (value dropped), so every bad reference is reported,
 * not only the first one the load stops at.
 */
import { getVaultClient } from '../../core/client.js';
import type { ResolvedCredential } from '../../core/credential.js';
import {
  isKeyVaultConfigError,
  isNotFoundError,
  isSecretDisabledError,
  mapSdkError,
} from '../../core/errors.js';
import type { ResolvedOptions } from '../../core/options.js';
import { isLoopbackHost } from '../../core/vault-url.js';
import { isKeyVaultReference, parseKeyVaultReference } from '../../core/references.js';
import type { DoctorProblem, DoctorReference } from '../doctor.interfaces.js';
import { addProblem, problemFrom, problemOf } from '../doctor.problems.js';
import { bounded } from '../doctor.timing.js';

export interface ReferencesStep {
  references: DoctorReference[];
  problems: DoctorProblem[];
}

async function resolveOne(
  ref: DoctorReference,
  vaultUrl: string,
  options: ResolvedOptions,
  credential: ResolvedCredential,
  timeoutMs: number,
  problems: DoctorProblem[],
): Promise<void> {
  const vault = { url: vaultUrl, host: ref.vault!, loopback: isLoopbackHost(new URL(vaultUrl).hostname) };
  const client = getVaultClient(credential.credential, vault, options.clientOptions, options.maxRetries);
  try {
    await bounded(timeoutMs, (abortSignal) =>
      client.client.getSecret(ref.secretName!, { abortSignal, version: ref.version }).then(() => undefined),
    );
    ref.resolves = true;
  } catch (error) {
    const problem = problemOf(
      mapSdkError(error, {
        operation: 'get',
        vault: vault.host,
        secretName: ref.secretName,
        variable: ref.variable,
        credential: credential.describe(),
        maxRetries: options.maxRetries,
      }),
    );
    if (isNotFoundError(error) || isSecretDisabledError(error)) problem.code = 'INVALID_REFERENCE';
    ref.reason = isNotFoundError(error)
      ? 'the secret does not exist'
      : isSecretDisabledError(error)
        ? 'the secret is disabled'
        : problem.message;
    addProblem(problems, problem);
  }
}

/** Finds and resolves the references (resolution only when `resolveReferences` is on). */
export async function checkReferences(
  options: ResolvedOptions,
  credential: ResolvedCredential | undefined,
  fromEnvFile: ReadonlySet<string>,
  timeoutMs: number,
): Promise<ReferencesStep> {
  const references: DoctorReference[] = [];
  const problems: DoctorProblem[] = [];
  const pending: Array<Promise<void>> = [];
  for (const [variable, value] of Object.entries(options.env)) {
    if (!isKeyVaultReference(value)) continue;
    const from = fromEnvFile.has(variable) ? '.env' : 'environment';
    const ref: DoctorReference = { variable, from, resolves: false };
    references.push(ref);
    let parsed;
    try {
      parsed = parseKeyVaultReference(value!, { vaultDnsSuffix: options.vaultDnsSuffix, variable });
    } catch (error) {
      ref.reason = 'malformed';
      if (isKeyVaultConfigError(error)) addProblem(problems, problemOf(error));
      continue;
    }
    if (!parsed) continue;
    Object.assign(ref, {
      vault: parsed.vault,
      secretName: parsed.secretName,
      ...(parsed.version ? { version: parsed.version } : {}),
    });
    if (!options.resolveReferences) {
      ref.reason = 'not resolved (resolveReferences: false)';
      continue;
    }
    if (!credential) {
      ref.reason = 'not resolved (no credential)';
      continue;
    }
    pending.push(
      resolveOne(ref, parsed.vaultUrl, options, credential, timeoutMs, problems).then(
        () => undefined,
        (error: unknown) => addProblem(problems, problemFrom(error, 'INVALID_REFERENCE', variable)),
      ),
    );
  }
  await Promise.all(pending);
  return { references, problems };
}

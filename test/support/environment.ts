/**
 * process.env for the e2e tests: which variables decide how a credential authenticates, an environment
 * for child processes without them, and a scope that sets variables and puts back what was there.
 */
import type { Emulator } from 'keyvault-emulator';

/**
 * Variables that choose a credential or a vault (the developer's own AZURE_CLIENT_SECRET, an App
 * Service's IDENTITY_ENDPOINT…): a test must never inherit them from the shell that runs it.
 */
export const CREDENTIAL_VARIABLE = /^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$)/i;

/** `env` (default: this process's) without any {@link CREDENTIAL_VARIABLE}. */
export function withoutCredentialVariables(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !CREDENTIAL_VARIABLE.test(name)));
}

/**
 * What a platform gives a process for the emulator's managed identity, plus its CA for the vault's TLS:
 * App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER) or IMDS (redirected by AZURE_POD_IDENTITY_AUTHORITY_HOST).
 */
export function identityEnv(
  emulator: Pick<Emulator, 'env'>,
  platform: 'app-service' | 'imds' = 'app-service',
): Record<string, string> {
  const { env } = emulator;
  const identity: Record<string, string> =
    platform === 'app-service'
      ? { IDENTITY_ENDPOINT: env.IDENTITY_ENDPOINT!, IDENTITY_HEADER: env.IDENTITY_HEADER! }
      : { AZURE_POD_IDENTITY_AUTHORITY_HOST: env.AZURE_POD_IDENTITY_AUTHORITY_HOST! };
  return { ...identity, NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS! };
}

/** Names whose values differ between two environments (added, removed or changed), sorted. */
export function changedVariables(before: NodeJS.ProcessEnv, after: NodeJS.ProcessEnv): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}

/** Puts `process.env` back to `snapshot` (removing what was added, restoring what changed). */
export function restoreEnvironment(snapshot: NodeJS.ProcessEnv): void {
  for (const name of changedVariables(snapshot, process.env)) {
    if (snapshot[name] === undefined) delete process.env[name];
    else process.env[name] = snapshot[name];
  }
}

/** Sets variables (undefined = unset) and remembers the first value each had, for {@link restore}. */
export class EnvironmentScope {
  private readonly saved = new Map<string, string | undefined>();

  set(vars: Record<string, string | undefined>): void {
    for (const [name, value] of Object.entries(vars)) {
      if (!this.saved.has(name)) this.saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  /** Unsets every variable matching `pattern`. */
  unset(pattern: RegExp): void {
    this.set(
      Object.fromEntries(
        Object.keys(process.env)
          .filter((n) => pattern.test(n))
          .map((n) => [n, undefined]),
      ),
    );
  }

  /** Puts back every variable this scope touched, as it was before the first `set`. */
  restore(): void {
    for (const [name, value] of this.saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.saved.clear();
  }
}

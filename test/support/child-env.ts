/**
 * Environments for spawned processes, built from scratch: nothing of the developer's AZURE_* /
 * IDENTITY_* / MSI_* variables, Azure tools on PATH or ~/.azure reaches a child, so only what a test
 * hands it can authenticate. Temporary directories made here are removed by {@link removeTempDirs}
 * (`useEmulator` does it in afterAll).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * PATH without any directory that holds a real Azure CLI, Azure Developer CLI or PowerShell, so the
 * developer's own tools and logins can never answer for the credential under test.
 */
export function pathWithoutAzureTools(): string {
  const tools = ['az', 'azd', 'pwsh', 'az.cmd', 'azd.exe', 'pwsh.exe'];
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !tools.some((tool) => existsSync(join(dir, tool))))
    .join(delimiter);
}

const tempDirs: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes the temporary directories (child HOMEs, fake `az`, logs) this worker created. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A child environment built from scratch: only PATH (cleaned of Azure tools, `pathPrefix` first), HOME
 * (an empty temp directory, so no real ~/.azure is read), NODE_OPTIONS (loads the network guard) and
 * NETWORK_GUARD_LOG are carried over, plus `vars` (undefined: left out).
 */
export function childEnv(vars: Record<string, string | undefined>, pathPrefix?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: [pathPrefix, pathWithoutAzureTools()].filter(Boolean).join(delimiter),
    HOME: tempDir('kv-cred-home-'),
  };
  for (const name of [
    'NODE_OPTIONS',
    'NETWORK_GUARD_LOG',
    ...(process.platform === 'win32' ? ['SystemRoot'] : []),
  ]) {
    if (process.env[name]) env[name] = process.env[name];
  }
  for (const [name, value] of Object.entries(vars)) {
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Every credential of DefaultAzureCredential's full chain failing, in a child process with an environment
 * built from scratch: no service principal, no workload identity, an App Service managed identity endpoint
 * (the emulator's) asked for a user-assigned identity that is not attached, no Azure CLI / PowerShell /
 * Azure Developer CLI on PATH. The result must be one CREDENTIAL_UNAVAILABLE naming each credential tried,
 * in order, and what to do.
 */
import { beforeAll, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { DEFAULT_CHAIN, runCredentialChild } from './fixtures/credential-child.js';

const NOT_ATTACHED = '9d0c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

// The child gets the emulator's App Service identity through its own environment (fx.childEnv).
const fx = useEmulator({ identity: 'none', seed: [{ name: 'Db-Password', value: 'failure-canary' }] });
beforeAll(() => assertLibraryBuilt('dist/core/credential.js'));

it('lists every credential of the default chain with its reason, then the fixes', async () => {
  const result = await runCredentialChild(
    {
      vaultUrl: fx.emulator.vaultUrl,
      secrets: { 'Db-Password': 'failure-canary' },
      managedIdentityClientId: NOT_ATTACHED,
    },
    fx.childEnv(),
  );
  expect(result.ok).toBe(false);
  expect(result.error?.name).toBe('KeyVaultConfigError');
  expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
  expect(result.error?.credential).toBe('DefaultAzureCredential');
  const message = result.error!.message;
  const lines = message.split('\n');
  expect(lines[0]).toBe('No credential could get a token for Azure Key Vault. DefaultAzureCredential tried:');
  const tried = lines.slice(1, lines.indexOf('To fix:'));
  expect(tried.map((l) => /^ {2}- (\w+)/.exec(l)?.[1])).toEqual(DEFAULT_CHAIN);
  expect(tried[2]).toMatch(
    /^ {2}- ManagedIdentityCredential \(App Service\): .*Unable to load the proper Managed Identity/,
  );
  expect(tried[4]).toMatch(/^ {2}- AzureCliCredential: Azure CLI could not be found/);
  // One short line each, without the SDK's troubleshooting links.
  for (const line of tried) expect(line.length).toBeLessThan(400);
  expect(message).not.toMatch(/aka\.ms\/azsdk/);
  // What to do: local login, App Service identity + role assignment, AKS, and the user-assigned client id.
  expect(message).toContain('`az login`');
  expect(message).toContain('az webapp identity assign --name <app> --resource-group <rg>');
  expect(message).toContain(
    'az role assignment create --role "Key Vault Secrets User" --assignee <principalId>',
  );
  expect(message).toContain('federated-credential');
  expect(message).toContain(`(now ${NOT_ATTACHED}, from managedIdentityClientId)`);
  // The identity endpoint was asked once for that identity; the vault never served a value.
  expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 400 })).toBe(1);
  expect(fx.emulator.counters.count({ route: 'secrets.get', status: 200 })).toBe(0);
  expect(JSON.stringify(result)).not.toContain('failure-canary');
  expect(message).not.toMatch(/eyJ[\w-]+\.eyJ/);
});

/**
 * The developer path: DefaultAzureCredential reaching AzureCliCredential, with a fake `az` first on PATH
 * (logged in, not logged in) or no `az` at all (not installed) — each in a child process whose
 * environment is built from scratch. AZURE_TOKEN_CREDENTIALS=dev keeps the chain to developer tools, as
 * on a laptop, so managed identity never probes IMDS at 169.254.169.254.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { useEmulator } from '../support/emulator.fixture.js';
import {
  DEVELOPER,
  fakeAzBin,
  fakeAzCalls,
  fakeAzLogFile,
  runCredentialChild,
  type ChildScenario,
} from './fixtures/credential-child.js';

const SECRETS = { 'Db-Password': 'cli-canary-1', 'Api-Key': 'cli-canary-2' };

// The children get a developer's environment of their own (fx.childEnv without a managed identity).
const fx = useEmulator({
  identity: 'none',
  seed: Object.entries(SECRETS).map(([name, value]) => ({ name, value })),
  identities: [{ ...DEVELOPER, role: 'user' }],
});
let scenario: ChildScenario;
let azBin: string;
let azLog: string;

beforeAll(() => {
  assertLibraryBuilt('dist/core/credential.js');
  scenario = { vaultUrl: fx.emulator.vaultUrl, secrets: SECRETS };
  azBin = fakeAzBin();
});
beforeEach(() => {
  fx.emulator.counters.reset();
  azLog = fakeAzLogFile();
});

function developerEnv(vars: Record<string, string>, withAz: boolean): NodeJS.ProcessEnv {
  return fx.childEnv(
    { AZURE_TOKEN_CREDENTIALS: 'dev', FAKE_AZ_LOG: azLog, ...vars },
    { platform: 'none', pathPrefix: withAz ? azBin : undefined },
  );
}

describe.skipIf(process.platform === 'win32')('AzureCliCredential with a fake az', () => {
  it('logged in: authenticates as the developer and says AzureCliCredential', async () => {
    const lifetime = 3600;
    const result = await runCredentialChild(
      { ...scenario, clients: 2 },
      developerEnv(
        {
          FAKE_AZ_MODE: 'logged-in',
          FAKE_AZ_TOKEN: fx.emulator.issueToken({
            clientId: DEVELOPER.clientId,
            expiresInSeconds: lifetime,
            // A user's token, as `az login` gets one: scp/upn, no xms_mirid.
            kind: 'user',
          }),
          FAKE_AZ_EXPIRES_ON: String(Math.floor(Date.now() / 1000) + lifetime),
          FAKE_AZ_TENANT: fx.emulator.tenantId,
        },
        true,
      ),
    );
    expect(result.error).toBeUndefined();
    expect(result.valuesMatch).toBe(true);
    expect(result.gets).toBe(4);
    expect(result.describe[0]).toEqual({
      name: 'AzureCliCredential',
      objectId: DEVELOPER.objectId,
      clientId: DEVELOPER.clientId,
      tenantId: fx.emulator.tenantId,
    });
    expect(result.logs.map((l) => l.message)).toContain(
      `Authenticated to Key Vault using AzureCliCredential as oid=${DEVELOPER.objectId} appid=${DEVELOPER.clientId} tid=${fx.emulator.tenantId}`,
    );
    // Exactly what the SDK asks the CLI — the tenant comes from the vault's challenge. No managed identity was tried.
    const calls = fakeAzCalls(azLog);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const args of calls) {
      expect(args).toEqual([
        'account',
        'get-access-token',
        '--output',
        'json',
        '--resource',
        'https://vault.azure.net',
        '--tenant',
        fx.emulator.tenantId,
      ]);
    }
    expect(fx.emulator.counters.count({ route: 'identity.appservice' })).toBe(0);
    expect(fx.emulator.counters.count({ route: 'identity.imds' })).toBe(0);
    expect(
      fx.emulator.counters.count({ route: 'secrets.get', status: 200, clientId: DEVELOPER.clientId }),
    ).toBe(4);
    expect(JSON.stringify(result)).not.toContain('cli-canary');
  });

  it('not logged in: one CREDENTIAL_UNAVAILABLE listing AzureCliCredential’s reason and telling to run az login', async () => {
    const result = await runCredentialChild(scenario, developerEnv({ FAKE_AZ_MODE: 'logged-out' }, true));
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    const lines = result.error!.message.split('\n');
    expect(lines[0]).toBe(
      'No credential could get a token for Azure Key Vault. DefaultAzureCredential tried (AZURE_TOKEN_CREDENTIALS=dev):',
    );
    expect(lines).toContain(
      "  - AzureCliCredential: Please run 'az login' from a command prompt to authenticate before using this credential.",
    );
    // Every developer credential of the chain, in the SDK's order, one line each.
    expect(lines.slice(1, 6).map((l) => /^ {2}- (\w+)/.exec(l)?.[1])).toEqual([
      'VisualStudioCodeCredential',
      'AzureCliCredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCliCredential',
      'BrokerCredential',
    ]);
    expect(result.error!.message).toContain('sign in with `az login`');
    expect(fakeAzCalls(azLog)).toHaveLength(1);
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 200 })).toBe(0);
    expect(result.describe).toEqual([]);
  });

  it('not installed: the message says the Azure CLI was not found, how to install it and to log in', async () => {
    const result = await runCredentialChild(scenario, developerEnv({}, false));
    expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    expect(result.error!.message).toContain(
      "  - AzureCliCredential: Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
    );
    expect(result.error!.message).toContain('No Azure CLI? Install it from https://aka.ms/azure-cli');
    expect(fakeAzCalls(azLog)).toEqual([]);
  });

  it('AZURE_TOKEN_CREDENTIALS=AzureCliCredential selects only the CLI', async () => {
    const result = await runCredentialChild(
      scenario,
      developerEnv({ AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential', FAKE_AZ_MODE: 'logged-out' }, true),
    );
    expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    const tried = result
      .error!.message.split('\n')
      .filter((l) => l.startsWith('  - ') && /Credential[ :(]/.test(l));
    expect(tried[0]).toMatch(/^ {2}- AzureCliCredential: Please run 'az login'/);
    expect(result.error!.message).toContain('(AZURE_TOKEN_CREDENTIALS=AzureCliCredential)');
    expect(result.error!.message).not.toContain('VisualStudioCodeCredential');
  });
});

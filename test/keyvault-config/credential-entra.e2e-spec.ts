/**
 * Every identity path that goes through Entra ID's token endpoint — AKS workload identity and service
 * principals by secret and by certificate — plus App Service's 2017 protocol: the real @azure/identity
 * (DefaultAzureCredential, and the explicit credential classes) in a child process per environment,
 * against the emulator's HTTPS Entra ID and vault. The network guard (loaded in every child) proves
 * that nothing left loopback: MSAL's instance discovery on login.microsoftonline.com included.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreatedApplication } from 'keyvault-emulator';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertLibraryBuilt } from '../support/built-library.js';
import { tempDir } from '../support/child-env.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { runCredentialChild, type ChildResult, type ChildScenario } from './fixtures/credential-child.js';

const SECRETS = { 'Db-Password': 'entra-canary-1', 'Api-Key': 'entra-canary-2' };
const USER_ASSIGNED = {
  clientId: '7b0c2a55-3f1e-4d8a-9c61-2e4f5a6b7c8d',
  objectId: '0f1e2d3c-4b5a-4697-8877-665544332211',
};

// The children get the identity environment of each path through fx.childEnv (no managed identity).
const fx = useEmulator({
  identity: 'none',
  seed: Object.entries(SECRETS).map(([name, value]) => ({ name, value })),
  workloadIdentity: true,
  legacyMsi: true,
  identities: [
    {
      ...USER_ASSIGNED,
      role: 'user',
      federatedCredentials: [{ subject: 'system:serviceaccount:default:workload-identity-sa' }],
    },
  ],
});
let scenario: ChildScenario;
let principal: CreatedApplication;
let reader: CreatedApplication;

beforeAll(async () => {
  assertLibraryBuilt('dist/core/credential.js');
  principal = await fx.emulator.addApplication({ role: 'user', secret: true, certificate: true });
  reader = await fx.emulator.addApplication({ role: 'reader', secret: true });
  scenario = { vaultUrl: fx.emulator.vaultUrl, secrets: SECRETS };
});
beforeEach(() => fx.emulator.counters.reset());

/** A child with no managed identity: the emulator's CA and Entra ID, then `vars`. */
const entraEnv = (vars: Record<string, string>): NodeJS.ProcessEnv =>
  fx.childEnv(
    { AZURE_AUTHORITY_HOST: fx.emulator.authorityHost, AZURE_TENANT_ID: fx.emulator.tenantId, ...vars },
    { platform: 'none' },
  );
const workloadEnv = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv =>
  entraEnv({
    AZURE_CLIENT_ID: fx.emulator.workloadIdentity!.clientId,
    AZURE_FEDERATED_TOKEN_FILE: fx.emulator.workloadIdentity!.tokenFile,
    ...overrides,
  });
const secretEnv = (app: CreatedApplication, overrides: Record<string, string> = {}): NodeJS.ProcessEnv =>
  entraEnv({ AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: app.secret!, ...overrides });
const certificateEnv = (app: CreatedApplication): NodeJS.ProcessEnv =>
  entraEnv({ AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_CERTIFICATE_PATH: app.certificatePath! });

const identityLines = (result: ChildResult): string[] =>
  result.logs.map((l) => l.message).filter((m) => m.startsWith('Authenticated to Key Vault'));

function expectLoaded(result: ChildResult): void {
  expect(result.error).toBeUndefined();
  expect(result.ok).toBe(true);
  expect(result.valuesMatch).toBe(true);
  const output = JSON.stringify(result);
  for (const value of Object.values(SECRETS)) expect(output).not.toContain(value);
}

describe('AKS workload identity', () => {
  it('DefaultAzureCredential: names WorkloadIdentityCredential and the federated identity, through the emulated Entra ID', async () => {
    const result = await runCredentialChild(scenario, workloadEnv());
    expectLoaded(result);
    const { clientId, objectId } = fx.emulator.workloadIdentity!;
    expect(result.describe).toEqual([
      {
        name: 'WorkloadIdentityCredential',
        detail: 'AKS workload identity',
        objectId,
        clientId,
        tenantId: fx.emulator.tenantId,
      },
    ]);
    expect(identityLines(result)).toEqual([
      `Authenticated to Key Vault using WorkloadIdentityCredential (AKS workload identity) as oid=${objectId} appid=${clientId} tid=${fx.emulator.tenantId}`,
    ]);
    expect(fx.emulator.counters.count({ route: 'identity.entra', status: 200, clientId })).toBe(1);
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 200, clientId })).toBe(2);
  });

  it('a user-assigned identity chosen by AZURE_CLIENT_ID (federated with the same service account)', async () => {
    const result = await runCredentialChild(
      scenario,
      workloadEnv({ AZURE_CLIENT_ID: USER_ASSIGNED.clientId }),
    );
    expectLoaded(result);
    expect(result.describe[0]).toMatchObject({ name: 'WorkloadIdentityCredential', ...USER_ASSIGNED });
    expect(
      fx.emulator.counters.count({ route: 'secrets.get', status: 200, clientId: USER_ASSIGNED.clientId }),
    ).toBe(2);
  });

  it('the explicit WorkloadIdentityCredential', async () => {
    const result = await runCredentialChild(
      { ...scenario, customCredential: 'WorkloadIdentityCredential' },
      workloadEnv(),
    );
    expectLoaded(result);
    expect(result.describe[0]).toMatchObject({
      name: 'WorkloadIdentityCredential',
      detail: 'AKS workload identity',
      clientId: fx.emulator.workloadIdentity!.clientId,
    });
  });

  it('RBAC per identity: the federated identity without a role is refused by the vault (403), naming it', async () => {
    fx.emulator.setRole(USER_ASSIGNED.clientId, 'none');
    try {
      const result = await runCredentialChild(
        scenario,
        workloadEnv({ AZURE_CLIENT_ID: USER_ASSIGNED.clientId }),
      );
      expect(result.ok).toBe(false);
      expect(result.error?.message).toContain(`oid=${USER_ASSIGNED.objectId}`);
      expect(
        fx.emulator.counters.count({ route: 'secrets.get', status: 403, clientId: USER_ASSIGNED.clientId }),
      ).toBe(1);
    } finally {
      fx.emulator.setRole(USER_ASSIGNED.clientId, 'user');
    }
  });

  it('an expired federated token: AADSTS700024, naming the credential, the token file and the fix', async () => {
    const file = join(tempDir('kv-entra-token-'), 'azure-identity-token');
    writeFileSync(
      file,
      fx.emulator.issueServiceAccountToken({
        namespace: 'default',
        serviceAccount: 'workload-identity-sa',
        lifetimeSeconds: -900,
      }),
    );
    const result = await runCredentialChild(scenario, workloadEnv({ AZURE_FEDERATED_TOKEN_FILE: file }));
    expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    expect(result.error?.message).toMatch(
      /WorkloadIdentityCredential \(AKS workload identity\): failed — .*AADSTS700024/,
    );
    expect(result.error?.message).toContain(`the federated token in ${file} has expired`);
    expect(fx.emulator.counters.count({ route: 'identity.entra', status: 401 })).toBeGreaterThanOrEqual(1);
  });

  it('the projected token file holds a service account token of the cluster issuer for api://AzureADTokenExchange', () => {
    const token = readFileSync(fx.emulator.workloadIdentity!.tokenFile, 'utf8');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      aud: ['api://AzureADTokenExchange'],
      sub: 'system:serviceaccount:default:workload-identity-sa',
      iss: expect.stringMatching(
        new RegExp(`^${fx.emulator.authorityHost}/${fx.emulator.tenantId}/[0-9a-f-]{36}/$`),
      ),
    });
    expect(claims.exp - claims.iat).toBe(3600);
  });
});

describe('service principals (the master secret this project exists to remove)', () => {
  it('by client secret through DefaultAzureCredential: EnvironmentCredential (service principal, client secret)', async () => {
    const result = await runCredentialChild(scenario, secretEnv(principal));
    expectLoaded(result);
    expect(result.describe).toEqual([
      {
        name: 'EnvironmentCredential',
        detail: 'service principal, client secret',
        objectId: principal.objectId,
        clientId: principal.clientId,
        tenantId: fx.emulator.tenantId,
      },
    ]);
    expect(
      fx.emulator.counters.count({ route: 'secrets.get', status: 200, clientId: principal.clientId }),
    ).toBe(2);
  });

  it('by certificate through DefaultAzureCredential: EnvironmentCredential (service principal, certificate)', async () => {
    const result = await runCredentialChild(scenario, certificateEnv(principal));
    expectLoaded(result);
    expect(result.describe[0]).toMatchObject({
      name: 'EnvironmentCredential',
      detail: 'service principal, certificate',
      objectId: principal.objectId,
    });
  });

  it.each(['ClientSecretCredential', 'ClientCertificateCredential', 'EnvironmentCredential'] as const)(
    'the explicit %s',
    async (name) => {
      const env = name === 'ClientCertificateCredential' ? certificateEnv(principal) : secretEnv(principal);
      const result = await runCredentialChild({ ...scenario, customCredential: name }, env);
      expectLoaded(result);
      expect(result.describe[0]).toMatchObject({
        name,
        clientId: principal.clientId,
        objectId: principal.objectId,
      });
    },
  );

  it('RBAC per identity: a Key Vault Reader service principal may not read values (403)', async () => {
    const result = await runCredentialChild(scenario, secretEnv(reader));
    expect(result.ok).toBe(false);
    expect(result.error?.message).toContain(`oid=${reader.objectId}`);
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 403, clientId: reader.clientId })).toBe(
      1,
    );
  });

  it('a wrong secret: AADSTS7000215, naming EnvironmentCredential and `az ad app credential reset`', async () => {
    const result = await runCredentialChild(
      scenario,
      secretEnv(principal, { AZURE_CLIENT_SECRET: 'wrong-secret-value' }),
    );
    expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    expect(result.error?.message).toMatch(
      /EnvironmentCredential: failed — .*AADSTS7000215: Invalid client secret provided/,
    );
    expect(result.error?.message).toContain(`az ad app credential reset --id ${principal.clientId} --append`);
    expect(result.error?.message).not.toContain('wrong-secret-value');
  });

  it("a wrong tenant: the SDK refuses the vault's tenant before asking Entra ID; the fix names both tenants", async () => {
    const wrong = '11111111-2222-4333-8444-555555555555';
    const result = await runCredentialChild(scenario, secretEnv(principal, { AZURE_TENANT_ID: wrong }));
    expect(result.error?.code).toBe('CREDENTIAL_UNAVAILABLE');
    expect(result.error?.message).toContain(
      `AZURE_TENANT_ID is ${wrong}, but the vault answers for tenant ${fx.emulator.tenantId}.`,
    );
    expect(fx.emulator.counters.count({ route: 'identity.entra' })).toBe(0);
  });
});

describe('App Service 2017-09-01 (MSI_ENDPOINT + MSI_SECRET)', () => {
  it("DefaultAzureCredential reads the vault through MSAL's MSI_ENDPOINT source (2017-09-01, header `secret`)", async () => {
    const result = await runCredentialChild(
      scenario,
      fx.childEnv(
        { MSI_ENDPOINT: fx.emulator.env.MSI_ENDPOINT, MSI_SECRET: fx.emulator.env.MSI_SECRET },
        { platform: 'none' },
      ),
    );
    expectLoaded(result);
    // MSAL names an MSI_ENDPOINT + MSI_SECRET host "Azure Machine Learning": App Service also sets IDENTITY_ENDPOINT.
    expect(result.describe[0]).toMatchObject({
      name: 'ManagedIdentityCredential',
      objectId: fx.emulator.systemAssigned.objectId,
    });
    // One token request per vault call: MSAL computes expires_in as `expires_on - now`, and the 2017 protocol's
    // date string (not epoch seconds) makes that NaN, so MSAL never caches the token (docs/emulator.md).
    expect(fx.emulator.counters.count({ route: 'identity.legacy', status: 200 })).toBe(2);
  });
});

describe('loopback only', () => {
  it('without the library, DefaultAzureCredential would ask login.microsoftonline.com (the guard refuses it); the library never does', async () => {
    const log = join(tempDir('kv-entra-guard-'), 'violations.jsonl');
    // Own guard log: this child is expected to trip the guard, which must not fail this test.
    const raw = await runCredentialChild(
      { ...scenario, customCredential: 'rawDefaultCredential' },
      { ...secretEnv(principal), NETWORK_GUARD_LOG: log },
    );
    expect(raw.ok).toBe(false);
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toContain('login.microsoftonline.com:443');

    const viaLibrary = await runCredentialChild(scenario, {
      ...secretEnv(principal),
      NETWORK_GUARD_LOG: log,
    });
    expectLoaded(viaLibrary);
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(lines.every((line) => JSON.parse(line).pid !== lines.at(-1))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { entraFixes } from './entra-fix.messages.js';

const env = {
  AZURE_CLIENT_ID: 'c1c1c1c1-0000-4000-8000-000000000001',
  AZURE_TENANT_ID: 'a0a0a0a0-0000-4000-8000-000000000002',
  AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
};
const failed = (name: string, reason: string) => ({ name, outcome: 'failed' as const, reason });

describe('entraFixes', () => {
  it('turns each AADSTS code into its fix, naming the credential', () => {
    expect(
      entraFixes(
        [failed('EnvironmentCredential', 'invalid_client: AADSTS7000215: Invalid client secret provided.')],
        env,
      ),
    ).toEqual([
      expect.stringMatching(
        /^EnvironmentCredential: the client secret of app c1c1c1c1-.* `az ad app credential reset --id c1c1c1c1-0000-4000-8000-000000000001 --append`/,
      ),
    ]);
    expect(
      entraFixes(
        [failed('WorkloadIdentityCredential', 'AADSTS700213: No matching federated identity record')],
        env,
      )[0],
    ).toMatch(/federated-credential list.*oidcIssuerProfile\.issuerUrl.*api:\/\/AzureADTokenExchange/);
    expect(entraFixes([failed('EnvironmentCredential', 'AADSTS90002: Tenant not found')], env)[0]).toContain(
      'az account show --query tenantId -o tsv',
    );
    expect(
      entraFixes(
        [
          failed(
            'ClientCertificateCredential',
            'AADSTS700027: Client assertion failed signature validation.',
          ),
        ],
        env,
      )[0],
    ).toContain('--cert @<certificate.pem>');
  });

  it('one line per cause: the workload token file for both credentials that read it', () => {
    const fixes = entraFixes(
      [
        failed(
          'WorkloadIdentityCredential',
          'AADSTS700024: Client assertion is not within its valid time range.',
        ),
        failed(
          'ManagedIdentityCredential',
          'AADSTS700024: Client assertion is not within its valid time range.',
        ),
      ],
      env,
    );
    expect(fixes).toEqual([
      expect.stringMatching(
        /^WorkloadIdentityCredential and ManagedIdentityCredential: the federated token in \/var\/run\/secrets\/azure\/tokens\/azure-identity-token has expired/,
      ),
    ]);
  });

  it("names both tenants when the SDK refuses the vault's tenant (domain names too)", () => {
    const [fix] = entraFixes(
      [
        failed(
          'EnvironmentCredential',
          'The current credential is not configured to acquire tokens for tenant contoso.onmicrosoft.com.',
        ),
      ],
      env,
    );
    expect(fix).toContain(
      'AZURE_TENANT_ID is a0a0a0a0-0000-4000-8000-000000000002, but the vault answers for tenant contoso.onmicrosoft.com.',
    );
  });

  it('says nothing for reasons Entra ID did not give', () => {
    expect(
      entraFixes([failed('AzureCliCredential', "Please run 'az login' to setup account.")], env),
    ).toEqual([]);
    expect(entraFixes([{ name: 'X', outcome: 'skipped' }], env)).toEqual([]);
  });
});

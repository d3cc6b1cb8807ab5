/**
 * What to do when Entra ID itself refused a service principal or workload identity: the AADSTS code in a
 * credential's reason (or @azure/identity's tenant check) turned into the one fix that helps, named for
 * the credential that failed — put before the general advice of the CREDENTIAL_UNAVAILABLE message.
 * Codes as Entra ID sends them (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
import type { CredentialAttempt } from '../credential-failure.js';

type Env = Readonly<Record<string, string | undefined>>;

interface FixRule {
  test: RegExp;
  fix: (name: string, env: Env, match: RegExpExecArray) => string;
}

const clientId = (env: Env): string => env.AZURE_CLIENT_ID ?? '<client id>';

const RULES: readonly FixRule[] = [
  {
    test: /not configured to acquire tokens for tenant ([\w-]+(?:\.[\w-]+)*)/,
    fix: (name, env, match) =>
      `${name}: AZURE_TENANT_ID is ${env.AZURE_TENANT_ID ?? 'unset'}, but the vault answers for tenant ${match[1]}. Set AZURE_TENANT_ID=${match[1]} (\`az keyvault show --name <vault> --query properties.tenantId -o tsv\`), or, if the identity really lives in another tenant, add ${match[1]} to AZURE_ADDITIONALLY_ALLOWED_TENANTS.`,
  },
  {
    test: /AADSTS90002\b/,
    fix: (name, env) =>
      `${name}: tenant ${env.AZURE_TENANT_ID ?? '<tenant id>'} does not exist at ${env.AZURE_AUTHORITY_HOST ?? 'the authority host'}. Set AZURE_TENANT_ID to your tenant's id (\`az account show --query tenantId -o tsv\`).`,
  },
  {
    test: /AADSTS7000215\b|AADSTS7000222\b/,
    fix: (name, env) =>
      `${name}: the client secret of app ${clientId(env)} is wrong or expired. Create a new one with \`az ad app credential reset --id ${clientId(env)} --append\` and set AZURE_CLIENT_SECRET to its value (not its id) — or leave the master secret behind: use a managed identity or workload identity.`,
  },
  {
    test: /AADSTS700016\b/,
    fix: (name, env) =>
      `${name}: no app with client id ${clientId(env)} in tenant ${env.AZURE_TENANT_ID ?? '<tenant id>'}. Check AZURE_CLIENT_ID and AZURE_TENANT_ID (\`az ad sp show --id ${clientId(env)} --query appOwnerOrganizationId -o tsv\` prints the app's tenant).`,
  },
  {
    test: /AADSTS700024\b/,
    fix: (name, env) =>
      env.AZURE_FEDERATED_TOKEN_FILE && !name.startsWith('EnvironmentCredential')
        ? `${name}: the federated token in ${env.AZURE_FEDERATED_TOKEN_FILE} has expired (or is not valid yet). The kubelet renews it while the pod runs: check that the pod uses the projected service account token (label azure.workload.identity/use: "true") and that the file is not a copy; also check the node's clock.`
        : `${name}: the client assertion is outside its valid time range: check this machine's clock (\`timedatectl\`).`,
  },
  {
    test: /AADSTS70021(?:1|2|3)?\b|AADSTS700213\d?\b/,
    fix: (name, env) =>
      `${name}: no federated credential of ${clientId(env)} matches the presented token's issuer, subject and audience. Compare \`az identity federated-credential list --identity-name <identity> --resource-group <rg>\` with the cluster's issuer (\`az aks show --name <cluster> --resource-group <rg> --query oidcIssuerProfile.issuerUrl -o tsv\`), subject system:serviceaccount:<namespace>:<service account> (case-sensitive) and audience api://AzureADTokenExchange.`,
  },
  {
    test: /AADSTS700027\b/,
    fix: (name, env) =>
      `${name}: Entra ID does not know the key that signed the client assertion. Upload the certificate to the app (\`az ad app credential reset --id ${clientId(env)} --cert @<certificate.pem> --append\`) or point AZURE_CLIENT_CERTIFICATE_PATH at the PEM whose certificate is registered.`,
  },
];

/**
 * The specific fixes for the attempts that Entra ID (or the SDK's tenant check) refused: one line per
 * cause, naming every credential it stopped (WorkloadIdentityCredential and the chain's
 * ManagedIdentityCredential often fail the same way on AKS).
 */
export function entraFixes(attempts: readonly CredentialAttempt[], env: Env): string[] {
  const fixes: string[] = [];
  for (const rule of RULES) {
    const hits = attempts
      .map((attempt) => ({ attempt, match: rule.test.exec(attempt.reason ?? '') }))
      .filter((hit): hit is { attempt: CredentialAttempt; match: RegExpExecArray } => hit.match !== null);
    if (hits.length === 0) continue;
    const names = [...new Set(hits.map((hit) => hit.attempt.name))].join(' and ');
    fixes.push(`${rule.fix(names, env, hits[0].match)}`);
  }
  return fixes;
}

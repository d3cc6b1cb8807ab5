/**
 * The `az` commands that messages offer as fixes, one function each, so every message spells a command
 * the same way. Arguments are names and ids (vault name, secret name, object id) — never a value, and
 * never a placeholder chosen by the caller except where the command needs one the library cannot know.
 */
import { SECRETS_USER_ROLE } from '../constants.js';

/** Allows a client address through the vault's firewall. */
export function azNetworkRuleAdd(vaultName: string): string {
  return `az keyvault network-rule add --name ${vaultName} --ip-address <your public IP>`;
}

/** Grants get + list on secrets through an access policy (vaults not on Azure RBAC). */
export function azSetSecretPolicy(vaultName: string, objectId = '<objectId>'): string {
  return `az keyvault set-policy --name ${vaultName} --object-id ${objectId} --secret-permissions get list`;
}

/** Grants the secrets-user role on a scope (a vault's resource id). */
export function azRoleAssignmentCreate(assignee: string, scope: string): string {
  return `az role assignment create --role "${SECRETS_USER_ROLE}" --assignee ${assignee} --scope ${scope}`;
}

/** Grants the secrets-user role on the vault (vaults on Azure RBAC). */
export function azAssignSecretsUser(vaultName: string, assignee: string): string {
  return azRoleAssignmentCreate(assignee, `$(${azKeyVaultShow(vaultName, 'id', 'tsv')})`);
}

/** Shows the vault, or one property of it (`properties.vaultUri`, `properties.tenantId`, `id`). */
export function azKeyVaultShow(vaultName: string, query?: string, output?: 'tsv'): string {
  return `az keyvault show --name ${vaultName}${query ? ` --query ${query}` : ''}${output ? ` -o ${output}` : ''}`;
}

/** Creates (or replaces) a secret from a file, optionally with a content type. */
export function azSecretSet(
  vaultName: string,
  secretName: string,
  file = '<file>',
  contentType?: string,
): string {
  return `az keyvault secret set --vault-name ${vaultName} --name ${secretName} --file ${file}${contentType ? ` --content-type ${contentType}` : ''}`;
}

/** Recovers a soft-deleted secret. */
export function azSecretRecover(vaultName: string, secretName: string): string {
  return `az keyvault secret recover --vault-name ${vaultName} --name ${secretName}`;
}

/** Enables a secret version. */
export function azSecretEnable(vaultName: string, secretName: string): string {
  return `az keyvault secret set-attributes --vault-name ${vaultName} --name ${secretName} --enabled true`;
}

/** Signs in with the Azure CLI, optionally to another tenant. */
export function azLogin(tenant?: string): string {
  return `az login${tenant ? ` --tenant ${tenant}` : ''}`;
}

/** Picks the subscription the CLI uses. */
export function azAccountSet(): string {
  return 'az account set --subscription <subscription id>';
}

/** Turns on the system-assigned identity of an App Service / Functions app, or attaches a user-assigned one. */
export function azWebappIdentityAssign(userAssigned = false): string {
  return `az webapp identity assign --name <app> --resource-group <rg>${userAssigned ? ' --identities <identity resource id>' : ''}`;
}

/** Federates a user-assigned identity with an AKS service account (workload identity). */
export function azFederatedCredentialCreate(): string {
  return 'az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:<service account>';
}

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

/** Grants the secrets-user role on the vault (vaults on Azure RBAC). */
export function azAssignSecretsUser(vaultName: string, assignee: string): string {
  return `az role assignment create --role "${SECRETS_USER_ROLE}" --assignee ${assignee} --scope $(az keyvault show --name ${vaultName} --query id -o tsv)`;
}

/** Shows the vault, or one property of it (`properties.vaultUri`, `properties.tenantId`). */
export function azKeyVaultShow(vaultName: string, query?: string): string {
  return `az keyvault show --name ${vaultName}${query ? ` --query ${query}` : ''}`;
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

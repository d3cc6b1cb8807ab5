/**
 * The sample's words about master secrets, for its log and its status page. They take names and kinds
 * only ({@link MasterSecretVariable}); a value never reaches them.
 */
import type { MasterSecretVariable } from './master-secret.js';

/** `client secret`, or `client secret, in .env` for a variable found in a file. */
export function masterSecretKindText({ kind, file }: MasterSecretVariable): string {
  return file ? `${kind}, in ${file}` : kind;
}

/** `AZURE_CLIENT_SECRET (client secret), DB_CONNECTION_STRING (connection string, in .env)`. */
export function describeMasterSecrets(variables: readonly MasterSecretVariable[]): string {
  return variables.map((variable) => `${variable.name} (${masterSecretKindText(variable)})`).join(', ');
}

/** What replaces a master secret, per platform (the same advice on the page and in the log). */
export const MASTER_SECRET_ADVICE = [
  'on App Service (and Functions, Container Apps) turn on a managed identity (`az webapp identity assign`) and grant it "Key Vault Secrets User" on the vault',
  'on AKS use workload identity (a service account annotated with azure.workload.identity/client-id, the pod label azure.workload.identity/use: "true" and a federated credential)',
  'on a VM or scale set assign a managed identity (IMDS)',
] as const;

/** The startup warning: which variables hold a master secret, why it matters, what to use instead. */
export function masterSecretWarning(variables: readonly MasterSecretVariable[]): string {
  return (
    `Master secret in this app's configuration: ${describeMasterSecrets(variables)}. ` +
    'Whoever reads it can act as this app from anywhere — the master-secret world this library exists to remove. ' +
    `Instead: ${MASTER_SECRET_ADVICE.join('; ')}; then delete the variable (docs/deploy-app-service.md).`
  );
}

/** The startup line when there is none. */
export const NO_MASTER_SECRET =
  "No master secret in this app's configuration (no client secret, certificate, password or connection string).";

/**
 * The command-line contract: the variables the emulator prints for an app, in the order of
 * `emulator.env` (KEY_VAULT_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER, AZURE_POD_IDENTITY_AUTHORITY_HOST,
 * NODE_EXTRA_CA_CERTS; then only with --legacy-msi / --workload-identity / --service-principal, so the
 * five lines stay as they are).
 */
import { urlHost } from './vault/vault.server.js';

export interface EmulatorEnvironmentInput {
  host: string;
  identityPort: number;
  identityHeader: string;
  vaultUrl: string;
  caCertPath: string;
  legacyMsi: boolean;
  /** The Entra ID emulation's variables (workload identity, service principal), if any. */
  entra: Readonly<Record<string, string>>;
}

export function emulatorEnvironment(input: EmulatorEnvironmentInput): Readonly<Record<string, string>> {
  const identityHost = `http://${urlHost(input.host)}:${input.identityPort}`;
  return Object.freeze({
    KEY_VAULT_URL: input.vaultUrl,
    IDENTITY_ENDPOINT: `${identityHost}/msi/token`,
    IDENTITY_HEADER: input.identityHeader,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: identityHost,
    NODE_EXTRA_CA_CERTS: input.caCertPath,
    ...(input.legacyMsi
      ? { MSI_ENDPOINT: `${identityHost}/MSI/token/`, MSI_SECRET: input.identityHeader }
      : {}),
    ...input.entra,
  });
}

/**
 * Whether the sample's own configuration holds a master secret: a credential that, copied anywhere,
 * opens the vault (or another resource) by itself — the thing a managed identity or a workload identity
 * makes unnecessary. Pure: it reads the environment the process started with, names what it finds and
 * never returns, measures or hashes a value.
 *
 * Not master secrets: `IDENTITY_HEADER` / `MSI_SECRET` (App Service issues them to the running process,
 * they only reach the local identity endpoint), `AZURE_FEDERATED_TOKEN_FILE` (a short-lived token the
 * kubelet renews), client and tenant ids (identifiers, not credentials).
 */

/** What kind of master secret a variable holds. */
export type MasterSecretKind =
  'client secret' | 'client certificate' | 'certificate password' | 'user password' | 'connection string';

/** One variable of the configuration that holds a master secret: its name and kind, never its value. */
export interface MasterSecretVariable {
  name: string;
  kind: MasterSecretKind;
  /** The file it was found in (`.env`); absent for the process environment. */
  file?: string;
}

/** The master secrets present in a configuration (empty when there is none). */
export interface MasterSecretState {
  present: boolean;
  /** Sorted by name. */
  variables: MasterSecretVariable[];
}

/**
 * The variables `@azure/identity`'s EnvironmentCredential and ClientCertificateCredential read a
 * credential from (AZURE_CLIENT_CERTIFICATE holds the certificate itself in some tools and pipelines).
 */
const CREDENTIAL_VARIABLES: Readonly<Record<string, MasterSecretKind>> = {
  AZURE_CLIENT_SECRET: 'client secret',
  AZURE_CLIENT_CERTIFICATE: 'client certificate',
  AZURE_CLIENT_CERTIFICATE_PATH: 'client certificate',
  AZURE_CLIENT_CERTIFICATE_PASSWORD: 'certificate password',
  AZURE_PASSWORD: 'user password',
};

/**
 * Names that carry a connection string: any `…CONNECTION_STRING…` / `…ConnectionString…`, App Service's
 * connection-string settings (exposed as `SQLCONNSTR_…`, `CUSTOMCONNSTR_…` and the other `…CONNSTR_`
 * prefixes) and Azure Functions' storage connection (`AzureWebJobsStorage`).
 */
const CONNECTION_STRING_NAME = /CONNECTION_?STRING|CONNSTR_|^AzureWebJobsStorage$/i;

function kindOf(name: string): MasterSecretKind | undefined {
  return CREDENTIAL_VARIABLES[name] ?? (CONNECTION_STRING_NAME.test(name) ? 'connection string' : undefined);
}

type Variables = Readonly<Record<string, string | undefined>>;

const isSet = (value: string | undefined): boolean => typeof value === 'string' && value.trim() !== '';

/**
 * The master secrets in `env`, and in the `.env` file's variables (`files`, by file name) that `env`
 * does not set itself (the process environment wins over `.env`, as in `@nestjs/config`): each variable
 * set to something other than blanks whose name says it holds a client secret, a certificate (or its
 * password), a password or a connection string.
 */
export function findMasterSecrets(
  env: Variables,
  files: Readonly<Record<string, Variables>> = {},
): MasterSecretState {
  const variables: MasterSecretVariable[] = [];
  for (const [name, value] of Object.entries(env)) {
    const kind = kindOf(name);
    if (kind && isSet(value)) variables.push({ name, kind });
  }
  for (const [file, fileVariables] of Object.entries(files)) {
    for (const [name, value] of Object.entries(fileVariables)) {
      const kind = kindOf(name);
      if (kind && isSet(value) && !isSet(env[name])) variables.push({ name, kind, file });
    }
  }
  variables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { present: variables.length > 0, variables };
}

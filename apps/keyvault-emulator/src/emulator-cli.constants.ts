/** Constants of the emulator's command line. */

/** Program name in messages. */
export const PROGRAM = 'keyvault-emulator';

/** Exit code for bad arguments (like most CLIs: usage error). */
export const EXIT_USAGE = 2;
/** Exit code when the emulator could not start (seed file unreadable, port in use, …). */
export const EXIT_START_FAILED = 1;

/** How often an emulator started by `npm run` checks that npm is still there. */
export const PARENT_CHECK_INTERVAL_MS = 500;

/** The usage text printed by --help and after a bad argument. */
export const USAGE = `Usage: npm run emulator -- [options]
       node dist/apps/keyvault-emulator/main.js [options]

A local Azure Key Vault (secrets) + managed-identity emulator. Once ready, prints exactly five
lines to stdout (KEY_VAULT_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER, AZURE_POD_IDENTITY_AUTHORITY_HOST,
NODE_EXTRA_CA_CERTS) — more only with the identity modes below — and runs until SIGINT/SIGTERM.

Options:
  --seed FILE            Seed secrets (JSON array, or object with secrets/identities/systemAssignedRole/vaults)
  --port N               HTTPS port of the vault (0 or omitted: a free port)
  --identity-port N      HTTP port of the identity endpoints and admin API (0 or omitted: a free port)
  --host H               Interface to bind (default 127.0.0.1)
  --vault-name NAME      Name of the first vault (default: emulator)
  --data FILE            Persist vault state to FILE (atomic writes) and reload it on start
  --role ROLE            Role of the system-assigned identity: "Key Vault Secrets Officer" (default),
                         "Key Vault Secrets User", "Key Vault Reader", "none", or officer|user|reader|none
  --token-lifetime S     Lifetime of issued tokens in seconds (default 3600)
  --latency MS           Fixed latency added to every vault request
  --soft-delete-delay MS Asynchronous soft delete: deletes, recovers and purges finish after MS (gets answer
                         404 and sets 409 meanwhile, as in Key Vault); default 0 (at once)
  --throttle N           Throttle like Key Vault: at most N transactions per vault in any 10 seconds,
                         then 429 Throttled without Retry-After (rejected requests do not count)
  --throttle-retry-after Send Retry-After with the throttle's 429s (Key Vault does not)
  --fault SPEC           Add a scripted fault (repeatable). SPEC is comma-separated key=value:
                           route=R[|R…]  vault=NAME  status=CODE  retry-after=S  times=N
                           latency=MS  jitter=MS  reset  hang
                         e.g. route=secrets.get,status=503,times=2   status=429,retry-after=1
                              route=secrets.list,reset                latency=20,jitter=10
  --entra-port N         HTTPS port of the emulated Entra ID token endpoint (0 or omitted: a free port)
  --workload-identity    AKS workload identity: also prints AZURE_AUTHORITY_HOST, AZURE_TENANT_ID,
                         AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (a projected token the emulator renews)
  --service-principal    A service principal (the master-secret world): also prints AZURE_TENANT_ID,
                         AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST and
                         AZURE_CLIENT_CERTIFICATE_PATH (unset AZURE_CLIENT_SECRET to use the certificate)
  --legacy-msi           Also serve App Service's 2017-09-01 protocol: also prints MSI_ENDPOINT and MSI_SECRET
  --fail-identity K[:hang]
                         The first K identity token requests answer 500 (or never answer with :hang)
  -h, --help             Show this help`;

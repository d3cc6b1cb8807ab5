/**
 * Wording of every message, as the user reads it. A change here is a change to the product: review the
 * snapshot diff as you would review the README.
 */
import { describe, expect, it } from 'vitest';
import * as m from './index.js';

const VAULT = 'my-vault.vault.azure.net';
const secret: m.VaultSubject = { vault: VAULT, secretName: 'Db--Password', key: 'Db.Password' };
const reference: m.VaultSubject = { vault: VAULT, secretName: 'Db--Password', variable: 'DB_PASSWORD' };
const list: m.VaultSubject = { vault: VAULT };
const mi = { name: 'ManagedIdentityCredential', detail: 'App Service' };

describe('az commands', () => {
  it('spell each fix the same way everywhere', () => {
    expect([
      m.azNetworkRuleAdd('my-vault'),
      m.azSetSecretPolicy('my-vault'),
      m.azSetSecretPolicy('my-vault', 'oid-1'),
      m.azAssignSecretsUser('my-vault', 'oid-1'),
      m.azKeyVaultShow('my-vault'),
      m.azKeyVaultShow('my-vault', 'properties.vaultUri'),
      m.azSecretSet('my-vault', 'Db'),
      m.azSecretSet('my-vault', 'Db', 'value.json', 'application/json'),
      m.azSecretRecover('my-vault', 'Db'),
      m.azSecretEnable('my-vault', 'Db'),
      m.azKeyVaultShow('my-vault', 'id', 'tsv'),
      m.azRoleAssignmentCreate('<principalId>', '<vault resource id>'),
      m.azLogin(),
      m.azLogin('<tenant id>'),
      m.azAccountSet(),
      m.azWebappIdentityAssign(),
      m.azWebappIdentityAssign(true),
      m.azFederatedCredentialCreate(),
    ]).toMatchInlineSnapshot(`
      [
        "az keyvault network-rule add --name my-vault --ip-address <your public IP>",
        "az keyvault set-policy --name my-vault --object-id <objectId> --secret-permissions get list",
        "az keyvault set-policy --name my-vault --object-id oid-1 --secret-permissions get list",
        "az role assignment create --role "Key Vault Secrets User" --assignee oid-1 --scope $(az keyvault show --name my-vault --query id -o tsv)",
        "az keyvault show --name my-vault",
        "az keyvault show --name my-vault --query properties.vaultUri",
        "az keyvault secret set --vault-name my-vault --name Db --file <file>",
        "az keyvault secret set --vault-name my-vault --name Db --file value.json --content-type application/json",
        "az keyvault secret recover --vault-name my-vault --name Db",
        "az keyvault secret set-attributes --vault-name my-vault --name Db --enabled true",
        "az keyvault show --name my-vault --query id -o tsv",
        "az role assignment create --role "Key Vault Secrets User" --assignee <principalId> --scope <vault resource id>",
        "az login",
        "az login --tenant <tenant id>",
        "az account set --subscription <subscription id>",
        "az webapp identity assign --name <app> --resource-group <rg>",
        "az webapp identity assign --name <app> --resource-group <rg> --identities <identity resource id>",
        "az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:<service account>",
      ]
    `);
  });
});

describe('vault error messages', () => {
  it('name what was read', () => {
    expect([m.subjectOf(secret), m.subjectOf(reference), m.subjectOf(list)]).toMatchInlineSnapshot(`
      [
        "secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net",
        "environment variable DB_PASSWORD (a reference to secret 'Db--Password' in my-vault.vault.azure.net)",
        "the secrets of my-vault.vault.azure.net",
      ]
    `);
    expect([m.credentialPhrase(mi), m.credentialPhrase({ name: 'X' }), m.credentialPhrase(undefined)])
      .toMatchInlineSnapshot(`
      [
        " using ManagedIdentityCredential (App Service)",
        " using X",
        "",
      ]
    `);
  });

  it('say who lacks which permission and how to grant it', () => {
    const base = {
      subject: secret,
      vaultName: 'my-vault',
      permission: 'get',
      identity: 'appid=app-1;oid=oid-1',
      credential: mi,
      objectId: 'oid-1',
      assignee: 'oid-1',
      status: 403,
    };
    expect(
      m.accessDenied({ ...base, accessPolicies: false, action: 'Microsoft.KeyVault/x' }),
    ).toMatchInlineSnapshot(
      `"Access denied: the identity appid=app-1;oid=oid-1 using ManagedIdentityCredential (App Service) lacks the secrets get permission on vault 'my-vault' (my-vault.vault.azure.net) needed to read secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net — Key Vault answered 403 for action Microsoft.KeyVault/x. Grant it with \`az role assignment create --role "Key Vault Secrets User" --assignee oid-1 --scope $(az keyvault show --name my-vault --query id -o tsv)\` (role assignments take a few minutes to apply; a vault still on access policies needs \`az keyvault set-policy --name my-vault --object-id oid-1 --secret-permissions get list\` instead)."`,
    );
    expect(m.accessDenied({ ...base, accessPolicies: true })).toMatchInlineSnapshot(
      `"Access denied: the identity appid=app-1;oid=oid-1 using ManagedIdentityCredential (App Service) lacks the secrets get permission on vault 'my-vault' (my-vault.vault.azure.net) needed to read secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net — Key Vault answered 403. The vault uses access policies: grant it with \`az keyvault set-policy --name my-vault --object-id oid-1 --secret-permissions get list\` (or move the vault to Azure RBAC and run \`az role assignment create --role "Key Vault Secrets User" --assignee oid-1 --scope $(az keyvault show --name my-vault --query id -o tsv)\`)."`,
    );
    expect(
      m.accessDenied({ ...base, subject: list, permission: 'list', identity: '', accessPolicies: false }),
    ).toMatchInlineSnapshot(
      `"Access denied: the identity using ManagedIdentityCredential (App Service) lacks the secrets list permission on vault 'my-vault' (my-vault.vault.azure.net) needed to read the secrets of my-vault.vault.azure.net — Key Vault answered 403. Grant it with \`az role assignment create --role "Key Vault Secrets User" --assignee oid-1 --scope $(az keyvault show --name my-vault --query id -o tsv)\` (role assignments take a few minutes to apply; a vault still on access policies needs \`az keyvault set-policy --name my-vault --object-id oid-1 --secret-permissions get list\` instead). If the identity may get but not list secrets, name them explicitly with the \`secrets\` option: explicit mode only gets and never lists."`,
    );
    expect(
      m.firewallDenied({ subject: list, vaultName: 'my-vault', permission: 'list' }),
    ).toMatchInlineSnapshot(
      `"Access denied by the firewall of vault 'my-vault' (my-vault.vault.azure.net) while trying to list the secrets of my-vault.vault.azure.net: this client's address is not allowed. Allow it with \`az keyvault network-rule add --name my-vault --ip-address <your public IP>\`, or use a private endpoint / virtual network rule for the app."`,
    );
  });

  it('explain each status', () => {
    expect(m.tokenRejected({ subject: secret, vaultName: 'my-vault', credential: mi })).toMatchInlineSnapshot(
      `"Key Vault my-vault.vault.azure.net rejected the token using ManagedIdentityCredential (App Service) while reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net (401 Unauthorized): the token is for another tenant or audience. Check that the identity belongs to the vault's tenant (\`az keyvault show --name my-vault --query properties.tenantId\`) and set AZURE_TENANT_ID if you use a multi-tenant developer login."`,
    );
    expect(m.secretNotFound({ subject: secret, vaultName: 'my-vault' })).toMatchInlineSnapshot(
      `"Secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net does not exist (or is deleted). Create it with \`az keyvault secret set --vault-name my-vault --name Db--Password --file <file>\`, or mark it optional (\`{ name, optional: true }\`); a soft-deleted secret can be recovered with \`az keyvault secret recover --vault-name my-vault --name Db--Password\`."`,
    );
    expect(m.secretNotFound({ subject: reference, vaultName: 'my-vault' })).toMatchInlineSnapshot(
      `"Environment variable DB_PASSWORD (a reference to secret 'Db--Password' in my-vault.vault.azure.net) does not exist (or is deleted). Create it with \`az keyvault secret set --vault-name my-vault --name Db--Password --file <file>\`, or fix the reference; a soft-deleted secret can be recovered with \`az keyvault secret recover --vault-name my-vault --name Db--Password\`."`,
    );
    expect(m.notAKeyVault({ vault: VAULT, vaultName: 'my-vault' })).toMatchInlineSnapshot(
      `"my-vault.vault.azure.net answered 404 to the secret list: it does not look like a Key Vault. Check the URL with \`az keyvault show --name my-vault --query properties.vaultUri\`."`,
    );
    expect(m.throttled({ subject: list, maxRetries: 4 })).toMatchInlineSnapshot(
      `"Key Vault my-vault.vault.azure.net kept throttling (429) after 4 retries while reading the secrets of my-vault.vault.azure.net. Lower \`concurrency\`, raise \`maxRetries\`, use explicit mode to read fewer secrets, or spread the startups of many instances (Key Vault allows about 4000 secret reads per 10 s per vault)."`,
    );
    expect(
      m.throttledUntilDeadline({
        subject: secret,
        timeoutMs: 60_000,
        responses429: 41,
        waitedMs: 57_250,
        lowestConcurrency: 1,
      }),
    ).toMatchInlineSnapshot(
      `"Key Vault my-vault.vault.azure.net kept throttling (429) while reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net: 41 responses 429, 57.3 s spent waiting (concurrency lowered to 1), and the load could not finish within timeoutMs (60000 ms). The vault's limit (about 4000 secret reads per 10 s) is shared by every instance that reads it: raise \`timeoutMs\`, read fewer secrets (explicit mode \`secrets\`, a \`prefix\` per app), use one vault per app and region, stagger the startups of many instances, or mount the secrets with the Secrets Store CSI driver."`,
    );
    expect(
      m.serviceFailed({ subject: secret, status: 503, code: 'ServiceUnavailable', maxRetries: 4 }),
    ).toMatchInlineSnapshot(
      `"Key Vault my-vault.vault.azure.net failed with 503 ServiceUnavailable after 4 retries while reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net. The service is unavailable: retry later, check https://status.azure.com, or raise \`maxRetries\` / \`timeoutMs\`."`,
    );
    expect(m.unexpectedStatus({ subject: secret, status: 400, code: 'BadParameter' })).toMatchInlineSnapshot(
      `"Key Vault my-vault.vault.azure.net answered 400 BadParameter while reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net: unexpected response."`,
    );
    expect(m.unexpectedStatus({ subject: secret, status: 418 })).toMatchInlineSnapshot(
      `"Key Vault my-vault.vault.azure.net answered 418 while reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net: unexpected response."`,
    );
  });

  it('explain each transport failure', () => {
    expect(
      m.hostNotResolved({ subject: list, vaultName: 'my-vault', code: 'ENOTFOUND' }),
    ).toMatchInlineSnapshot(
      `"The vault host my-vault.vault.azure.net could not be resolved (ENOTFOUND) while reading the secrets of my-vault.vault.azure.net. Check the vault URL (\`az keyvault show --name my-vault --query properties.vaultUri\`), the DNS suffix of your cloud (\`vaultDnsSuffix\`), and private DNS zones if the vault has a private endpoint."`,
    );
    expect(m.tlsFailed({ subject: list, code: 'SELF_SIGNED_CERT_IN_CHAIN' })).toMatchInlineSnapshot(
      `"The TLS connection to my-vault.vault.azure.net failed (SELF_SIGNED_CERT_IN_CHAIN) while reading the secrets of my-vault.vault.azure.net. A proxy or a private CA is intercepting HTTPS: trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem> or \`clientOptions.tlsOptions.ca\`; for the local emulator use its CA certificate."`,
    );
    expect(
      m.vaultUnreachable({ subject: secret, vaultName: 'my-vault', code: 'ECONNRESET', maxRetries: 4 }),
    ).toMatchInlineSnapshot(
      `"The vault my-vault.vault.azure.net is unreachable (ECONNRESET) after 4 retries while reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net. Check the URL (\`az keyvault show --name my-vault\`), the network path (firewall, proxy, private endpoint) and that the vault exists."`,
    );
    expect(m.challengeResourceMismatch({ vault: VAULT, vaultName: 'my-vault' })).toMatchInlineSnapshot(
      `"The vault at my-vault.vault.azure.net asked for a token for another resource than its host, so the SDK refused to authenticate (challenge resource verification). Use the vault's real URL (\`az keyvault show --name my-vault --query properties.vaultUri\`); only loopback hosts skip this check."`,
    );
    expect(
      m.requestFailed({ subject: secret, vaultName: 'my-vault', errorName: 'TypeError' }),
    ).toMatchInlineSnapshot(
      `"Reading secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net failed: TypeError. Check the vault URL and the network path (\`az keyvault show --name my-vault\`)."`,
    );
  });
});

describe('option messages', () => {
  it('name the option and what it expects', () => {
    expect(
      m.invalidOption('concurrency', m.optionProblem.notAnIntegerIn({ min: 1, max: 256 }, 0)),
    ).toMatchInlineSnapshot(`"Invalid option \`concurrency\`: expected an integer from 1 to 256, got 0."`);
  });

  it('show short values, and only the type or length of others', () => {
    expect([
      m.describeValue('vault'),
      m.describeValue('x'.repeat(41)),
      m.describeValue(42),
      m.describeValue(false),
      m.describeValue(null),
      m.describeValue(undefined),
      m.describeValue(['a']),
      m.describeValue({ a: 1 }),
      m.describeValue(() => 1),
    ]).toMatchInlineSnapshot(`
      [
        "'vault'",
        "a 41-character string",
        "42",
        "false",
        "null",
        "undefined",
        "an array",
        "a object",
        "a function",
      ]
    `);
  });

  it('word every problem', () => {
    const p = m.optionProblem;
    expect([
      p.missingVaultUrl(),
      p.notAUrl(undefined, 8),
      p.urlWithCredentials(),
      p.httpNotLoopback('my-vault.vault.azure.net'),
      p.notHttps('ftp:', 'my-vault.vault.azure.net'),
      p.urlWithPath('my-vault.vault.azure.net'),
      p.notABoolean('yes'),
      p.notOneOf(['vault', 'environment'], 'Vault'),
      p.notAFunction(1),
      p.notAnObject(1),
      p.notAnArray({}),
      p.invalidSecretName('a_b'),
      p.invalidKey('a..b'),
      p.invalidDescriptor(1),
      p.invalidVersion('x-y'),
      p.invalidSecrets(1),
      p.noVault('KEY_VAULT_URL'),
      p.vaultEntryWithoutUrl(),
      p.invalidPrefix('a b'),
      p.duplicateSecretName('db-password', 'secrets[0]'),
      p.explicitWithSelection(),
      p.vaultsWithVaultUrl(),
      p.secretsWithVaults(),
      p.invalidVaultEntry(1),
      p.invalidDnsSuffix('a b'),
      p.notACredential(),
      p.invalidManagedIdentityClientId(),
      p.notAStandardSchema(),
      p.invalidClientOptions(1),
      p.notADuration('soon'),
      p.durationOutOfRange(500, 500, { min: 1_000, max: 2_147_483_647 }),
      p.durationOutOfRange('30d', 2_592_000_000, { min: 1_000, max: 2_147_483_647 }),
      p.invalidHealthFailureThreshold(0),
      p.invalidLogger(),
      p.exposeWithoutResolving(),
    ]).toMatchInlineSnapshot(`
      [
        "expected a URL such as https://my-vault.vault.azure.net.",
        "a string of 8 characters is not a valid URL; expected https://<vault-name>.vault.azure.net (see \`az keyvault show --name <vault> --query properties.vaultUri\`).",
        "the URL must not contain a user name or password.",
        "http:// is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost), not for my-vault.vault.azure.net; use https://my-vault.vault.azure.net.",
        "the URL must use https:// (got ftp://my-vault.vault.azure.net).",
        "expected the vault's base URL without a path or query (https://my-vault.vault.azure.net), not a secret URL.",
        "expected true or false, got 'yes'.",
        "expected one of 'vault', 'environment', got 'Vault'.",
        "expected a function, got 1.",
        "expected an object, got 1.",
        "expected an array, got a object.",
        "'a_b' is not a valid secret name (1–127 characters of 0-9, a-z, A-Z and '-').",
        "'a..b' is not a valid key (a dot path such as 'Database.Password').",
        "expected a secret name or { name, key?, version?, optional? }, got 1.",
        "'x-y' is not a valid secret version.",
        "expected an array of names/descriptors or a { key: name } record, got 1.",
        "no vault given: set the KEY_VAULT_URL environment variable or the vaultUrl option (e.g. https://my-vault.vault.azure.net).",
        "each entry of \`vaults\` needs its vaultUrl (e.g. https://my-vault.vault.azure.net).",
        "'a b' is not a valid secret name prefix (0-9, a-z, A-Z, '-').",
        "secret 'db-password' is already named by \`secrets[0]\` (Key Vault secret names are case-insensitive); name each secret once (another version of it may be named with its \`version\`).",
        "\`prefix\` and \`filter\` select secrets from the list and cannot be combined with explicit \`secrets\`; choose keys with the record form ({ key: name }) instead.",
        "\`vaults\` and \`vaultUrl\` cannot both be set: put the first vault into \`vaults\`.",
        "with \`vaults\`, give \`secrets\` per vault (vaults[i].secrets).",
        "expected { vaultUrl, … }, got 1.",
        "'a b' is not a DNS suffix such as 'vault.azure.net' or 'vault.azure.cn'.",
        "expected a TokenCredential (an object with getToken()).",
        "expected the client id (a GUID) of a user-assigned managed identity.",
        "expected a Standard Schema (Zod 3.24+, Valibot 1, ArkType, Joi 18, …).",
        "expected SecretClientOptions, got 1.",
        "'soon' is not a duration: give milliseconds (300000) or a string such as '30s', '5m', '1h' or '1h30m'.",
        "500 is shorter than 1s; allowed: 1s to 24d20h31m24s (omit it to refresh only on demand).",
        "'30d' is longer than 24d20h31m24s; allowed: 1s to 24d20h31m24s (omit it to refresh only on demand).",
        "expected a positive integer (consecutive failed refreshes before health is down), got 0.",
        "expected an object with log(), warn() and error() (Nest's Logger or console fit).",
        "exposeReferencesInEnv needs resolveReferences: with resolveReferences: false no reference is resolved, so nothing would reach process.env.",
      ]
    `);
  });
});

describe('content messages', () => {
  const listed: m.KeySource = { key: 'Db', secretName: 'Db', vault: VAULT };
  const env: m.KeySource = { key: 'Db', secretName: 'Db', vault: '' };
  const child: m.KeySource = { key: 'Db.Host', secretName: 'Db--Host', vault: VAULT };

  it('name the secret whose JSON does not parse', () => {
    expect(
      m.invalidJsonContent({ secretName: 'Db', vault: VAULT, vaultName: 'my-vault' }),
    ).toMatchInlineSnapshot(
      `"Secret 'Db' in my-vault.vault.azure.net has content type application/json but its value is not valid JSON (the value is not shown). Fix the value (\`az keyvault secret set --vault-name my-vault --name Db --file value.json --content-type application/json\`), change its content type, or set \`parseJson: false\` to load JSON secrets as strings."`,
    );
  });

  it('name both sides of a collision', () => {
    expect(m.sameKeyCollision(listed, { ...listed, secretName: 'db' })).toMatchInlineSnapshot(
      `"Key collision: secret 'Db' (my-vault.vault.azure.net) and secret 'db' (my-vault.vault.azure.net) both map to key 'Db'. Rename one of them, or map them apart with \`keyMapper\` or explicit keys (\`secrets: { 'Other.Key': 'db' }\`)."`,
    );
    expect(m.sameKeyCollision(env, listed)).toMatchInlineSnapshot(
      `"Key collision: environment variable Db and secret 'Db' (my-vault.vault.azure.net) both map to key 'Db'. Rename one of them, or map them apart with \`keyMapper\` or explicit keys (\`secrets: { 'Other.Key': 'Db' }\`)."`,
    );
    expect(m.pathCollision(listed, child)).toMatchInlineSnapshot(
      `"Key collision: secret 'Db' (my-vault.vault.azure.net) sets key 'Db' to a value, while secret 'Db--Host' (my-vault.vault.azure.net) needs 'Db' to be an object (key 'Db.Host'). Rename one of them, or map them apart with \`keyMapper\` or explicit keys."`,
    );
  });

  it('name the variable of a malformed reference and what is wrong', () => {
    expect(m.malformedReference(m.referenceProblem.unclosed, 'DB_PASSWORD')).toMatchInlineSnapshot(
      `"Environment variable DB_PASSWORD holds a malformed Key Vault reference: the closing parenthesis is missing. Expected @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>]) or @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>])."`,
    );
    expect(m.malformedReference(m.referenceProblem.notKeyValue)).toMatchInlineSnapshot(
      `"Malformed Key Vault reference: every part must be Key=Value. Expected @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>]) or @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>])."`,
    );
    const p = m.referenceProblem;
    expect([
      p.unknownKey('Secret'),
      p.unknownKey('x'.repeat(50)),
      p.duplicateKey('VaultName'),
      p.emptyKey('SecretName'),
      p.uriCombined,
      p.incomplete,
      p.invalidVaultName,
      p.invalidSecretName,
      p.invalidVersion,
      p.uriNotAUrl,
      p.uriNotHttps,
      p.uriWithQuery,
      p.uriNotASecret,
      p.uriUndecodableName,
      p.uriInvalidName,
      p.uriInvalidVersion,
      p.uriInvalidVault,
    ]).toMatchInlineSnapshot(`
      [
        "unknown key 'Secret' (known: SecretUri, VaultName, SecretName, SecretVersion)",
        "unknown key 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' (known: SecretUri, VaultName, SecretName, SecretVersion)",
        "VaultName is given twice",
        "SecretName is empty",
        "SecretUri cannot be combined with VaultName, SecretName or SecretVersion",
        "give either SecretUri, or both VaultName and SecretName",
        "VaultName is not a vault name (letters, digits and -)",
        "SecretName is not a valid secret name (1–127 characters of 0-9, a-z, A-Z and '-')",
        "SecretVersion is not a secret version",
        "SecretUri is not a URL",
        "SecretUri must use https:// (http:// only for loopback hosts)",
        "SecretUri must not have a query, fragment or credentials",
        "SecretUri must look like https://<vault>/secrets/<name>[/<version>]",
        "the secret name in SecretUri is not valid",
        "the secret name in SecretUri is not valid (1–127 characters of 0-9, a-z, A-Z and '-')",
        "the version in SecretUri is not valid",
        "the vault in SecretUri is not a valid vault URL",
      ]
    `);
  });

  it('list schema issues by key', () => {
    expect(m.validationFailed([{ key: 'Db.Port', issue: 'Expected number' }])).toMatchInlineSnapshot(
      `"The configuration failed validationSchema (1 issue): Db.Port: Expected number. Set or fix these keys in the vault or the environment (values are not shown)."`,
    );
    expect(
      m.validationFailed([
        { key: 'Db.Port', issue: 'Expected number' },
        { key: '(root)', issue: m.WITHHELD_ISSUE },
      ]),
    ).toMatchInlineSnapshot(
      `"The configuration failed validationSchema (2 issues): Db.Port: Expected number; (root): invalid value (the message is withheld because it would show the value). Set or fix these keys in the vault or the environment (values are not shown)."`,
    );
    expect([m.schemaThrew('TypeError'), m.schemaThrew(undefined), m.BARE_ISSUE]).toMatchInlineSnapshot(`
      [
        "The validationSchema threw TypeError while validating the configuration; fix the schema (its message is not shown because it may contain a value).",
        "The validationSchema threw an error while validating the configuration; fix the schema (its message is not shown because it may contain a value).",
        "invalid value",
      ]
    `);
  });
});

describe('credential messages', () => {
  const attempts = [
    m.credentialAttemptLine({
      name: 'EnvironmentCredential',
      outcome: 'unavailable',
      reason: m.credentialNeeds.environment,
    }),
    m.credentialAttemptLine({
      name: 'WorkloadIdentityCredential',
      outcome: 'skipped',
      reason: m.credentialNeeds.workloadIdentity,
    }),
    m.credentialAttemptLine({
      name: 'ManagedIdentityCredential',
      detail: 'IMDS',
      outcome: 'failed',
      reason: 'No response',
    }),
    m.credentialAttemptLine({ name: 'AzureCliCredential', outcome: 'success' }),
    m.credentialAttemptLine({ name: 'BrokerCredential', outcome: 'skipped' }),
  ];

  it('say who authenticated, from the claims', () => {
    expect([
      m.credentialWithIdentity({
        name: 'ManagedIdentityCredential',
        detail: 'App Service',
        objectId: 'o',
        clientId: 'c',
        tenantId: 't',
      }),
      m.credentialWithIdentity({ name: 'AzureCliCredential', tenantId: 't' }),
      m.credentialWithIdentity({ name: 'MyCredential' }),
      m.authenticatedLine('AzureCliCredential as oid=o'),
    ]).toMatchInlineSnapshot(`
      [
        "ManagedIdentityCredential (App Service) as oid=o appid=c tid=t",
        "AzureCliCredential as tid=t",
        "MyCredential (the token carries no readable identity claims)",
        "Authenticated to Key Vault using AzureCliCredential as oid=o",
      ]
    `);
  });

  it('list each credential tried, then the fixes', () => {
    expect(attempts).toMatchInlineSnapshot(`
      [
        "EnvironmentCredential: Not configured (needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)",
        "WorkloadIdentityCredential: skipped — Not set up here: needs AZURE_CLIENT_ID (or managedIdentityClientId), AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which AKS workload identity injects",
        "ManagedIdentityCredential (IMDS): failed — No response",
        "AzureCliCredential: got a token",
        "BrokerCredential: skipped — no reason given",
      ]
    `);
    expect(m.credentialUnavailable({ chain: 'DefaultAzureCredential', attempts: attempts.slice(0, 3) }))
      .toMatchInlineSnapshot(`
      "No credential could get a token for Azure Key Vault. DefaultAzureCredential tried:
        - EnvironmentCredential: Not configured (needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)
        - WorkloadIdentityCredential: skipped — Not set up here: needs AZURE_CLIENT_ID (or managedIdentityClientId), AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which AKS workload identity injects
        - ManagedIdentityCredential (IMDS): failed — No response
      To fix:
        - Locally: sign in with \`az login\` (then \`az account set --subscription <subscription id>\` if the vault is in another subscription than your default one; \`az login --tenant <tenant id>\` for another tenant). No Azure CLI? Install it from https://aka.ms/azure-cli. AZURE_TOKEN_CREDENTIALS=dev makes DefaultAzureCredential use only developer tools.
        - On App Service / Functions: turn on the managed identity with \`az webapp identity assign --name <app> --resource-group <rg>\` (prints its principalId), then grant it the secrets with \`az role assignment create --role "Key Vault Secrets User" --assignee <principalId> --scope <vault resource id>\` (the id: \`az keyvault show --name <vault> --query id -o tsv\`).
        - On AKS with workload identity: create the federated credential (\`az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:<service account>\`), annotate the service account with azure.workload.identity/client-id=<client id> and label the pod azure.workload.identity/use=true, so AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are injected.
        - A user-assigned identity: managedIdentityClientId (or AZURE_CLIENT_ID) must be that identity's client id (now unset, so the system-assigned identity is used), and the identity must be attached to this resource (e.g. \`az webapp identity assign --name <app> --resource-group <rg> --identities <identity resource id>\`)."
    `);
    expect(
      m.credentialUnavailable({
        chain: 'DefaultAzureCredential',
        attempts: attempts.slice(2, 3),
        tokenCredentials: 'prod',
        managedIdentityClientId: 'cid',
        clientIdFrom: 'AZURE_CLIENT_ID',
      }),
    ).toMatchInlineSnapshot(`
      "No credential could get a token for Azure Key Vault. DefaultAzureCredential tried (AZURE_TOKEN_CREDENTIALS=prod):
        - ManagedIdentityCredential (IMDS): failed — No response
      To fix:
        - Locally: sign in with \`az login\` (then \`az account set --subscription <subscription id>\` if the vault is in another subscription than your default one; \`az login --tenant <tenant id>\` for another tenant). No Azure CLI? Install it from https://aka.ms/azure-cli. AZURE_TOKEN_CREDENTIALS=dev makes DefaultAzureCredential use only developer tools.
        - On App Service / Functions: turn on the managed identity with \`az webapp identity assign --name <app> --resource-group <rg>\` (prints its principalId), then grant it the secrets with \`az role assignment create --role "Key Vault Secrets User" --assignee <principalId> --scope <vault resource id>\` (the id: \`az keyvault show --name <vault> --query id -o tsv\`).
        - On AKS with workload identity: create the federated credential (\`az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:<service account>\`), annotate the service account with azure.workload.identity/client-id=<client id> and label the pod azure.workload.identity/use=true, so AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are injected.
        - A user-assigned identity: managedIdentityClientId (or AZURE_CLIENT_ID) must be that identity's client id (now cid, from AZURE_CLIENT_ID), and the identity must be attached to this resource (e.g. \`az webapp identity assign --name <app> --resource-group <rg> --identities <identity resource id>\`)."
    `);
    expect(
      m.credentialUnavailable({
        chain: 'ClientSecretCredential',
        attempts: ['ClientSecretCredential: failed — AADSTS7000215'],
      }),
    ).toMatchInlineSnapshot(`
      "The credential passed as \`credential\` (ClientSecretCredential) could not get a token for Azure Key Vault:
        - ClientSecretCredential: failed — AADSTS7000215
      To fix:
        - Check how ClientSecretCredential (the \`credential\` option) is configured: tenant, client id, secret or certificate, and that it can run here.
        - Locally: sign in with \`az login\` (then \`az account set --subscription <subscription id>\` if the vault is in another subscription than your default one; \`az login --tenant <tenant id>\` for another tenant). No Azure CLI? Install it from https://aka.ms/azure-cli. AZURE_TOKEN_CREDENTIALS=dev makes DefaultAzureCredential use only developer tools.
        - On App Service / Functions: turn on the managed identity with \`az webapp identity assign --name <app> --resource-group <rg>\` (prints its principalId), then grant it the secrets with \`az role assignment create --role "Key Vault Secrets User" --assignee <principalId> --scope <vault resource id>\` (the id: \`az keyvault show --name <vault> --query id -o tsv\`).
        - On AKS with workload identity: create the federated credential (\`az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:<service account>\`), annotate the service account with azure.workload.identity/client-id=<client id> and label the pod azure.workload.identity/use=true, so AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are injected.
        - A user-assigned identity: pass that identity's client id (\`new ManagedIdentityCredential({ clientId })\`), and attach the identity to this resource (e.g. \`az webapp identity assign --name <app> --resource-group <rg> --identities <identity resource id>\`)."
    `);
  });

  it('name the credential option or variable that is wrong', () => {
    expect([
      m.invalidTokenCredentials('Invalid value for AZURE_TOKEN_CREDENTIALS = bogus.'),
      m.NOT_A_TOKEN_CREDENTIAL,
      m.TOKEN_REQUEST_ABORTED,
      m.credentialNeeds.unknown,
      m.credentialNeeds.broker,
    ]).toMatchInlineSnapshot(`
      [
        "DefaultAzureCredential could not be created: Invalid value for AZURE_TOKEN_CREDENTIALS = bogus. Fix or unset AZURE_TOKEN_CREDENTIALS ('dev' = developer tools only, 'prod' = environment, workload and managed identity only, or one credential name such as ManagedIdentityCredential or AzureCliCredential).",
        "\`credential\` must be a TokenCredential (an object with a getToken method), e.g. \`new ManagedIdentityCredential()\` from @azure/identity.",
        "The token request was aborted.",
        "DefaultAzureCredential could not set it up here",
        "Not set up here: needs the @azure/identity-broker plugin and a signed-in Windows account (WAM)",
      ]
    `);
  });
});

describe('refresh messages', () => {
  it('say what failed, what stays and when the next try is', () => {
    const error = { code: 'VAULT_UNREACHABLE', message: 'The vault v is unreachable (ECONNRESET).' };
    expect([
      m.refreshFailed({ ...error, loaded: 12, nextRetryMs: 30_000 }),
      m.refreshFailed({ ...error, loaded: 0 }),
      m.refreshStillFailing({ ...error, failures: 3, nextRetryMs: 120_000 }),
      m.refreshRecovered(3, '2026-01-01T00:00:00.000Z'),
      m.refreshUnexpectedError('SyntaxError'),
      m.refreshImpossible('INVALID_OPTIONS'),
      m.refreshImpossible(undefined),
      m.listenerThrew('change', 'TypeError'),
      m.keyLeftToApp('Db.Password'),
    ]).toMatchInlineSnapshot(`
      [
        "Key Vault refresh failed [VAULT_UNREACHABLE]: The vault v is unreachable (ECONNRESET). Keeping the last-known-good values (12 keys). Retrying with backoff (next in about 30s).",
        "Key Vault refresh failed [VAULT_UNREACHABLE]: The vault v is unreachable (ECONNRESET). Keeping the last-known-good values (0 keys).",
        "Key Vault refresh still failing (3 in a row) [VAULT_UNREACHABLE]: The vault v is unreachable (ECONNRESET). Retrying with backoff (next in about 2m).",
        "Key Vault refresh recovered after 3 failed attempt(s) (failing since 2026-01-01T00:00:00.000Z).",
        "Refresh failed with an unexpected SyntaxError (its message is withheld because it may quote secret content).",
        "Refresh is not possible: the startup load failed before it could reach a vault (INVALID_OPTIONS). Fix the options and restart.",
        "Refresh is not possible: the startup load failed before it could reach a vault (unknown). Fix the options and restart.",
        "A Key Vault 'change' listener threw TypeError; the other listeners still ran.",
        "Key 'Db.Password' was set by someone else in ConfigService; the refresh leaves it.",
      ]
    `);
  });

  it('name every changed key, never a value', () => {
    expect(
      m.changesApplied({
        added: [{ key: 'A' }],
        updated: [{ key: 'Db.Password' }],
        removed: [{ key: 'Old', reason: 'deleted' }],
      }),
    ).toMatchInlineSnapshot(
      `"Key Vault refresh applied 3 changes: A added, Db.Password updated, Old removed (deleted)."`,
    );
    expect(m.changesApplied({ added: [{ key: 'A' }], updated: [], removed: [] })).toMatchInlineSnapshot(
      `"Key Vault refresh applied 1 change: A added."`,
    );
  });
});

describe('secret messages', () => {
  const s: m.SecretSubject = { secretName: 'Db--Password', vault: VAULT, key: 'Db.Password' };
  const ref: m.SecretSubject = { secretName: 'Db--Password', vault: VAULT, key: 'DB_PASSWORD' };
  const origins = ['list', 'explicit', 'explicit-optional', 'reference'] as const;

  it('say what happened to a missing, expired or disabled secret, per origin', () => {
    expect(origins.map((o) => m.missingSecretWarning(o, o === 'reference' ? ref : s, 'not found')))
      .toMatchInlineSnapshot(`
      [
        "Secret 'Db--Password' in my-vault.vault.azure.net was not found; skipped.",
        "Secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net is not found; removed from the configuration.",
        "Secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net is not found; removed from the configuration.",
        "Environment variable DB_PASSWORD refers to secret 'Db--Password' in my-vault.vault.azure.net, which is not found; its value is removed from the configuration.",
      ]
    `);
    expect(origins.map((o) => m.expiredSecretWarning(o, o === 'reference' ? ref : s, 'expired')))
      .toMatchInlineSnapshot(`
      [
        "Secret 'Db--Password' in my-vault.vault.azure.net is expired; loaded anyway (expiredSecrets: 'warn').",
        "Secret 'Db--Password' in my-vault.vault.azure.net is expired; loaded anyway (expiredSecrets: 'warn').",
        "Secret 'Db--Password' in my-vault.vault.azure.net is expired; loaded anyway (expiredSecrets: 'warn').",
        "Environment variable DB_PASSWORD refers to secret 'Db--Password' in my-vault.vault.azure.net, which is expired; loaded anyway.",
      ]
    `);
    expect([
      m.disabledSecret('explicit', { ...s, vaultName: 'my-vault' }),
      m.disabledSecret('reference', { ...ref, vaultName: 'my-vault' }),
    ]).toMatchInlineSnapshot(`
      [
        "Secret 'Db--Password' (key 'Db.Password') in my-vault.vault.azure.net is disabled. Enable it with \`az keyvault secret set-attributes --vault-name my-vault --name Db--Password --enabled true\`, or mark it optional.",
        "Environment variable DB_PASSWORD refers to secret 'Db--Password' in my-vault.vault.azure.net, which is disabled. Enable it (\`az keyvault secret set-attributes --vault-name my-vault --name Db--Password --enabled true\`) or fix the reference.",
      ]
    `);
  });

  it('name the secret a mapping or the user’s function failed on', () => {
    expect([
      m.unmappableSecretWarning('Db--', VAULT),
      m.unmappableExplicitSecret('Db--'),
      m.filterThrew('Db'),
      m.keyMapperThrew('Db', VAULT),
      m.keyMapperReturnedNonKey('Db', VAULT, 'a..b'),
      m.keyMapperReturnedNonKey('Db', VAULT, 5),
    ]).toMatchInlineSnapshot(`
      [
        "Secret 'Db--' in my-vault.vault.azure.net does not map to a configuration key (empty segment); skipped.",
        "Invalid option \`secrets\`: 'Db--' does not map to a key (empty segment); give it a key ({ name: 'Db--', key: 'Some.Key' }).",
        "Invalid option \`filter\`: it threw for secret 'Db'. Fix the function (it receives properties only, never values).",
        "Invalid option \`keyMapper\`: it threw for secret 'Db' (my-vault.vault.azure.net). Fix the function; return undefined to skip a secret.",
        "Invalid option \`keyMapper\`: for secret 'Db' (my-vault.vault.azure.net) it returned 'a..b', which is not a key (a dot path such as 'Database.Password', or undefined to skip).",
        "Invalid option \`keyMapper\`: for secret 'Db' (my-vault.vault.azure.net) it returned number, which is not a key (a dot path such as 'Database.Password', or undefined to skip).",
      ]
    `);
  });

  it('name the secret and the reserved segment, never the key path inside a JSON secret', () => {
    expect([
      m.reservedKeyWarning('App--prototype', VAULT, 'prototype'),
      m.reservedJsonKeyWarning('Flags', VAULT, '__proto__'),
      m.reservedReferenceWarning({ key: 'a__constructor', secretName: 'Db', vault: VAULT }, 'constructor'),
      m.reservedExplicitSecret('prototype', 'prototype'),
    ]).toMatchInlineSnapshot(`
      [
        "Secret 'App--prototype' in my-vault.vault.azure.net maps to a key with the reserved segment 'prototype' (a key segment that could reach Object.prototype); skipped. Rename the secret, or give it another key with keyMapper.",
        "Secret 'Flags' in my-vault.vault.azure.net is JSON with the reserved key '__proto__' inside (a key segment that could reach Object.prototype); skipped. Remove that key from the secret, or load it as text (parseJson: false).",
        "Environment variable a__constructor refers to secret 'Db' in my-vault.vault.azure.net, but its name has the reserved segment 'constructor' (a key segment that could reach Object.prototype); not resolved. Rename the variable.",
        "Invalid option \`secrets\`: 'prototype' maps to a key with the reserved segment 'prototype' (a key segment that could reach Object.prototype), so it could never be loaded; give it another key ({ name: 'prototype', key: 'Some.Key' }) or mark it optional.",
      ]
    `);
  });
});

/** TIMEOUT's message with a token request still pending. */
const timedOut = (token: m.PendingTokenAnswers): string =>
  m.loadTimedOut({ timeoutMs: 1_500, hosts: [VAULT], vaultName: 'my-vault', token });

describe('load messages', () => {
  it('say why a load ended without a configuration', () => {
    expect([
      m.loadTimedOut({ timeoutMs: 60_000, hosts: [VAULT, 'other.vault.azure.net'], vaultName: 'my-vault' }),
      m.loadTimedOut({ timeoutMs: 5, hosts: [], vaultName: '<vault-name>' }),
      m.continuingWithoutVault('The vault v is unreachable (ECONNREFUSED).'),
      m.REFRESH_STOPPED,
      m.OPERATION_ABORTED,
    ]).toMatchInlineSnapshot(`
      [
        "Loading secrets from my-vault.vault.azure.net, other.vault.azure.net did not finish within timeoutMs (60000 ms). The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`az keyvault show --name my-vault\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.",
        "Loading secrets from Key Vault did not finish within timeoutMs (5 ms). The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`az keyvault show --name <vault-name>\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.",
        "Continuing without Key Vault values (optional: true). The vault v is unreachable (ECONNREFUSED).",
        "The refresh was stopped.",
        "The operation was aborted.",
      ]
    `);
  });

  it('say what the identity endpoint answered to a token request still pending at the deadline', () => {
    expect([
      timedOut({ sent: 4, statuses: [500, 500, 500, 503], failed: 0 }),
      timedOut({ sent: 3, statuses: [500], failed: 2 }),
      timedOut({ sent: 2, statuses: [], failed: 2 }),
      timedOut({ sent: 1, statuses: [], failed: 0 }),
      timedOut({ sent: 0, statuses: [], failed: 0 }),
    ]).toMatchInlineSnapshot(`
      [
        "Loading secrets from my-vault.vault.azure.net did not finish within timeoutMs (1500 ms); still waiting for the token request (the identity endpoint answered HTTP 500 to 3 requests, HTTP 503 to 1 request, retried by the SDK). The identity endpoint answers but gives no token: it is the platform's (App Service, Functions, IMDS, AKS) — check that the app's managed identity is enabled and assigned, and the platform's status; raise \`timeoutMs\` to let the SDK retry longer.",
        "Loading secrets from my-vault.vault.azure.net did not finish within timeoutMs (1500 ms); still waiting for the token request (the identity endpoint answered HTTP 500 to 1 request, and 2 connections failed, retried by the SDK). The identity endpoint answers but gives no token: it is the platform's (App Service, Functions, IMDS, AKS) — check that the app's managed identity is enabled and assigned, and the platform's status; raise \`timeoutMs\` to let the SDK retry longer.",
        "Loading secrets from my-vault.vault.azure.net did not finish within timeoutMs (1500 ms); still waiting for the token request (the identity endpoint could not be reached: 2 connections failed, retried by the SDK). The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`az keyvault show --name my-vault\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.",
        "Loading secrets from my-vault.vault.azure.net did not finish within timeoutMs (1500 ms); still waiting for the token request (the identity endpoint did not answer). The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`az keyvault show --name my-vault\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.",
        "Loading secrets from my-vault.vault.azure.net did not finish within timeoutMs (1500 ms); still waiting for the token request (the credential has not returned a token). The vault, the network path or the identity endpoint is slow or not answering: check the vault URL (\`az keyvault show --name my-vault\`), proxies and firewalls, and that the managed identity endpoint answers; raise \`timeoutMs\` for very large vaults.",
      ]
    `);
  });

  it('name the variables exposeReferencesInEnv wrote, restored or left alone', () => {
    expect([
      m.referencesExposed(['DB_PASSWORD', 'API_KEY']),
      m.referencesRestored(['DB_PASSWORD']),
      m.exposedVariablesLeftAlone(['DB_PASSWORD']),
    ]).toMatchInlineSnapshot(`
      [
        "exposeReferencesInEnv: process.env now holds the resolved Key Vault reference of DB_PASSWORD, API_KEY",
        "exposeReferencesInEnv: process.env holds the reference text of DB_PASSWORD again (the secret no longer resolves)",
        "exposeReferencesInEnv: left DB_PASSWORD in process.env alone: the application changed it (neither the reference text nor the value the library wrote)",
      ]
    `);
  });

  it('say how many secrets came from where, using which credential', () => {
    expect(
      m.loadedLine({ loaded: 1, hosts: [VAULT], elapsedMs: 12.4, credential: 'AzureCliCredential as oid=x' }),
    ).toMatchInlineSnapshot(
      `"Loaded 1 secret from my-vault.vault.azure.net in 12 ms using AzureCliCredential as oid=x"`,
    );
    expect(
      m.loadedLine({ loaded: 3, hosts: [], elapsedMs: 0.6, credential: m.CREDENTIAL_NOT_YET_KNOWN }),
    ).toMatchInlineSnapshot(
      `"Loaded 3 secrets from no vault in 1 ms using a credential that has not issued a token yet"`,
    );
    // Throttling is mentioned only when a vault throttled the load.
    const throttling = { responses429: 0, waitedMs: 0, lowestConcurrency: 32 };
    expect(m.loadedLine({ loaded: 2, hosts: [VAULT], elapsedMs: 5, credential: 'X', throttling })).toBe(
      'Loaded 2 secrets from my-vault.vault.azure.net in 5 ms using X',
    );
    expect(
      m.loadedLine({
        loaded: 400,
        hosts: [VAULT],
        elapsedMs: 21_480,
        credential: 'X',
        throttling: { responses429: 57, waitedMs: 18_930, lowestConcurrency: 1 },
      }),
    ).toMatchInlineSnapshot(
      `"Loaded 400 secrets from my-vault.vault.azure.net in 21480 ms (throttled: 57 responses 429, waited 18.9 s, concurrency down to 1) using X"`,
    );
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminHandler } from './admin.js';
import { isAllowed, PERMISSION_ACTIONS } from './authorization.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, DEFAULT_VAULT_NAME, KEY_VAULT_AUDIENCE } from './constants.js';
import { RequestCounters } from './counters.js';
import type {
  Emulator,
  EmulatorIdentity,
  EmulatorOptions,
  EmulatorVault,
  SeedSecret,
  VaultRoleAlias,
} from './emulator.interfaces.js';
import { EmulatorFaultInjector } from './faults.js';
import { IdentityRegistry } from './identity/identities.js';
import { startIdentityServer, type IdentityServer } from './identity/server.js';
import { TokenAuthority } from './identity/tokens.js';
import { resolveSeed, SeedError, seedToSetInput, toEpochSeconds } from './seed.js';
import { generateTlsMaterial, type EmulatorTlsMaterial } from './tls.js';
import { DataFile, toPersistedState } from './vault/persistence.js';
import { assertSecretName, assertSecretValue, SecretStore } from './vault/store.js';
import type { PersistedState, UpdateSecretInput, VaultSnapshot } from './vault/store.interfaces.js';
import { urlHost, VaultServer, type EmulatorLogger, type VaultSecurity } from './vault/vault.server.js';

/** Options accepted by {@link startEmulator} beyond the public contract. */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** Where operational problems go (default: nowhere). Never receives values or tokens. */
  logger?: EmulatorLogger;
}

/** Vault names: letters, digits and hyphens (Azure's are 3–24 characters; the emulator is lenient). */
const VAULT_NAME_PATTERN = /^[0-9A-Za-z-]{1,63}$/;

/** The in-process handle on one vault. */
class VaultHandle implements EmulatorVault {
  constructor(private readonly server: VaultServer) {}

  get name(): string {
    return this.server.name;
  }
  get url(): string {
    return this.server.url;
  }
  get port(): number {
    return this.server.port;
  }
  private get store(): SecretStore {
    return this.server.store;
  }

  setSecret(secret: SeedSecret): string {
    return this.store.set(seedToSetInput(secret, `vault ${this.name}`)).version.version;
  }

  getValue(name: string): string | undefined {
    return this.store.latestValue(name);
  }

  updateSecret(name: string, patch: Partial<Omit<SeedSecret, 'name' | 'value'>>): void {
    const update: UpdateSecretInput = {};
    if (patch.enabled !== undefined) update.enabled = Boolean(patch.enabled);
    if (patch.contentType !== undefined) update.contentType = patch.contentType;
    if (patch.tags !== undefined) update.tags = { ...patch.tags };
    if (patch.expires !== undefined) update.exp = toEpochSeconds(patch.expires, 'expires');
    if (patch.notBefore !== undefined) update.nbf = toEpochSeconds(patch.notBefore, 'notBefore');
    this.store.update(name, undefined, update);
  }

  deleteSecret(name: string): void {
    this.store.delete(name);
  }

  purgeSecret(name: string): void {
    this.store.forget(name);
  }

  secretNames(): string[] {
    return this.store.listLatest().map((s) => s.secret.name);
  }
}

/** Checks seed secrets as the vault would (name, value size) so mistakes fail before any key is made. */
function validateSeedSecrets(vaultName: string, secrets: SeedSecret[]): void {
  for (const secret of secrets) {
    const input = seedToSetInput(secret, `seed of vault ${vaultName}`);
    try {
      assertSecretName(input.name);
      assertSecretValue(input.value);
    } catch (error) {
      // Key Vault's own wording (invalid name, too large), which never includes the value.
      throw new SeedError(`seed of vault ${vaultName}: secret '${input.name}': ${(error as Error).message}`);
    }
  }
}

/**
 * Starts a local Azure Key Vault (secrets data plane over HTTPS, one port per vault) and the
 * managed-identity endpoints (plain HTTP, plus the admin API) on loopback.
 *
 * Seeding: secrets from `seed` (and each seed vault's `secrets`) are written only into a vault that
 * has no state in `dataFile` yet — once a vault has been persisted, its data file state wins, so a
 * restart keeps what was changed at run time instead of resetting to the seed.
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  // Input problems (seed, data file) surface before any key is generated.
  const seed = resolveSeed(options.seed);
  const dataFile = options.dataFile
    ? new DataFile(options.dataFile, undefined, (error) =>
        logger?.error(
          `Could not write the data file ${options.dataFile}: ${(error as Error)?.message ?? error}`,
        ),
      )
    : undefined;
  const persisted: PersistedState | undefined = dataFile?.load();
  validateSeedSecrets(options.vaultName ?? DEFAULT_VAULT_NAME, seed.secrets ?? []);
  for (const extra of seed.vaults ?? []) validateSeedSecrets(extra.name, extra.secrets ?? []);

  // RSA key generation runs on the thread pool while the synchronous setup below continues.
  const tlsPromise: Promise<EmulatorTlsMaterial> = generateTlsMaterial([host]);
  // Keep the rejection handled meanwhile; it is awaited further down.
  tlsPromise.catch(() => undefined);

  const tenantId = options.tenantId ?? randomUUID();
  const identityHeader = randomBytes(16).toString('hex');
  const authority = new TokenAuthority({
    tenantId,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
  });
  const registry = new IdentityRegistry({
    systemAssignedRole: options.systemAssignedRole ?? seed.systemAssignedRole,
    identities: [...(seed.identities ?? []), ...(options.identities ?? [])],
  });
  const counters = new RequestCounters();
  const faults = new EmulatorFaultInjector({ latencyMs: options.latencyMs, throttle: options.throttle });

  const servers: VaultServer[] = [];
  const handles: VaultHandle[] = [];

  const createdCertDir = options.certDir === undefined;
  const certDir = options.certDir ?? mkdtempSync(join(tmpdir(), 'keyvault-emulator-'));
  let identity: IdentityServer | undefined;

  const persistAll = (): PersistedState => {
    const vaults: Record<string, VaultSnapshot> = { ...persisted?.vaults };
    for (const server of servers) vaults[server.name.toLowerCase()] = server.store.snapshot();
    return toPersistedState(vaults);
  };

  const security: VaultSecurity = {
    tenantId,
    verify: (token, audience) => authority.verify(token, audience),
    roleOf: (clientId) => registry.roleOf(clientId),
    isAllowed: (role, permission) => isAllowed(role, permission),
    actionOf: (permission) => PERMISSION_ACTIONS[permission],
  };

  let tls: EmulatorTlsMaterial;
  const findHandle = (name?: string): VaultHandle | undefined =>
    name === undefined ? handles[0] : handles.find((h) => h.name.toLowerCase() === name.toLowerCase());

  const addVault = async (name: string, port = 0, secrets: SeedSecret[] = []): Promise<VaultHandle> => {
    if (!VAULT_NAME_PATTERN.test(name)) {
      throw new Error(`Invalid vault name '${name}': use letters, digits and hyphens.`);
    }
    if (findHandle(name)) throw new Error(`A vault named '${name}' already exists.`);
    const store = new SecretStore(name, {
      onChange: dataFile ? () => dataFile.schedule(persistAll) : undefined,
    });
    const snapshot = persisted?.vaults[name.toLowerCase()];
    if (snapshot) store.load(snapshot);
    else {
      validateSeedSecrets(name, secrets);
      for (const secret of secrets) store.set(seedToSetInput(secret, `seed of vault ${name}`));
    }
    const server = await VaultServer.start({
      name,
      host,
      port,
      tls: { cert: tls.serverCert, key: tls.serverKey },
      store,
      security,
      faults,
      counters,
      logger,
    });
    servers.push(server);
    const handle = new VaultHandle(server);
    handles.push(handle);
    if (!snapshot && dataFile) dataFile.schedule(persistAll);
    return handle;
  };

  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([...servers.map((s) => s.close()), identity?.close()]);
    try {
      dataFile?.flush();
    } finally {
      if (createdCertDir) rmSync(certDir, { recursive: true, force: true });
    }
  };

  try {
    tls = await tlsPromise;
    mkdirSync(certDir, { recursive: true });
    const caCertPath = join(certDir, 'ca.pem');
    writeFileSync(caCertPath, tls.caCert);

    await addVault(options.vaultName ?? DEFAULT_VAULT_NAME, options.port ?? 0, seed.secrets ?? []);
    for (const extra of seed.vaults ?? []) await addVault(extra.name, extra.port ?? 0, extra.secrets ?? []);

    const admin = createAdminHandler({
      identityHeader,
      counters,
      faults,
      vault: (name) => findHandle(name),
      setRole: (clientId, role) => registry.setRole(clientId, role),
      setTokenLifetime: (seconds) => {
        authority.lifetimeSeconds = seconds;
      },
    });
    identity = await startIdentityServer({
      host,
      port: options.identityPort ?? 0,
      header: identityHeader,
      authority,
      registry,
      faults,
      counters,
      admin,
    });

    const identityHost = `http://${urlHost(host)}:${identity.port}`;
    const identityEndpoint = `${identityHost}/msi/token`;
    const vaultUrl = handles[0].url;
    let closed: Promise<void> | undefined;

    const emulator: Emulator = {
      vaultUrl,
      get vaults() {
        return [...handles];
      },
      identityEndpoint,
      identityHeader,
      identityHost,
      caCert: tls.caCert,
      caCertPath,
      tenantId,
      systemAssigned: { ...registry.system },
      env: Object.freeze({
        KEY_VAULT_URL: vaultUrl,
        IDENTITY_ENDPOINT: identityEndpoint,
        IDENTITY_HEADER: identityHeader,
        AZURE_POD_IDENTITY_AUTHORITY_HOST: identityHost,
        NODE_EXTRA_CA_CERTS: caCertPath,
      }),
      counters,
      faults,
      vault(name?: string): EmulatorVault {
        const handle = findHandle(name);
        if (!handle) throw new Error(`No vault named '${name}'.`);
        return handle;
      },
      addVault: (name, vaultOptions) => addVault(name, vaultOptions?.port ?? 0, vaultOptions?.seed ?? []),
      setRole: (clientId: string | 'system', role: VaultRoleAlias) => registry.setRole(clientId, role),
      addIdentity: (identityToAdd: EmulatorIdentity) => registry.add(identityToAdd),
      setTokenLifetime: (seconds: number) => {
        if (!Number.isFinite(seconds) || seconds <= 0)
          throw new Error('The token lifetime must be a positive number.');
        authority.lifetimeSeconds = seconds;
      },
      issueToken: (tokenOptions = {}) => {
        const resolved = registry.resolve(tokenOptions.clientId);
        const claims = {
          clientId: resolved?.clientId ?? tokenOptions.clientId ?? registry.system.clientId,
          // An unknown client id still gets a token (role 'none'): tests of callers without access.
          objectId: resolved?.objectId ?? randomUUID(),
          audience: tokenOptions.audience ?? KEY_VAULT_AUDIENCE,
          ...(tokenOptions.expiresInSeconds !== undefined
            ? { expiresInSeconds: tokenOptions.expiresInSeconds }
            : {}),
        };
        return authority.issue(claims).token;
      },
      close: () => (closed ??= closeAll()),
    };
    return emulator;
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

// size: the Emulator facade: each of the public contract's ~30 members is a line or two handing over to
// its part (vaults: emulator-vaults.ts, printed variables: emulator-environment.ts, identity, Entra ID,
// faults, counters); splitting the class would split the one object tests hold.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminHandler } from './admin.js';
import { vaultSecurity } from './vault-security.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, DEFAULT_VAULT_NAME, KEY_VAULT_AUDIENCE } from './constants.js';
import { RequestCounters } from './counters.js';
import type {
  Emulator,
  EmulatorIdentity,
  EmulatorOptions,
  EmulatorVault,
  SeedFile,
  SeedSecret,
  VaultRoleAlias,
} from './emulator.interfaces.js';
import { EmulatorFaultInjector } from './faults.js';
import { IdentityRegistry } from './identity/identities.js';
import { startIdentityServer, type IdentityServer } from './identity/server.js';
import { TokenAuthority, type TokenPrincipalKind } from './identity/tokens.js';
import {
  EntraEmulation,
  type CreatedApplication,
  type EmulatorApplication,
  type ServiceAccountTokenInput,
  type WorkloadIdentityInfo,
} from './identity/entra/index.js';
import { resolveSeed } from './seed.js';
import { generateTlsMaterial, type EmulatorTlsMaterial } from './tls.js';
import { emulatorEnvironment } from './emulator-environment.js';
import { EmulatorVaults, openDataFile, validSoftDeleteDelay } from './emulator-vaults.js';
import type { DataFile } from './vault/persistence.js';
import { validateSeedSecrets } from './vault/vault-handle.js';
import { urlHost, type EmulatorLogger } from './vault/vault.server.js';

/** Options accepted by {@link startEmulator} beyond the public contract. */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** Where operational problems go (default: nowhere). Never receives values or tokens. */
  logger?: EmulatorLogger;
}

/** What exists only once {@link LocalEmulator.start} has bound the ports. */
interface Started {
  tls: EmulatorTlsMaterial;
  caCertPath: string;
  identity: IdentityServer;
  env: Readonly<Record<string, string>>;
}

/**
 * The emulator as one object: the constructor checks the inputs (seed, data file) and sets up the
 * shared parts (tokens, identities, counters, faults); {@link start} binds the vault and identity ports.
 */
export class LocalEmulator implements Emulator {
  readonly identityHeader = randomBytes(16).toString('hex');
  readonly tenantId: string;
  readonly counters = new RequestCounters();
  readonly faults: EmulatorFaultInjector;
  private readonly host: string;
  private readonly seed: SeedFile;
  private readonly dataFile?: DataFile;
  private readonly tlsPromise: Promise<EmulatorTlsMaterial>;
  private readonly authority: TokenAuthority;
  private readonly registry: IdentityRegistry;
  private readonly entra: EntraEmulation;
  private readonly certDir: string;
  private readonly vaultSet: EmulatorVaults;
  private identity?: IdentityServer;
  private softDeleteDelayMs: number;
  private started?: Started;
  private closed?: Promise<void>;

  constructor(private readonly options: StartEmulatorOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.softDeleteDelayMs = validSoftDeleteDelay(options.softDeleteDelayMs ?? 0);
    // Input problems (seed, data file) surface before any key is generated.
    this.seed = resolveSeed(options.seed);
    this.dataFile = openDataFile(options.dataFile, options.logger);
    const persisted = this.dataFile?.load();
    validateSeedSecrets(options.vaultName ?? DEFAULT_VAULT_NAME, this.seed.secrets ?? []);
    for (const extra of this.seed.vaults ?? []) validateSeedSecrets(extra.name, extra.secrets ?? []);

    // RSA key generation runs on the thread pool while the synchronous setup below continues; the
    // rejection is kept handled meanwhile and surfaces in start().
    this.tlsPromise = generateTlsMaterial([this.host]);
    this.tlsPromise.catch(() => undefined);
    this.tenantId = options.tenantId ?? randomUUID();
    this.authority = new TokenAuthority({
      tenantId: this.tenantId,
      lifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    });
    const identities = [...(this.seed.identities ?? []), ...(options.identities ?? [])];
    this.registry = new IdentityRegistry({
      systemAssignedRole: options.systemAssignedRole ?? this.seed.systemAssignedRole,
      identities,
    });
    this.faults = new EmulatorFaultInjector({
      latencyMs: options.latencyMs,
      throttle: options.throttle,
      throttleRetryAfter: options.throttleRetryAfter,
    });
    this.certDir = options.certDir ?? mkdtempSync(join(tmpdir(), 'keyvault-emulator-'));
    this.entra = new EntraEmulation({
      host: this.host,
      port: options.entraPort,
      tenantId: this.tenantId,
      authority: this.authority,
      registry: this.registry,
      certDir: this.certDir,
      counters: this.counters,
      faults: this.faults,
      federated: identities.map((i) => ({
        clientId: i.clientId,
        credentials: i.federatedCredentials ?? [],
      })),
      workloadIdentity: options.workloadIdentity,
      servicePrincipal: options.servicePrincipal,
    });
    this.vaultSet = new EmulatorVaults({
      host: this.host,
      security: () => vaultSecurity(this.tenantId, this.authority, this.registry, this.entra),
      faults: this.faults,
      counters: this.counters,
      logger: options.logger,
      dataFile: this.dataFile,
      persisted,
      softDeleteDelayMs: () => this.softDeleteDelayMs,
    });
  }

  /** Binds every port (first vault, seed vaults, identity + admin); on failure closes what started. */
  async start(): Promise<this> {
    try {
      const tls = await this.tlsPromise;
      mkdirSync(this.certDir, { recursive: true });
      const caCertPath = join(this.certDir, 'ca.pem');
      writeFileSync(caCertPath, tls.caCert);
      const { options, seed } = this;
      await this.vaultSet.open(
        tls,
        options.vaultName ?? DEFAULT_VAULT_NAME,
        options.port ?? 0,
        seed.secrets ?? [],
      );
      for (const extra of seed.vaults ?? []) {
        await this.vaultSet.open(tls, extra.name, extra.port ?? 0, extra.secrets ?? []);
      }
      this.identity = await this.startIdentity();
      await this.entra.start({ cert: tls.serverCert, key: tls.serverKey });
      this.started = {
        tls,
        caCertPath,
        identity: this.identity,
        env: emulatorEnvironment({
          host: this.host,
          identityPort: this.identity.port,
          identityHeader: this.identityHeader,
          vaultUrl: this.firstVault.url,
          caCertPath,
          legacyMsi: this.options.legacyMsi === true,
          entra: this.entra.environment(),
        }),
      };
      return this;
    } catch (error) {
      await this.close().catch(() => undefined);
      throw error;
    }
  }

  get vaultUrl(): string {
    return this.firstVault.url;
  }
  get vaults(): readonly EmulatorVault[] {
    return this.vaultSet.all;
  }
  get identityHost(): string {
    return `http://${urlHost(this.host)}:${this.running.identity.port}`;
  }
  get identityEndpoint(): string {
    return `${this.identityHost}/msi/token`;
  }
  get caCert(): string {
    return this.running.tls.caCert;
  }
  get caCertPath(): string {
    return this.running.caCertPath;
  }
  get systemAssigned(): { clientId: string; objectId: string } {
    return { ...this.registry.system };
  }
  get env(): Readonly<Record<string, string>> {
    return this.running.env;
  }
  get authorityHost(): string {
    return this.entra.authorityHost;
  }
  get workloadIdentity(): WorkloadIdentityInfo | undefined {
    return this.entra.workload && { ...this.entra.workload };
  }
  get servicePrincipal(): CreatedApplication | undefined {
    return this.entra.servicePrincipal && { ...this.entra.servicePrincipal };
  }

  addApplication(application: EmulatorApplication): Promise<CreatedApplication> {
    return this.entra.addApplication(application);
  }

  issueServiceAccountToken(input: ServiceAccountTokenInput): string {
    return this.entra.cluster.issue(input);
  }

  vault(name?: string): EmulatorVault {
    const handle = this.vaultSet.find(name);
    if (!handle) throw new Error(`No vault named '${name}'.`);
    return handle;
  }

  addVault(name: string, options?: { port?: number; seed?: SeedSecret[] }): Promise<EmulatorVault> {
    return this.vaultSet.open(this.running.tls, name, options?.port ?? 0, options?.seed ?? []);
  }

  setRole(clientId: string | 'system', role: VaultRoleAlias): void {
    if (clientId !== 'system' && this.entra.directory.setRole(clientId, role)) return;
    this.registry.setRole(clientId, role);
  }

  addIdentity(identity: EmulatorIdentity): { clientId: string; objectId: string } {
    return this.registry.add(identity);
  }

  setSoftDeleteDelay(ms: number): void {
    this.softDeleteDelayMs = validSoftDeleteDelay(ms);
  }

  setTokenLifetime(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new Error('The token lifetime must be a positive number.');
    this.authority.lifetimeSeconds = seconds;
  }

  issueToken(
    options: {
      clientId?: string;
      audience?: string;
      expiresInSeconds?: number;
      kind?: TokenPrincipalKind;
    } = {},
  ): string {
    const resolved = this.registry.resolve(options.clientId);
    return this.authority.issue({
      ...(options.kind ? { kind: options.kind } : {}),
      clientId: resolved?.clientId ?? options.clientId ?? this.registry.system.clientId,
      // An unknown client id still gets a token (role 'none'): tests of callers without access.
      objectId: resolved?.objectId ?? randomUUID(),
      audience: options.audience ?? KEY_VAULT_AUDIENCE,
      ...(options.expiresInSeconds !== undefined ? { expiresInSeconds: options.expiresInSeconds } : {}),
    }).token;
  }

  close(): Promise<void> {
    return (this.closed ??= this.closeAll());
  }

  private get running(): Started {
    if (!this.started) throw new Error('The emulator has not started.');
    return this.started;
  }

  /** The vault the constructor's options name (opened first by start()). */
  private get firstVault(): EmulatorVault {
    const first = this.vaultSet.find();
    if (!first) throw new Error('The emulator has not started.');
    return first;
  }

  private startIdentity(): Promise<IdentityServer> {
    const admin = createAdminHandler({
      identityHeader: this.identityHeader,
      counters: this.counters,
      faults: this.faults,
      vault: (name) => this.vaultSet.find(name),
      setRole: (clientId, role) => this.setRole(clientId, role),
      setTokenLifetime: (seconds) => {
        this.authority.lifetimeSeconds = seconds;
      },
      setSoftDeleteDelay: (ms) => this.setSoftDeleteDelay(ms),
    });
    return startIdentityServer({
      host: this.host,
      port: this.options.identityPort ?? 0,
      header: this.identityHeader,
      authority: this.authority,
      registry: this.registry,
      faults: this.faults,
      counters: this.counters,
      legacyMsi: this.options.legacyMsi === true,
      admin,
    });
  }

  private async closeAll(): Promise<void> {
    await Promise.allSettled([...this.vaultSet.close(), this.identity?.close(), this.entra.close()]);
    try {
      this.dataFile?.flush();
    } finally {
      if (this.options.certDir === undefined) rmSync(this.certDir, { recursive: true, force: true });
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
  // async: bad input (seed, data file) rejects the promise rather than throwing synchronously.
  return new LocalEmulator(options).start();
}

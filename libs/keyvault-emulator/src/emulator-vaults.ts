/**
 * The vaults of one emulator: each opened on its own HTTPS port over its own store, seeded or restored
 * from the data file, found by name, persisted together, closed together.
 */
import type { SeedSecret } from './emulator.interfaces.js';
import { seedToSetInput } from './seed.js';
import type { EmulatorTlsMaterial } from './tls.js';
import { DataFile, toPersistedState } from './vault/persistence.js';
import { SecretStore } from './vault/store.js';
import type { PersistedState, VaultSnapshot } from './vault/store.interfaces.js';
import { validateSeedSecrets, VaultHandle } from './vault/vault-handle.js';
import { VaultServer, type EmulatorLogger, type VaultServerOptions } from './vault/vault.server.js';

/** Vault names: letters, digits and hyphens (Azure's are 3–24 characters; the emulator is lenient). */
const VAULT_NAME_PATTERN = /^[0-9A-Za-z-]{1,63}$/;

/** What every vault of one emulator shares. */
export interface EmulatorVaultsOptions {
  host: string;
  /** Each vault's token checks (one object a vault, as each server holds its own). */
  security: () => VaultServerOptions['security'];
  faults: VaultServerOptions['faults'];
  counters: VaultServerOptions['counters'];
  logger?: EmulatorLogger;
  dataFile?: DataFile;
  /** The data file's state at startup: a vault found in it keeps it instead of its seed. */
  persisted?: PersistedState;
  /** Read at every delete, so the admin API's change applies to running vaults. */
  softDeleteDelayMs: () => number;
}

/** The data file, when one is named; a failed write is logged and the emulator keeps serving. */
export function openDataFile(
  path: string | undefined,
  logger: EmulatorLogger | undefined,
): DataFile | undefined {
  if (!path) return undefined;
  return new DataFile(path, undefined, (error) =>
    logger?.error(`Could not write the data file ${path}: ${(error as Error)?.message ?? error}`),
  );
}

export class EmulatorVaults {
  private readonly servers: VaultServer[] = [];
  private readonly handles: VaultHandle[] = [];

  constructor(private readonly options: EmulatorVaultsOptions) {}

  /** Every vault, the first one first. */
  get all(): readonly VaultHandle[] {
    return [...this.handles];
  }

  /** The first vault without a name, else the one of that name (case-insensitive, as Azure's). */
  find(name?: string): VaultHandle | undefined {
    if (name === undefined) return this.handles[0];
    return this.handles.find((h) => h.name.toLowerCase() === name.toLowerCase());
  }

  /** Seeding: a vault with state in the data file keeps it; only a new vault gets its seed secrets. */
  async open(
    tls: EmulatorTlsMaterial,
    name: string,
    port: number,
    secrets: SeedSecret[],
  ): Promise<VaultHandle> {
    if (!VAULT_NAME_PATTERN.test(name))
      throw new Error(`Invalid vault name '${name}': use letters, digits and hyphens.`);
    if (this.find(name)) throw new Error(`A vault named '${name}' already exists.`);
    const { dataFile } = this.options;
    const store = new SecretStore(name, {
      onChange: dataFile ? () => dataFile.schedule(this.persistAll) : undefined,
      softDeleteDelayMs: this.options.softDeleteDelayMs,
    });
    const snapshot = this.options.persisted?.vaults[name.toLowerCase()];
    if (snapshot) store.load(snapshot);
    else {
      validateSeedSecrets(name, secrets);
      for (const secret of secrets) store.set(seedToSetInput(secret, `seed of vault ${name}`));
    }
    const server = await VaultServer.start({
      name,
      host: this.options.host,
      port,
      tls: { cert: tls.serverCert, key: tls.serverKey },
      store,
      security: this.options.security(),
      faults: this.options.faults,
      counters: this.options.counters,
      logger: this.options.logger,
    });
    this.servers.push(server);
    const handle = new VaultHandle(server);
    this.handles.push(handle);
    if (!snapshot && dataFile) dataFile.schedule(this.persistAll);
    return handle;
  }

  /** Closes every vault's server (each settles on its own). */
  close(): Promise<void>[] {
    return this.servers.map((s) => s.close());
  }

  /** Every running vault's state, plus the data file's vaults not opened this time (kept, not dropped). */
  private readonly persistAll = (): PersistedState => {
    const vaults: Record<string, VaultSnapshot> = { ...this.options.persisted?.vaults };
    for (const server of this.servers) vaults[server.name.toLowerCase()] = server.store.snapshot();
    return toPersistedState(vaults);
  };
}

/** A soft-delete delay in ms: a finite number ≥ 0 (0 turns asynchronous soft delete off). */
export function validSoftDeleteDelay(ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new Error('The soft-delete delay must be a number of milliseconds, 0 or more.');
  }
  return ms;
}

import type { EmulatorVault, SeedSecret } from '../emulator.interfaces.js';
import { SeedError, seedToSetInput, toEpochSeconds } from '../seed.js';
import { assertSecretMetadata } from './secret-limits.js';
import { assertSecretName, assertSecretValue, type SecretStore } from './store.js';
import type { UpdateSecretInput } from './store.interfaces.js';
import type { VaultServer } from './vault.server.js';

/** The in-process handle on one vault. */
export class VaultHandle implements EmulatorVault {
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

/** Checks seed secrets as the vault would (name, value size, tags, contentType) so mistakes fail before any key is made. */
export function validateSeedSecrets(vaultName: string, secrets: SeedSecret[]): void {
  for (const secret of secrets) {
    const input = seedToSetInput(secret, `seed of vault ${vaultName}`);
    try {
      assertSecretName(input.name);
      assertSecretValue(input.value);
      assertSecretMetadata(input);
    } catch (error) {
      // Key Vault's own wording (invalid name, too large, invalid property), which never includes the value.
      throw new SeedError(`seed of vault ${vaultName}: secret '${input.name}': ${(error as Error).message}`);
    }
  }
}

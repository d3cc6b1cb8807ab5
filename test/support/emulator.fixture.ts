/**
 * The e2e fixture: one emulator per file (or per describe block), the process environment set for it
 * and put back afterwards, and fresh vaults with their own identity — so counters start at zero and no
 * test sees another's secrets. In the spirit of nestjs-pino's TestCase and terminus's
 * bootstrapTestingModule: call it once at the top of a file, use what it hands out inside tests.
 *
 *   const fx = useEmulator();
 *   it('loads', async () => {
 *     const vault = await fx.freshVault([{ name: 'Db--Password', value: secretValue('db') }]);
 *     const { config } = await loadKeyVaultSecrets(vault.options());
 *   });
 */
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential } from '@azure/identity';
import {
  startEmulator,
  type Emulator,
  type EmulatorRoute,
  type EmulatorVault,
  type FaultSpec,
  type SeedSecret,
  type VaultRoleAlias,
} from 'keyvault-emulator';
import type { KeyVaultConfigModuleOptions } from 'nestjs-keyvault-config';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { childEnv, removeTempDirs } from './child-env.js';
import { CREDENTIAL_VARIABLE, EnvironmentScope, changedVariables, identityEnv } from './environment.js';
import { captureLogger, type CapturedLogger } from './load-harness.js';

/** Options of {@link useEmulator}: the emulator's own, plus how this process's identity is set. */
export type UseEmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]> & {
  /**
   * Which managed identity this process gets for the file: the emulator's App Service endpoint
   * (IDENTITY_ENDPOINT + IDENTITY_HEADER), or none (tests that run children with their own
   * environment). Either way every other credential variable (AZURE_*, MSI_*, IMDS_*,
   * KEY_VAULT_URL) is unset, so the shell's own login can never answer.
   * @default 'app-service'
   */
  identity?: 'app-service' | 'none';
};

/** Options of {@link EmulatorFixture.freshVault}. */
export interface FreshVaultOptions {
  /** Role of the vault's fresh identity. @default 'user' (Key Vault Secrets User) */
  role?: VaultRoleAlias;
  /** Faults added for this vault only (`vault` is filled in). */
  faults?: Array<Omit<FaultSpec, 'vault'>>;
  /** Added to `clientOptions` after the emulator's CA. */
  clientOptions?: KeyVaultConfigModuleOptions['clientOptions'];
  /** @default `v-<8 random hex>` */
  name?: string;
}

/** A vault created for one test, with an identity of its own and a capturing logger. */
export interface FreshVault {
  readonly name: string;
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** `127.0.0.1:<port>`, as reports and messages name the vault. */
  readonly host: string;
  /** The emulator's handle (set, update, delete secrets behind the library's back). */
  readonly handle: EmulatorVault;
  readonly identity: { clientId: string; objectId: string };
  readonly logger: CapturedLogger;
  /** A new ManagedIdentityCredential for the vault's identity (each call: its own token cache). */
  credential(): ManagedIdentityCredential;
  /**
   * Library options for this vault: its URL, a new credential for its identity, the emulator's CA,
   * `env: {}` and the vault's logger — then `overrides` (shallow: an override replaces the default).
   */
  options(overrides?: Partial<VaultLoadOptions> & NoRefreshOptions): VaultLoadOptions;
  options(overrides: Partial<KeyVaultConfigModuleOptions>): KeyVaultConfigModuleOptions;
  /** Requests this vault received, optionally for one route and status. */
  count(route?: EmulatorRoute, status?: number): number;
}

/**
 * What {@link FreshVault.options} returns without a refresh option: the module's options minus the
 * refresh ones, so it fits `loadKeyVaultSecrets` (load once) as well as `forRoot` and
 * `watchKeyVaultSecrets`; with a refresh option the wide type is returned, which a load-once entry point
 * refuses at compile time.
 */
export type VaultLoadOptions = Omit<
  KeyVaultConfigModuleOptions,
  'refreshInterval' | 'healthFailureThreshold'
>;

/** Overrides that may not hold a refresh option (a wide options variable picks the other overload). */
type NoRefreshOptions = { refreshInterval?: never; healthFailureThreshold?: never };

/** Options of {@link EmulatorFixture.childEnv}. */
export interface ChildEnvOptions {
  /**
   * Which of the emulator's managed-identity endpoints the child sees: App Service (IDENTITY_ENDPOINT +
   * IDENTITY_HEADER), IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST), or none (a developer or service
   * principal environment given in `vars`).
   * @default 'app-service'
   */
  platform?: 'app-service' | 'imds' | 'none';
  /** A directory put first on the child's PATH (a fake `az`). */
  pathPrefix?: string;
}

/** What {@link useEmulator} hands out. */
export interface EmulatorFixture {
  /** The running emulator (from beforeAll on). */
  readonly emulator: Emulator;
  /** `clientOptions` trusting the emulator's CA, plus `extra`. */
  clientOptions(
    extra?: KeyVaultConfigModuleOptions['clientOptions'],
  ): NonNullable<KeyVaultConfigModuleOptions['clientOptions']>;
  /** A new vault with exactly `seed`, and a new identity with `role` on it. */
  freshVault(seed?: SeedSecret[], options?: FreshVaultOptions): Promise<FreshVault>;
  /** Sets (undefined: unsets) variables for the running test only; put back after it. */
  setEnv(vars: Record<string, string | undefined>): void;
  /**
   * Runs `cleanup` after the running test (last registered first), before the environment check:
   * stop a watcher, close an app. Returns `resource`, so `fx.afterTest(await watch(), (w) => w.stop())`.
   */
  afterTest<T>(resource: T, cleanup: (resource: T) => unknown): T;
  /**
   * The environment of a spawned process, built from scratch (`support/child-env.ts`: no credential
   * variable, Azure tool or ~/.azure of the developer's): the emulator's CA, its managed identity on
   * `platform`, then `vars` (undefined: left out). Its temporary HOME goes in afterAll.
   */
  childEnv(vars?: Record<string, string | undefined>, options?: ChildEnvOptions): NodeJS.ProcessEnv;
}

/**
 * Registers the hooks: beforeAll starts the emulator and sets the identity environment; afterEach
 * runs the test's {@link EmulatorFixture.afterTest} cleanups, puts back what
 * {@link EmulatorFixture.setEnv} changed and fails a test that changed process.env any other way;
 * afterAll closes the emulator, restores the environment as it was and removes the children's
 * temporary directories.
 */
export function useEmulator(options: UseEmulatorOptions = {}): EmulatorFixture {
  const { identity = 'app-service', ...emulatorOptions } = options;
  const fileScope = new EnvironmentScope();
  const testScope = new EnvironmentScope();
  let emulator: Emulator | undefined;
  let expected: NodeJS.ProcessEnv = {};
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    emulator = await startEmulator(emulatorOptions);
    fileScope.unset(CREDENTIAL_VARIABLE);
    if (identity === 'app-service') {
      const { IDENTITY_ENDPOINT, IDENTITY_HEADER } = identityEnv(emulator);
      fileScope.set({ IDENTITY_ENDPOINT, IDENTITY_HEADER });
    }
    expected = { ...process.env };
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    testScope.restore();
    const leaked = changedVariables(expected, process.env);
    if (leaked.length > 0) {
      for (const name of leaked) {
        if (expected[name] === undefined) delete process.env[name];
        else process.env[name] = expected[name];
      }
      throw new Error(
        `Environment guard: this test changed process.env (${leaked.join(', ')}) without putting it back; use fixture.setEnv().`,
      );
    }
  });
  afterAll(async () => {
    await emulator?.close();
    fileScope.restore();
    removeTempDirs();
  });

  const running = (): Emulator => {
    if (!emulator) throw new Error('useEmulator(): the emulator starts in beforeAll; use it inside tests');
    return emulator;
  };
  const clientOptions: EmulatorFixture['clientOptions'] = (extra) => ({
    tlsOptions: { ca: running().caCert },
    ...extra,
  });
  return {
    get emulator() {
      return running();
    },
    clientOptions,
    freshVault: (seed = [], vaultOptions = {}) => freshVault(running(), clientOptions, seed, vaultOptions),
    setEnv: (vars) => testScope.set(vars),
    afterTest: (resource, cleanup) => {
      cleanups.push(() => cleanup(resource));
      return resource;
    },
    childEnv: (vars = {}, { platform = 'app-service', pathPrefix } = {}) => {
      const platformEnv =
        platform === 'none'
          ? { NODE_EXTRA_CA_CERTS: running().env.NODE_EXTRA_CA_CERTS }
          : identityEnv(running(), platform);
      return childEnv({ ...platformEnv, ...vars }, pathPrefix);
    },
  };
}

async function freshVault(
  emulator: Emulator,
  clientOptions: EmulatorFixture['clientOptions'],
  seed: SeedSecret[],
  {
    role = 'user',
    faults = [],
    clientOptions: extra,
    name = `v-${randomUUID().slice(0, 8)}`,
  }: FreshVaultOptions,
): Promise<FreshVault> {
  const handle = await emulator.addVault(name, { seed });
  for (const fault of faults) emulator.faults.add({ ...fault, vault: name });
  const identity = emulator.addIdentity({ clientId: randomUUID(), role });
  const logger = captureLogger();
  const credential = () => new ManagedIdentityCredential({ clientId: identity.clientId });
  return {
    name,
    url: handle.url,
    host: new URL(handle.url).host,
    handle,
    identity,
    logger,
    credential,
    options: (overrides: Partial<KeyVaultConfigModuleOptions> = {}) => ({
      vaultUrl: handle.url,
      credential: credential(),
      clientOptions: clientOptions(extra),
      env: {},
      logger,
      ...overrides,
    }),
    count: (route, status) => emulator.counters.count({ route, vault: name, status }),
  };
}

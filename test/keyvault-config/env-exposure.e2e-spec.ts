/**
 * `exposeReferencesInEnv` (issue 12, item 2), through the real SDK against the emulator: resolved
 * `@Microsoft.KeyVault(...)` references written into process.env under their variables, as App Service
 * does — before any Nest provider is built, kept current by refresh (a rotation writes the new value, a
 * reference that no longer resolves gets its reference text back, a variable the application changed is
 * left alone) — while vault secrets that are not references never reach process.env.
 */
import { Inject, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs, type ConfigType } from '@nestjs/config';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KeyVaultConfigModule,
  KeyVaultConfigWatcher,
  keyVaultConfig,
  loadKeyVaultSecrets,
  watchKeyVaultSecrets,
} from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator, type FreshVault, type VaultLoadOptions } from '../support/emulator.fixture.js';
import { expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';
import { bootApp } from '../support/nest-app.js';

const fx = useEmulator();

/** Values of vault secrets that no reference points at carry this: they must never be in process.env. */
const NOT_REFERENCED = 'not-referenced';

/** A vault with two referenced secrets and two that are only listed, and the references in process.env. */
async function setup() {
  const vault = await fx.freshVault([
    { name: 'Db-Password', value: secretValue('db-1') },
    { name: 'Api-Key', value: secretValue('api-1') },
    { name: 'Listed--Only', value: secretValue(`${NOT_REFERENCED}-1`) },
    { name: 'Other', value: secretValue(`${NOT_REFERENCED}-2`) },
  ]);
  const refs = {
    DB_PASSWORD: `@Microsoft.KeyVault(SecretUri=${vault.url}/secrets/Db-Password)`,
    API_KEY: `@Microsoft.KeyVault(SecretUri=${vault.url}/secrets/Api-Key/)`,
  };
  fx.setEnv(refs);
  // `env: undefined`: the references are read from process.env (the fixture's default is `{}`).
  const options = (overrides: Partial<VaultLoadOptions> = {}): VaultLoadOptions =>
    vault.options({ env: undefined, ignoreEnvFile: true, ...overrides });
  return { vault, refs, options };
}

/** No value of a secret that is not a reference anywhere in this process's environment. */
function expectNoUnreferencedValue(): void {
  const leaked = Object.entries(process.env).filter(([, value]) => value?.includes(NOT_REFERENCED));
  expect(leaked.map(([name]) => name)).toEqual([]);
}

/** Lines and report of a load must name variables only. */
function expectNamesOnly(vault: FreshVault, ...more: unknown[]): void {
  expectNoCanary(vault.logger.lines, ...more);
}

describe('exposeReferencesInEnv off (the default)', () => {
  it('resolves references into the config only: process.env keeps the reference text', async () => {
    const { vault, refs, options } = await setup();
    const { config } = await loadKeyVaultSecrets(options());
    expect(config).toMatchObject({ DB_PASSWORD: secretValue('db-1'), API_KEY: secretValue('api-1') });
    expect(process.env.DB_PASSWORD).toBe(refs.DB_PASSWORD);
    expect(process.env.API_KEY).toBe(refs.API_KEY);
    expectNoUnreferencedValue();
    expect(vault.logger.lines.join('\n')).not.toContain('exposeReferencesInEnv');
  });
});

describe('exposeReferencesInEnv with loadKeyVaultSecrets', () => {
  it('writes each resolved reference into process.env, never another vault secret, logging names only', async () => {
    const { vault, options } = await setup();
    const { config, report } = await loadKeyVaultSecrets(options({ exposeReferencesInEnv: true }));
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-1'));
    expect(process.env.API_KEY).toBe(secretValue('api-1'));
    expect(config).toMatchObject({ Listed: { Only: secretValue(`${NOT_REFERENCED}-1`) } });
    expectNoUnreferencedValue();
    expect(vault.logger.infos()).toContain(
      'exposeReferencesInEnv: process.env now holds the resolved Key Vault reference of DB_PASSWORD, API_KEY',
    );
    expectNamesOnly(vault, report);

    // A child process started now inherits the values: the documented trade-off.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(process.env.DB_PASSWORD ?? "")'], {
      encoding: 'utf8',
    });
    expect(child.stdout).toBe(secretValue('db-1'));

    // A second load in the process still sees the references behind the values it wrote.
    vault.handle.setSecret({ name: 'Db-Password', value: secretValue('db-2') });
    const again = await loadKeyVaultSecrets(options({ exposeReferencesInEnv: true }));
    expect(again.config).toMatchObject({ DB_PASSWORD: secretValue('db-2') });
    expect(again.report.entries.find((e) => e.key === 'DB_PASSWORD')).toMatchObject({ source: 'reference' });
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-2'));
  });

  it('writes nothing when the load fails, and rejects the option without resolveReferences', async () => {
    const { vault, refs, options } = await setup();
    vault.handle.deleteSecret('Api-Key');
    const failure = await rejectionOf(loadKeyVaultSecrets(options({ exposeReferencesInEnv: true })));
    expect(failure.code).toBe('SECRET_NOT_FOUND');
    expect(process.env.DB_PASSWORD).toBe(refs.DB_PASSWORD);

    const invalid = await rejectionOf(
      loadKeyVaultSecrets(options({ exposeReferencesInEnv: true, resolveReferences: false })),
    );
    expect(invalid.code).toBe('INVALID_OPTIONS');
    expect(invalid.message).toContain('exposeReferencesInEnv');
  });
});

describe('exposeReferencesInEnv with a refreshing watcher', () => {
  it('follows rotations, restores the reference text of a removed secret, leaves changed variables alone', async () => {
    const { vault, refs, options } = await setup();
    const watcher = fx.afterTest(await watchKeyVaultSecrets(options({ exposeReferencesInEnv: true })), (w) =>
      w.stop(),
    );
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-1'));

    vault.handle.setSecret({ name: 'Db-Password', value: secretValue('db-2') });
    expect((await watcher.refresh()).ok).toBe(true);
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-2'));
    expect(watcher.get('DB_PASSWORD')).toBe(secretValue('db-2'));

    // Disabled: the variable holds its reference text again, as App Service shows an unresolved one.
    vault.handle.updateSecret('Db-Password', { enabled: false });
    expect((await watcher.refresh()).ok).toBe(true);
    expect(process.env.DB_PASSWORD).toBe(refs.DB_PASSWORD);
    expect(watcher.get('DB_PASSWORD')).toBeUndefined();
    expect(vault.logger.infos()).toContain(
      'exposeReferencesInEnv: process.env holds the reference text of DB_PASSWORD again (the secret no longer resolves)',
    );
    // Enabled again, with a new version: resolved and written again.
    vault.handle.setSecret({ name: 'Db-Password', value: secretValue('db-3') });
    expect((await watcher.refresh()).ok).toBe(true);
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-3'));

    // The application's own value is never overwritten.
    fx.setEnv({ API_KEY: 'set by the app' });
    vault.handle.setSecret({ name: 'Api-Key', value: secretValue('api-2') });
    expect((await watcher.refresh()).ok).toBe(true);
    expect(process.env.API_KEY).toBe('set by the app');
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-3'));
    expectNoUnreferencedValue();
    expectNamesOnly(vault, watcher.report);
  });
});

describe('exposeReferencesInEnv with Nest', () => {
  const DB_URL = Symbol('DB_URL');
  const database = registerAs('database', () => ({ password: process.env.DB_PASSWORD }));

  it('forRoot: provider factories and registerAs factories read the values from process.env', async () => {
    const { vault, options } = await setup();
    @Module({ providers: [{ provide: DB_URL, useFactory: () => `pg://app:${process.env.DB_PASSWORD}@db` }] })
    class DatabaseModule {}
    const app = await bootApp(fx, [
      await KeyVaultConfigModule.forRoot(
        options({ exposeReferencesInEnv: true, configModule: { load: [database] } }),
      ),
      DatabaseModule,
    ]);
    expect(app.get(DB_URL)).toBe(`pg://app:${secretValue('db-1')}@db`);
    expect(app.get<ConfigType<typeof database>>(database.KEY).password).toBe(secretValue('db-1'));
    const config = app.get(ConfigService);
    expect(config.get('DB_PASSWORD')).toBe(secretValue('db-1'));
    expect(config.get('Listed.Only')).toBe(secretValue(`${NOT_REFERENCED}-1`));
    expectNoUnreferencedValue();
    expectNamesOnly(vault);
  });

  it('forRoot refresh: the bridge keeps exposed variables and keeps other vault values out', async () => {
    const { vault, refs, options } = await setup();
    const app = await bootApp(fx, [
      await KeyVaultConfigModule.forRoot(options({ exposeReferencesInEnv: true })),
    ]);
    const watcher = app.get(KeyVaultConfigWatcher);
    const config = app.get(ConfigService);
    const seenBySubscribers: Array<string | undefined> = [];
    const subscription = config.changes$.subscribe(() => seenBySubscribers.push(process.env.DB_PASSWORD));
    fx.afterTest(subscription, (s) => s.unsubscribe());

    vault.handle.setSecret({ name: 'Db-Password', value: secretValue('db-2') });
    vault.handle.setSecret({ name: 'Listed--Only', value: secretValue(`${NOT_REFERENCED}-3`) });
    expect((await watcher.refresh()).ok).toBe(true);
    expect(config.get('DB_PASSWORD')).toBe(secretValue('db-2'));
    expect(config.get('Listed.Only')).toBe(secretValue(`${NOT_REFERENCED}-3`));
    expect(process.env.DB_PASSWORD).toBe(secretValue('db-2'));
    // Written before the change is emitted: subscribers (one call per changed key: DB_PASSWORD, the
    // listed Db_Password and Listed.Only) see this cycle's environment.
    expect(seenBySubscribers).toEqual([secretValue('db-2'), secretValue('db-2'), secretValue('db-2')]);
    expectNoUnreferencedValue();

    vault.handle.deleteSecret('Db-Password');
    expect((await watcher.refresh()).ok).toBe(true);
    expect(process.env.DB_PASSWORD).toBe(refs.DB_PASSWORD);
    // ConfigService falls through to process.env, as it does without the option: no stale value.
    expect(config.get('DB_PASSWORD')).toBe(refs.DB_PASSWORD);
    expectNamesOnly(vault, watcher.report);
  });

  it('forRoot: a reference read from a .env file is written into process.env too', async () => {
    const { vault, refs, options } = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'env-exposure-'));
    fx.afterTest(dir, (d) => rmSync(d, { recursive: true, force: true }));
    const envFile = join(dir, '.env');
    writeFileSync(envFile, `FROM_FILE=${refs.API_KEY}\n`);
    fx.setEnv({ FROM_FILE: undefined }); // put back (unset) after the test
    const app = await bootApp(fx, [
      await KeyVaultConfigModule.forRoot(
        options({ exposeReferencesInEnv: true, ignoreEnvFile: false, envFilePath: envFile }),
      ),
    ]);
    expect(process.env.FROM_FILE).toBe(secretValue('api-1'));
    expect(app.get(ConfigService).get('FROM_FILE')).toBe(secretValue('api-1'));
    expectNamesOnly(vault);
  });

  it('keyVaultConfig(): a registerAs factory in the same load reads the value from process.env', async () => {
    const { vault, options } = await setup();
    @Module({})
    class Probe {
      constructor(@Inject(database.KEY) readonly db: ConfigType<typeof database>) {}
    }
    const { vaultUrl, credential, clientOptions, logger } = options();
    const app = await bootApp(fx, [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        load: [
          keyVaultConfig({ vaultUrl, credential, clientOptions, logger, exposeReferencesInEnv: true }),
          database,
        ],
      }),
      Probe,
    ]);
    expect(app.get(Probe).db.password).toBe(secretValue('db-1'));
    expect(process.env.API_KEY).toBe(secretValue('api-1'));
    expectNoUnreferencedValue();
    expectNamesOnly(vault);
  });
});

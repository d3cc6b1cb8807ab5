/**
 * A generated Nest consumer of the packed nestjs-keyvault-config, compiled by test/compat once as
 * CommonJS (`module: commonjs`) and once as ESM (`module: nodenext`), strict with
 * exactOptionalPropertyTypes. `node main.js forroot` boots `KeyVaultConfigModule.forRoot` (refresh,
 * health); `node main.js load` boots `ConfigModule.forRoot({ load: [keyVaultConfig()] })`. Both have
 * a TypeORM-style `forRootAsync` module whose factory reads ConfigService. It prints `LISTENING <port>`
 * and answers the runner's probes with fingerprints — never a value.
 */
import { createHash } from 'node:crypto';
import {
  Controller,
  Get,
  Inject,
  Module,
  Post,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import {
  KeyVaultConfigModule,
  KeyVaultHealthIndicator,
  KeyVaultConfigWatcher,
  keyVaultConfig,
  type KeyVaultConfigModuleOptions,
} from 'nestjs-keyvault-config';

const KEYS = ['Db.Password', 'Api.Key', 'Gone.Soon'] as const;
const keysOf = (changes: ReadonlyArray<{ key: string }>): string[] => changes.map((change) => change.key);
const fingerprint = (value: unknown): string | null =>
  typeof value === 'string' ? createHash('sha256').update(value).digest('hex').slice(0, 12) : null;

/** A stand-in for TypeOrmModule.forRootAsync: options from a factory that injects ConfigService. */
const DB_OPTIONS = 'DB_OPTIONS';
interface DbOptions {
  password: string | undefined;
}
interface DbModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => DbOptions | Promise<DbOptions>;
}
@Module({})
class DatabaseModule {
  static forRootAsync(options: DbModuleAsyncOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: options.imports ?? [],
      providers: [{ provide: DB_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [DB_OPTIONS],
    };
  }
}
const database = DatabaseModule.forRootAsync({
  imports: [ConfigModule],
  inject: [ConfigService],
  useFactory: (config: ConfigService) => ({ password: config.get<string>('Db.Password') }),
});

@Controller()
class ProbeController {
  constructor(
    @Inject(ConfigService) private readonly config: ConfigService,
    @Inject(DB_OPTIONS) private readonly db: DbOptions,
  ) {}

  @Get('probe')
  probe(): Record<string, unknown> {
    return {
      keys: Object.fromEntries(KEYS.map((key) => [key, fingerprint(this.config.get(key))])),
      dbOptions: fingerprint(this.db.password),
      // Fingerprints of the environment: the runner checks no secret ever lands in process.env.
      environment: Object.values(process.env).map(fingerprint),
    };
  }
}

@Controller()
class RefreshController {
  constructor(
    @Inject(KeyVaultConfigWatcher) private readonly watcher: KeyVaultConfigWatcher,
    @Inject(KeyVaultHealthIndicator) private readonly indicator: KeyVaultHealthIndicator,
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
  ) {}

  @Post('refresh')
  async refresh(): Promise<Record<string, unknown>> {
    const summary = await this.watcher.refresh();
    return {
      ok: summary.ok,
      updated: keysOf(summary.changes.updated),
      removed: keysOf(summary.changes.removed),
    };
  }

  @Get('health')
  check(): Promise<unknown> {
    return this.health.check([() => this.indicator.isHealthy('keyvault')]);
  }
}

@Module({})
class ForRootAppModule {}
@Module({})
class LoadAppModule {}

async function appModule(mode: string): Promise<DynamicModule> {
  if (mode === 'forroot') {
    // The README's quick start: process.env.KEY_VAULT_URL is string | undefined.
    const options: KeyVaultConfigModuleOptions = {
      vaultUrl: process.env.KEY_VAULT_URL,
      ignoreEnvFile: true,
      // Failing refresh cycles (the runner's health checks) fail at once instead of retrying.
      maxRetries: 0,
      configModule: { cache: true },
    };
    return {
      module: ForRootAppModule,
      imports: [KeyVaultConfigModule.forRoot(options), database, TerminusModule],
      controllers: [ProbeController, RefreshController],
    };
  }
  // compat:load-mode {  (cut from sets without it: keyVaultConfig() in `load` needs @nestjs/config 3.3+)
  return {
    module: LoadAppModule,
    imports: [
      ConfigModule.forRoot({
        isGlobal: true,
        cache: true,
        ignoreEnvFile: true,
        load: [keyVaultConfig({ vaultUrl: process.env.KEY_VAULT_URL, ignoreEnvFile: true })],
      }),
      database,
    ],
    controllers: [ProbeController],
  };
  // } compat:load-mode
}

async function main(): Promise<void> {
  const app = await NestFactory.create(await appModule(process.argv[2] ?? 'forroot'), {
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  console.log(`LISTENING ${address.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

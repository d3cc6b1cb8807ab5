import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KeyVaultConfigModule, KeyVaultHealthIndicator } from 'nestjs-keyvault-config';
import { ApiKeyGuard } from './api/api-key.guard.js';
import { DatabaseController } from './api/database.controller.js';
import { GreetingController } from './api/greeting.controller.js';
import { HealthController } from './health/health.controller.js';
import { MASTER_SECRETS } from './sample.constants.js';
import type { SampleOptions } from './sample-options.js';
import { StatusController } from './status/status.controller.js';
import { StatusService } from './status/status.service.js';
import { TokenService } from './tokens/token.service.js';
import { TokensController } from './tokens/tokens.controller.js';

/** The sample's root module. */
@Module({})
export class AppModule {
  /**
   * Describes the app; the vault loads when Nest builds it (before any provider). The vault URL comes
   * from `KEY_VAULT_URL` (the library's default) and the credential from the platform — App Service's
   * `IDENTITY_ENDPOINT` here, the emulator's locally — so nothing secret is configured anywhere. A
   * failed load rejects `NestFactory.create`, which `main.ts` turns into one readable line.
   */
  static async forRoot(
    options: Pick<SampleOptions, 'refreshInterval' | 'masterSecrets'>,
  ): Promise<DynamicModule> {
    const keyVault = await KeyVaultConfigModule.forRoot({ refreshInterval: options.refreshInterval });
    return {
      module: AppModule,
      imports: [keyVault, TerminusModule.forRoot()],
      controllers: [
        StatusController,
        HealthController,
        GreetingController,
        TokensController,
        DatabaseController,
      ],
      providers: [
        ApiKeyGuard,
        TokenService,
        StatusService,
        KeyVaultHealthIndicator,
        { provide: MASTER_SECRETS, useValue: options.masterSecrets },
      ],
    };
  }
}

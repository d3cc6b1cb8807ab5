import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KeyVaultConfigModule, KeyVaultHealthIndicator } from 'nestjs-keyvault-config';
import { ApiKeyGuard } from './api/api-key.guard.js';
import { DatabaseController } from './api/database.controller.js';
import { GreetingController } from './api/greeting.controller.js';
import { HealthController } from './health/health.controller.js';
import type { SampleOptions } from './sample-options.js';
import { StatusController } from './status/status.controller.js';
import { StatusService } from './status/status.service.js';
import { TokenService } from './tokens/token.service.js';
import { TokensController } from './tokens/tokens.controller.js';

/** The sample's root module. */
@Module({})
export class AppModule {
  /**
   * Loads the vault first, then describes the app. The vault URL comes from `KEY_VAULT_URL` (the
   * library's default) and the credential from the platform — App Service's `IDENTITY_ENDPOINT` here,
   * the emulator's locally — so nothing secret is configured anywhere.
   *
   * Awaiting `KeyVaultConfigModule.forRoot` here (instead of putting the promise in `imports`) lets
   * `main.ts` turn a failed load into one readable line rather than Nest's stack dump.
   */
  static async forRoot(options: Pick<SampleOptions, 'refreshInterval'>): Promise<DynamicModule> {
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
      providers: [ApiKeyGuard, TokenService, StatusService, KeyVaultHealthIndicator],
    };
  }
}

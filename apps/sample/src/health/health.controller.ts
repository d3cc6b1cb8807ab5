import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { KeyVaultHealthIndicator } from 'nestjs-keyvault-config';
import { HEALTH_KEY } from '../sample.constants.js';

/** `GET /health`: up while refreshes succeed; degraded, then down after repeated failures. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly keyVault: KeyVaultHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.keyVault.isHealthy(HEALTH_KEY)]);
  }
}

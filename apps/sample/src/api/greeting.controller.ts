import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard.js';

/** The protected resource of the demo. */
@Controller('api')
export class GreetingController {
  /** `GET /api/greeting` with `x-api-key`. */
  @Get('greeting')
  @UseGuards(ApiKeyGuard)
  greeting(): { message: string } {
    return { message: 'Hello! Your API key matched the secret Sample--ApiKey from Key Vault.' };
  }
}

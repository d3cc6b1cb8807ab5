import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { constantTimeEquals } from '../common/constant-time.util.js';
import { API_KEY_CONFIG_KEY, API_KEY_HEADER } from '../sample.constants.js';

/**
 * Lets a request through when its `x-api-key` header equals the vault secret `Sample--ApiKey`.
 * The expected key is read from `ConfigService` on every request — never captured at startup — so a
 * rotated key takes effect with the next refresh, without a restart. A mismatch is a bare 401.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly config: ConfigService) {}

  canActivate(context: ExecutionContext): boolean {
    const presented = context.switchToHttp().getRequest<Request>().header(API_KEY_HEADER);
    const expected = this.config.get<string>(API_KEY_CONFIG_KEY);
    // A missing secret (e.g. disabled in the vault and removed by the refresh) locks everyone out.
    if (typeof presented !== 'string' || !expected || !constantTimeEquals(presented, expected)) {
      throw new UnauthorizedException();
    }
    return true;
  }
}

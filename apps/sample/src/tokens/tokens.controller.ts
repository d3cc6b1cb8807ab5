import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiKeyGuard } from '../api/api-key.guard.js';
import { DEFAULT_TOKEN_SUBJECT, TOKEN_SUBJECT_PATTERN } from '../sample.constants.js';
import type { IssuedToken, IssueTokenBody, VerifiedToken } from './token.interfaces.js';
import { TokenService } from './token.service.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Token endpoints: issuing needs the API key, verifying needs only the token. */
@Controller('api/tokens')
export class TokensController {
  constructor(private readonly tokens: TokenService) {}

  /** `POST /api/tokens` with `x-api-key` and an optional `{ "subject": "…" }`. */
  @Post()
  @HttpCode(201)
  @UseGuards(ApiKeyGuard)
  issue(@Body() body: IssueTokenBody | undefined): IssuedToken {
    const subject = body?.subject ?? DEFAULT_TOKEN_SUBJECT;
    if (typeof subject !== 'string' || !TOKEN_SUBJECT_PATTERN.test(subject)) {
      throw new BadRequestException('subject must be 1-64 characters of letters, digits, _ . @ -');
    }
    return this.tokens.issue(subject);
  }

  /** `GET /api/tokens/verify` with `Authorization: Bearer <token>`. */
  @Get('verify')
  verify(@Headers('authorization') authorization: string | undefined): VerifiedToken {
    const token = BEARER.exec(authorization ?? '')?.[1];
    const claims = this.tokens.verify(token ?? '');
    return {
      valid: true,
      subject: claims.sub,
      issuedAt: new Date(claims.iat * 1000).toISOString(),
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    };
  }
}

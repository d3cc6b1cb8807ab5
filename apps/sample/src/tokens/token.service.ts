import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SIGNING_KEY_CONFIG_KEY, TOKEN_LIFETIME_SECONDS } from '../sample.constants.js';
import type { IssuedToken, TokenClaims } from './token.interfaces.js';
import { signToken, verifyToken } from './token.util.js';

/** Issues and checks tokens signed with the vault secret `Sample--SigningKey`. */
@Injectable()
export class TokenService {
  constructor(private readonly config: ConfigService) {}

  /** Issues a token for `subject`, valid for {@link TOKEN_LIFETIME_SECONDS}. */
  issue(subject: string): IssuedToken {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + TOKEN_LIFETIME_SECONDS;
    return {
      token: signToken({ sub: subject, iat, exp }, this.signingKey()),
      tokenType: 'Bearer',
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** The claims of a valid token; anything else is a 401 that says nothing about why. */
  verify(token: string): TokenClaims {
    const claims = verifyToken(token, this.signingKey(), Math.floor(Date.now() / 1000));
    if (!claims) throw new UnauthorizedException();
    return claims;
  }

  // Read on every call, not captured in the constructor: a rotated signing key applies at once (tokens
  // signed with the previous key stop verifying, which is what rotating a signing key is for).
  private signingKey(): string {
    const key = this.config.get<string>(SIGNING_KEY_CONFIG_KEY);
    if (!key) throw new UnauthorizedException();
    return key;
  }
}

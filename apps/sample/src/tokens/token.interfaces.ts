/** Claims of a sample token. */
export interface TokenClaims {
  /** Subject. */
  sub: string;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Expires at, epoch seconds. */
  exp: number;
}

/** Body of `POST /api/tokens`. */
export interface IssueTokenBody {
  subject?: unknown;
}

/** Answer of `POST /api/tokens`. */
export interface IssuedToken {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
}

/** Answer of `GET /api/tokens/verify` for a valid token. */
export interface VerifiedToken {
  valid: true;
  subject: string;
  issuedAt: string;
  expiresAt: string;
}

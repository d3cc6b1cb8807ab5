import { createHash, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  EMULATOR_RESOURCE_GROUP,
  EMULATOR_SUBSCRIPTION_ID,
} from '../constants.js';
import { KEY_VAULT_AUDIENCE } from '../constants.js';
import { KEY_VAULT_APP_ID } from './entra/entra.constants.js';
import { CLOCK_SKEW_SECONDS, issuerFor } from './identity.constants.js';

/** What the identity endpoints put into a token. */
export interface TokenClaimsInput {
  /** `appid`: the identity's application (client) id. */
  clientId: string;
  /** `oid` and `sub`: the identity's object (principal) id. */
  objectId: string;
  /** `aud`: the resource, without `/.default`. */
  audience: string;
  /** Lifetime of this token (default: the authority's current lifetime); negative gives an expired token. */
  expiresInSeconds?: number;
  /** `xms_mirid`: ARM id of the managed identity (default: a plausible user-assigned identity id). */
  resourceId?: string;
  /**
   * What kind of principal the token is for, which decides the claims Entra ID writes:
   * - `managedIdentity` (default): `xms_mirid`, no `idtyp` (the shape the tests pin);
   * - `servicePrincipal`: an app registration (client secret, certificate, federated): `idtyp: app`, no `xms_mirid`;
   * - `user`: a delegated token (what `az login` gets): `scp`, `upn`, `name`, `idtyp: user`, no `xms_mirid`.
   */
  kind?: TokenPrincipalKind;
  /** `upn` / `unique_name` of a user token (default: a name derived from the object id). */
  userPrincipalName?: string;
}

/** The kinds of principal a token can be issued to (see {@link TokenClaimsInput.kind}). */
export type TokenPrincipalKind = 'managedIdentity' | 'servicePrincipal' | 'user';

/** Result of {@link TokenAuthority.verify}. */
export type TokenVerification =
  { ok: true; clientId: string; objectId: string } | { ok: false; reason: string };

/** Claims of an access token as the emulator writes them (Entra ID v1.0 managed-identity shape). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  appid: string;
  appidacr: string;
  idp: string;
  oid: string;
  rh: string;
  sub: string;
  tid: string;
  uti: string;
  ver: string;
  /** Managed identities only. */
  xms_mirid?: string;
  /** `app` for service principals, `user` for users (managed identity tokens carry none here). */
  idtyp?: 'app' | 'user';
  /** Users only: delegated scopes, sign-in name and display name. */
  scp?: string;
  upn?: string;
  unique_name?: string;
  name?: string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Entra ID writes opaque base64url blobs in `aio`, `rh` and `uti`; their content is irrelevant here. */
const opaque = (bytes: number): string => randomBytes(bytes).toString('base64url');

/**
 * Key Vault accepts exactly its resource URI and its first-party application id as `aud` (a token
 * requested with `scope=cfa8b339-82a2-471a-a3c9-0fc0be7a4093/.default` carries the id) — compared as
 * strings: `https://vault.azure.net/` (what a client asking for `resource=https://vault.azure.net/` gets)
 * and case variants are AKV10022, as Key Vault answers them (docs/emulator.md, "Token audience").
 */
function audienceAccepted(aud: string, expected: string): boolean {
  return aud === expected || (expected === KEY_VAULT_AUDIENCE && aud === KEY_VAULT_APP_ID);
}

/**
 * Signs and checks the access tokens of the emulated managed identities: RS256 JWTs with the claims
 * Entra ID puts in a managed identity's v1.0 token, signed with an RSA key pair generated per start
 * (so a token from one emulator run never validates in another).
 */
export class TokenAuthority {
  /** Lifetime of tokens issued from now on, in seconds; may be changed at run time. */
  lifetimeSeconds: number;
  readonly tenantId: string;
  /** `kid` / `x5t` of the signing key (base64url SHA-1 thumbprint, as Entra ID's header carries). */
  readonly keyId: string;
  /** Subscription used in default `xms_mirid` values. */
  readonly subscriptionId: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(options: { tenantId: string; lifetimeSeconds: number; subscriptionId?: string }) {
    this.tenantId = options.tenantId;
    this.lifetimeSeconds = options.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    this.subscriptionId = options.subscriptionId ?? EMULATOR_SUBSCRIPTION_ID;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = b64url(
      createHash('sha1')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest(),
    );
  }

  /** The public key (PEM), for anyone who wants to check tokens outside the emulator. */
  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** Signs a token for an identity; `expiresOn` is in epoch seconds. */
  issue(claims: TokenClaimsInput): { token: string; expiresOn: number } {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = claims.expiresInSeconds ?? this.lifetimeSeconds;
    const exp = now + lifetime;
    // An already-expired token (tests) looks like one that lived its normal life and ran out.
    const iat = lifetime >= 0 ? now : exp - this.lifetimeSeconds;
    const issuer = issuerFor(this.tenantId);
    const payload: AccessTokenClaims = {
      aud: claims.audience,
      iss: issuer,
      iat,
      nbf: iat,
      exp,
      aio: opaque(48),
      appid: claims.clientId,
      appidacr: '2',
      idp: issuer,
      oid: claims.objectId,
      rh: `${opaque(24)}.`,
      sub: claims.objectId,
      tid: this.tenantId,
      uti: opaque(16),
      ver: '1.0',
      ...this.kindClaims(claims),
    };
    const header = { typ: 'JWT', alg: 'RS256', x5t: this.keyId, kid: this.keyId };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), this.privateKey);
    return { token: `${signingInput}.${b64url(signature)}`, expiresOn: exp };
  }

  /** The claims that tell the principal kinds apart (see {@link TokenClaimsInput.kind}). */
  private kindClaims(claims: TokenClaimsInput): Partial<AccessTokenClaims> {
    switch (claims.kind ?? 'managedIdentity') {
      case 'servicePrincipal':
        // appidacr 1 = client secret, 2 = certificate or assertion; the vault does not read it.
        return { idtyp: 'app' };
      case 'user': {
        const upn =
          claims.userPrincipalName ?? `user-${claims.objectId.slice(0, 8)}@emulator.onmicrosoft.com`;
        // A user's token: delegated (`scp`), no application authentication (`appidacr: 0`), and `sub` is
        // pairwise per application rather than the object id.
        return {
          appidacr: '0',
          idtyp: 'user',
          scp: 'user_impersonation',
          upn,
          unique_name: upn,
          name: upn.split('@')[0],
          sub: opaque(32),
        };
      }
      default:
        return {
          xms_mirid:
            claims.resourceId ??
            `/subscriptions/${this.subscriptionId}/resourcegroups/${EMULATOR_RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${claims.clientId.slice(0, 8)}`,
        };
    }
  }

  /**
   * Checks a bearer token as Key Vault would: RS256, this authority's signature, the audience (exactly
   * Key Vault's URI or application id), issuer, and `exp`/`nbf` with a small skew. Reasons are short and readable.
   */
  verify(token: string, audience: string): TokenVerification {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => part === '')) {
      return { ok: false, reason: 'malformed token (expected a JWT of three parts)' };
    }
    const [encodedHeader, encodedPayload, encodedSignature] = parts;
    let header: { alg?: unknown };
    let payload: Partial<AccessTokenClaims>;
    try {
      header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
      payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed token (header or payload is not JSON)' };
    }
    if (header === null || typeof header !== 'object' || payload === null || typeof payload !== 'object') {
      return { ok: false, reason: 'malformed token (header or payload is not a JSON object)' };
    }
    if (header.alg !== 'RS256') {
      return { ok: false, reason: `unsupported algorithm ${String(header.alg)} (expected RS256)` };
    }
    const valid = verify(
      'sha256',
      Buffer.from(`${encodedHeader}.${encodedPayload}`),
      this.publicKey,
      Buffer.from(encodedSignature, 'base64url'),
    );
    if (!valid) return { ok: false, reason: 'invalid signature' };
    if (typeof payload.aud !== 'string' || !audienceAccepted(payload.aud, audience)) {
      return { ok: false, reason: `invalid audience ${String(payload.aud)} (expected ${audience})` };
    }
    if (payload.iss !== issuerFor(this.tenantId)) {
      return { ok: false, reason: `invalid issuer ${String(payload.iss)}` };
    }
    const now = Date.now() / 1000;
    if (typeof payload.exp !== 'number' || now >= payload.exp + CLOCK_SKEW_SECONDS) {
      const at =
        typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : 'an unknown time';
      return { ok: false, reason: `token expired at ${at}` };
    }
    if (typeof payload.nbf === 'number' && now + CLOCK_SKEW_SECONDS < payload.nbf) {
      return { ok: false, reason: `token not valid before ${new Date(payload.nbf * 1000).toISOString()}` };
    }
    if (typeof payload.appid !== 'string' || typeof payload.oid !== 'string') {
      return { ok: false, reason: 'token has no appid/oid claims' };
    }
    return { ok: true, clientId: payload.appid, objectId: payload.oid };
  }
}

import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  PROJECTED_TOKEN_LIFETIME_SECONDS,
  PROJECTED_TOKEN_RENEW_FRACTION,
  TOKEN_EXCHANGE_AUDIENCE,
} from './entra.constants.js';
import { signRs256 } from './jws.js';

/** What a service account token is issued for. */
export interface ServiceAccountTokenInput {
  namespace: string;
  serviceAccount: string;
  /** @default 'api://AzureADTokenExchange' */
  audience?: string;
  /** Lifetime in seconds; negative gives an already expired token (tests). */
  lifetimeSeconds?: number;
}

/**
 * The emulated AKS cluster's service account token issuer: an RSA key pair per start, published as a JWKS
 * under the cluster's OIDC issuer URL (as `az aks show --query oidcIssuerProfile.issuerUrl` names it), and
 * projected tokens in the shape the kubelet writes for a pod with `azure.workload.identity/use: "true"`.
 */
export class EmulatedCluster {
  /** Set once the HTTPS server knows its port: `https://127.0.0.1:<port>/<tenant>/<cluster guid>/`. */
  issuer = '';
  readonly clusterId = randomUUID();
  // Generated on first use: an RSA key takes 100–300 ms, and most emulator starts never need one.
  private keys?: { privateKey: KeyObject; publicKey: KeyObject; keyId: string };

  private get keyPair(): { privateKey: KeyObject; publicKey: KeyObject; keyId: string } {
    if (!this.keys) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const keyId = createHash('sha256')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64url');
      this.keys = { privateKey, publicKey, keyId };
    }
    return this.keys;
  }

  get keyId(): string {
    return this.keyPair.keyId;
  }

  get publicKey(): KeyObject {
    return this.keyPair.publicKey;
  }

  /** The issuer's JWKS (`/openid/v1/jwks`). */
  jwks(): { keys: object[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ ...jwk, use: 'sig', kid: this.keyId, alg: 'RS256' }] };
  }

  /** A projected service account token (`kubernetes.io` claims included, as the API server writes them). */
  issue(input: ServiceAccountTokenInput): string {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = input.lifetimeSeconds ?? PROJECTED_TOKEN_LIFETIME_SECONDS;
    const exp = now + lifetime;
    const iat = lifetime >= 0 ? now : exp - PROJECTED_TOKEN_LIFETIME_SECONDS;
    const payload = {
      aud: [input.audience ?? TOKEN_EXCHANGE_AUDIENCE],
      exp,
      iat,
      nbf: iat,
      iss: this.issuer,
      sub: `system:serviceaccount:${input.namespace}:${input.serviceAccount}`,
      'kubernetes.io': {
        namespace: input.namespace,
        pod: { name: `${input.serviceAccount}-pod`, uid: randomUUID() },
        serviceaccount: { name: input.serviceAccount, uid: randomUUID() },
      },
    };
    return signRs256({ kid: this.keyId }, payload, this.keyPair.privateKey);
  }
}

/**
 * The projected token file, written and renewed the way the kubelet does it: atomically (write then
 * rename, so a reader never sees half a token) and again once 80% of the token's lifetime has passed.
 */
export class ProjectedTokenFile {
  private timer?: NodeJS.Timeout;

  constructor(
    readonly path: string,
    private readonly issue: () => string,
    private readonly lifetimeSeconds = PROJECTED_TOKEN_LIFETIME_SECONDS,
  ) {}

  /** Writes the first token and schedules the renewals. */
  start(): void {
    this.write();
  }

  /** Writes a fresh token now (also what the renewal timer does). */
  write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, this.issue(), { mode: 0o600 });
    renameSync(temporary, this.path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.write(), this.lifetimeSeconds * PROJECTED_TOKEN_RENEW_FRACTION * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

import { createHash, randomBytes, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import type { VaultRole, VaultRoleAlias } from '../../emulator.interfaces.js';
import { parseRole } from '../identities.js';
import { TOKEN_EXCHANGE_AUDIENCE } from './entra.constants.js';

/**
 * A federated identity credential (`az identity federated-credential create` /
 * `az ad app federated-credential create`): which external tokens this identity trusts.
 */
export interface FederatedCredential {
  /** Issuer of the external token (default: the emulated AKS cluster's OIDC issuer). */
  issuer?: string;
  /** e.g. `system:serviceaccount:<namespace>:<service account>`. */
  subject: string;
  /** @default ['api://AzureADTokenExchange'] */
  audiences?: string[];
}

/** An app registration and its service principal, as the emulated directory holds it. */
export interface DirectoryApplication {
  clientId: string;
  /** Object id of the service principal (the `oid` of its tokens). */
  objectId: string;
  role: VaultRole;
  /** Client secret values (compared in constant time by hash). */
  secretHashes: Buffer[];
  /** Public keys of uploaded certificates, by base64url SHA-1 (`x5t`) and SHA-256 (`x5t#S256`) thumbprint. */
  certificates: Map<string, KeyObject>;
}

/** What {@link EntraDirectory.addApplication} takes. */
export interface ApplicationInput {
  clientId?: string;
  objectId?: string;
  role: VaultRoleAlias;
  /** A client secret to accept (`true`: generate one). */
  secret?: string | boolean;
  /** PEM certificates whose keys may sign client assertions. */
  certificatesPem?: string[];
}

const key = (id: string): string => id.trim().toLowerCase();
const hash = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** A client secret in Entra ID's shape: three characters, a `~` marker, 37 more (40 in all). */
export function generateClientSecret(): string {
  const body = randomBytes(30).toString('base64url').replace(/[-_]/g, 'x');
  return `${body.slice(0, 3)}8Q~${body.slice(3, 37)}`;
}

/** base64url SHA-1 and SHA-256 thumbprints of a certificate's DER, as `x5t` / `x5t#S256` carry them. */
export function thumbprints(certificate: X509Certificate): { sha1: string; sha256: string } {
  return {
    sha1: createHash('sha1').update(certificate.raw).digest('base64url'),
    sha256: createHash('sha256').update(certificate.raw).digest('base64url'),
  };
}

/**
 * The emulated tenant's app registrations (service principals with secrets and certificates) and the
 * federated credentials of every identity — app or managed identity — keyed by client id, compared
 * case-insensitively as Entra ID's GUIDs are.
 */
export class EntraDirectory {
  private readonly applications = new Map<string, DirectoryApplication>();
  private readonly federated = new Map<string, FederatedCredential[]>();

  /** Registers an app; returns its ids and the generated secret, if one was asked for. */
  addApplication(input: ApplicationInput): { clientId: string; objectId: string; secret?: string } {
    const clientId = input.clientId?.trim() || randomUUID();
    const objectId = input.objectId?.trim() || randomUUID();
    const secret = input.secret === true ? generateClientSecret() : input.secret || undefined;
    const certificates = new Map<string, KeyObject>();
    for (const pem of input.certificatesPem ?? []) {
      const certificate = new X509Certificate(pem);
      const { sha1, sha256 } = thumbprints(certificate);
      certificates.set(sha1, certificate.publicKey);
      certificates.set(sha256, certificate.publicKey);
    }
    this.applications.set(key(clientId), {
      clientId,
      objectId,
      role: parseRole(input.role),
      secretHashes: secret ? [hash(secret)] : [],
      certificates,
    });
    return secret ? { clientId, objectId, secret } : { clientId, objectId };
  }

  application(clientId: string): DirectoryApplication | undefined {
    return this.applications.get(key(clientId));
  }

  /** Vault role of an app (undefined when the client id is no app's). */
  roleOf(clientId: string): VaultRole | undefined {
    return this.application(clientId)?.role;
  }

  setRole(clientId: string, role: VaultRoleAlias): boolean {
    const app = this.application(clientId);
    if (app) app.role = parseRole(role);
    return app !== undefined;
  }

  /** Adds a federated credential to an identity (app or managed identity) by client id. */
  addFederatedCredential(clientId: string, credential: FederatedCredential): void {
    if (typeof credential?.subject !== 'string' || credential.subject === '') {
      throw new Error('A federated credential needs a subject, e.g. system:serviceaccount:default:my-app');
    }
    const list = this.federated.get(key(clientId)) ?? [];
    list.push({
      ...credential,
      audiences: credential.audiences?.length ? [...credential.audiences] : [TOKEN_EXCHANGE_AUDIENCE],
    });
    this.federated.set(key(clientId), list);
  }

  federatedCredentials(clientId: string): readonly FederatedCredential[] {
    return this.federated.get(key(clientId)) ?? [];
  }
}

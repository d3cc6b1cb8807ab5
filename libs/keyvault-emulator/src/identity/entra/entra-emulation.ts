import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { RequestLogEntry, VaultRole, VaultRoleAlias } from '../../emulator.interfaces.js';
import type { IdentityRegistry } from '../identities.js';
import type { IdentityFaults } from '../server.js';
import type { TokenAuthority } from '../tokens.js';
import { generateClientCertificate } from './client-certificate.js';
import { EmulatedCluster, ProjectedTokenFile } from './cluster.js';
import { EntraDirectory, type FederatedCredential } from './directory.js';
import { DEFAULT_WORKLOAD_NAMESPACE, DEFAULT_WORKLOAD_SERVICE_ACCOUNT } from './entra.constants.js';
import { startEntraServer, type EntraServer } from './entra-server.js';

/** An app registration to create in the emulated tenant (in-process API and the service-principal mode). */
export interface EmulatorApplication {
  clientId?: string;
  objectId?: string;
  role: VaultRoleAlias;
  /** A client secret to accept; `true` generates one (returned). */
  secret?: string | boolean;
  /** Generate a certificate (a PEM file with key and certificate, returned as its path). */
  certificate?: boolean;
  federatedCredentials?: FederatedCredential[];
}

/** What {@link EntraEmulation.addApplication} returns: ids, and the credentials it generated. */
export interface CreatedApplication {
  clientId: string;
  objectId: string;
  secret?: string;
  /** PEM with private key and certificate (AZURE_CLIENT_CERTIFICATE_PATH). */
  certificatePath?: string;
}

/** The workload identity of the emulated AKS pod. */
export interface WorkloadIdentityInfo {
  clientId: string;
  objectId: string;
  namespace: string;
  serviceAccount: string;
  /** The projected token file (AZURE_FEDERATED_TOKEN_FILE), renewed like the kubelet does. */
  tokenFile: string;
}

/** Options of {@link EntraEmulation}. */
export interface EntraEmulationOptions {
  host: string;
  port?: number;
  tenantId: string;
  authority: TokenAuthority;
  registry: IdentityRegistry;
  certDir: string;
  counters: { record(entry: RequestLogEntry): void };
  /** The emulator's faults (token requests: route `identity.entra`). */
  faults?: IdentityFaults;
  /** Federated credentials of seed/in-process identities, by client id. */
  federated: Array<{ clientId: string; credentials: FederatedCredential[] }>;
  workloadIdentity?: boolean | { namespace?: string; serviceAccount?: string; role?: VaultRoleAlias };
  servicePrincipal?: boolean | { role?: VaultRoleAlias };
}

/**
 * The Entra ID half of the emulator: the directory of app registrations and federated credentials, the
 * emulated AKS cluster (OIDC issuer, projected token file) and the HTTPS token endpoint — plus the
 * environment lines of `--workload-identity` and `--service-principal`.
 */
export class EntraEmulation {
  readonly directory = new EntraDirectory();
  readonly cluster = new EmulatedCluster();
  workload?: WorkloadIdentityInfo;
  servicePrincipal?: CreatedApplication;
  private server?: EntraServer;
  private tokenFile?: ProjectedTokenFile;
  private base = '';

  constructor(private readonly options: EntraEmulationOptions) {
    if (options.workloadIdentity && options.servicePrincipal) {
      throw new Error('Choose one of workloadIdentity and servicePrincipal: both set AZURE_CLIENT_ID.');
    }
    for (const { clientId, credentials } of options.federated) {
      for (const credential of credentials) this.directory.addFederatedCredential(clientId, credential);
    }
  }

  /** `https://127.0.0.1:<port>` — AZURE_AUTHORITY_HOST. */
  get authorityHost(): string {
    return this.base;
  }

  async start(tls: { cert: string; key: string }): Promise<void> {
    const { options } = this;
    this.server = await startEntraServer({
      host: options.host,
      port: options.port ?? 0,
      tls,
      counters: options.counters,
      faults: options.faults,
      context: (base) => {
        this.base = base;
        this.cluster.issuer = `${base}/${options.tenantId}/${this.cluster.clusterId}/`;
        return {
          tenantId: options.tenantId,
          authority: options.authority,
          registry: options.registry,
          directory: this.directory,
          cluster: this.cluster,
          tokenEndpoints: (tenant) =>
            [tenant, options.tenantId].flatMap((t) => [
              `${base}/${t}/oauth2/v2.0/token`,
              `${base}/${t}/oauth2/token`,
            ]),
        };
      },
    });
    if (options.workloadIdentity) this.startWorkload();
    if (options.servicePrincipal) {
      const role = typeof options.servicePrincipal === 'object' ? options.servicePrincipal.role : undefined;
      this.servicePrincipal = await this.addApplication({
        role: role ?? 'officer',
        secret: true,
        certificate: true,
      });
    }
  }

  /** A user-assigned identity federated with the cluster's service account, and its projected token file. */
  private startWorkload(): void {
    const settings = typeof this.options.workloadIdentity === 'object' ? this.options.workloadIdentity : {};
    const namespace = settings.namespace ?? DEFAULT_WORKLOAD_NAMESPACE;
    const serviceAccount = settings.serviceAccount ?? DEFAULT_WORKLOAD_SERVICE_ACCOUNT;
    const { clientId, objectId } = this.options.registry.add({
      clientId: randomUUID(),
      role: settings.role ?? 'officer',
    });
    this.directory.addFederatedCredential(clientId, {
      subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
    });
    const tokenFile = join(this.options.certDir, 'workload-identity', 'azure-identity-token');
    this.tokenFile = new ProjectedTokenFile(tokenFile, () =>
      this.cluster.issue({ namespace, serviceAccount }),
    );
    this.tokenFile.start();
    this.workload = { clientId, objectId, namespace, serviceAccount, tokenFile };
  }

  /** Registers an app registration (service principal); generates its secret and certificate when asked. */
  async addApplication(input: EmulatorApplication): Promise<CreatedApplication> {
    let certificate: { combinedPem: string; certificatePem: string } | undefined;
    if (input.certificate) certificate = await generateClientCertificate(`keyvault-emulator-${Date.now()}`);
    const created: CreatedApplication = this.directory.addApplication({
      clientId: input.clientId,
      objectId: input.objectId,
      role: input.role,
      secret: input.secret,
      certificatesPem: certificate ? [certificate.certificatePem] : [],
    });
    for (const credential of input.federatedCredentials ?? []) {
      this.directory.addFederatedCredential(created.clientId, credential);
    }
    if (certificate) {
      const dir = join(this.options.certDir, 'service-principals');
      mkdirSync(dir, { recursive: true });
      created.certificatePath = join(dir, `${created.clientId}.pem`);
      writeFileSync(created.certificatePath, certificate.combinedPem, { mode: 0o600 });
    }
    return created;
  }

  /** Role of an app registration (undefined for a client id that is none). */
  roleOf(clientId: string): VaultRole | undefined {
    return this.directory.roleOf(clientId);
  }

  /** The extra environment lines of the modes asked for, in the documented order. */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    if (this.workload) {
      Object.assign(env, {
        AZURE_AUTHORITY_HOST: this.base,
        AZURE_TENANT_ID: this.options.tenantId,
        AZURE_CLIENT_ID: this.workload.clientId,
        AZURE_FEDERATED_TOKEN_FILE: this.workload.tokenFile,
      });
    }
    if (this.servicePrincipal) {
      Object.assign(env, {
        AZURE_TENANT_ID: this.options.tenantId,
        AZURE_CLIENT_ID: this.servicePrincipal.clientId,
        AZURE_CLIENT_SECRET: this.servicePrincipal.secret!,
        AZURE_AUTHORITY_HOST: this.base,
        AZURE_CLIENT_CERTIFICATE_PATH: this.servicePrincipal.certificatePath!,
      });
    }
    return env;
  }

  async close(): Promise<void> {
    this.tokenFile?.stop();
    await this.server?.close();
  }
}

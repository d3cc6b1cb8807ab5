/**
 * Part of the emulator's public contract (re-exported by emulator.interfaces.ts): the roles it
 * understands, the identities it issues tokens for, and the seed file that sets up vaults and identities.
 */
import type { FederatedCredential } from './identity/entra/index.js';

/** Azure RBAC roles the emulator understands on the data plane of a vault (secrets only). */
export type VaultRole =
  | 'Key Vault Secrets Officer' // everything
  | 'Key Vault Secrets User' // get + list
  | 'Key Vault Reader' // list metadata only (no values)
  | 'none';

/** Short spellings accepted wherever a role is given (seed file, `--role`, in-process). */
export type VaultRoleAlias = VaultRole | 'officer' | 'user' | 'reader';

/** One secret in a seed file or in-process seed. Dates are ISO 8601 strings or epoch seconds. */
export interface SeedSecret {
  name: string;
  value: string;
  contentType?: string;
  enabled?: boolean;
  expires?: string | number;
  notBefore?: string | number;
  tags?: Record<string, string>;
}

/** A managed identity the identity endpoints can issue tokens for. */
export interface EmulatorIdentity {
  /** Application (client) id: selects a user-assigned identity via `client_id`. */
  clientId: string;
  /** Object (principal) id, the `oid` claim. Generated when omitted. */
  objectId?: string;
  role: VaultRoleAlias;
  /**
   * Federated credentials (AKS workload identity): external tokens this identity may exchange at the
   * emulated Entra ID's token endpoint. An omitted issuer is the emulated cluster's.
   */
  federatedCredentials?: FederatedCredential[];
}

/** Seed file format: either a bare array of secrets or this object. */
export interface SeedFile {
  secrets?: SeedSecret[];
  /** Role of the system-assigned identity (default: Key Vault Secrets Officer). */
  systemAssignedRole?: VaultRoleAlias;
  /** User-assigned identities. */
  identities?: EmulatorIdentity[];
  /** Extra vaults, one port each. */
  vaults?: Array<{ name: string; port?: number; secrets?: SeedSecret[] }>;
}

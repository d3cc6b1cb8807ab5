import { randomUUID } from 'node:crypto';
import type { EmulatorIdentity, VaultRole, VaultRoleAlias } from '../emulator.interfaces.js';
import { EMULATOR_RESOURCE_GROUP, EMULATOR_SUBSCRIPTION_ID } from '../constants.js';

const ROLE_NAMES: Record<string, VaultRole> = {
  'key vault secrets officer': 'Key Vault Secrets Officer',
  'key vault secrets user': 'Key Vault Secrets User',
  'key vault reader': 'Key Vault Reader',
  none: 'none',
  officer: 'Key Vault Secrets Officer',
  user: 'Key Vault Secrets User',
  reader: 'Key Vault Reader',
};

/**
 * Turns a role as a person writes it (`--role`, seed file, in-process) into a {@link VaultRole}:
 * the full names case-insensitively, or the aliases officer | user | reader | none.
 * @throws Error with a readable message for anything else.
 */
export function parseRole(role: string): VaultRole {
  const key = String(role).trim().replace(/\s+/g, ' ').toLowerCase();
  const parsed = ROLE_NAMES[key];
  if (parsed === undefined) {
    throw new Error(
      `Unknown role "${role}": expected "Key Vault Secrets Officer", "Key Vault Secrets User", ` +
        `"Key Vault Reader" or "none" (or officer, user, reader)`,
    );
  }
  return parsed;
}

/** A managed identity known to the emulator. */
export interface RegisteredIdentity {
  clientId: string;
  objectId: string;
  role: VaultRole;
  /** ARM id (the `xms_mirid` claim; selects the identity via `mi_res_id` / `msi_res_id`). */
  resourceId: string;
  /** True for the system-assigned identity. */
  systemAssigned: boolean;
}

/** How a token request names a user-assigned identity (at most one of these). */
export interface IdentitySelector {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

const key = (id: string): string => id.trim().toLowerCase();

/**
 * The managed identities the identity endpoints issue tokens for, and their vault roles: one
 * system-assigned identity (random ids per start) plus any number of user-assigned ones selected by
 * client id, object id or resource id. Ids compare case-insensitively, as Entra ID's GUIDs do.
 */
export class IdentityRegistry {
  /** The system-assigned identity. */
  readonly system: { clientId: string; objectId: string };
  /** Subscription used in the identities' resource ids. */
  readonly subscriptionId: string;
  private readonly systemIdentity: RegisteredIdentity;
  private readonly users = new Map<string, RegisteredIdentity>();

  constructor(options: {
    systemAssignedRole?: VaultRoleAlias;
    identities?: EmulatorIdentity[];
    subscriptionId?: string;
  }) {
    this.subscriptionId = options.subscriptionId ?? EMULATOR_SUBSCRIPTION_ID;
    const clientId = randomUUID();
    this.systemIdentity = {
      clientId,
      objectId: randomUUID(),
      role: parseRole(options.systemAssignedRole ?? 'Key Vault Secrets Officer'),
      // A system-assigned identity belongs to its resource: the emulated app.
      resourceId: `/subscriptions/${this.subscriptionId}/resourcegroups/${EMULATOR_RESOURCE_GROUP}/providers/Microsoft.Web/sites/keyvault-emulator-app`,
      systemAssigned: true,
    };
    this.system = { clientId, objectId: this.systemIdentity.objectId };
    for (const identity of options.identities ?? []) this.add(identity);
  }

  /** Registers (or replaces) a user-assigned identity; returns its ids. */
  add(identity: EmulatorIdentity): { clientId: string; objectId: string } {
    if (typeof identity?.clientId !== 'string' || identity.clientId.trim() === '') {
      throw new Error('A user-assigned identity needs a non-empty clientId');
    }
    const clientId = identity.clientId.trim();
    if (key(clientId) === key(this.system.clientId)) {
      throw new Error(`Client id ${clientId} is the system-assigned identity's`);
    }
    const objectId = identity.objectId?.trim() || randomUUID();
    const name = `id-${
      key(clientId)
        .replace(/[^a-z0-9-]/g, '')
        .slice(0, 24) || 'user'
    }`;
    this.users.set(key(clientId), {
      clientId,
      objectId,
      role: parseRole(identity.role),
      resourceId: `/subscriptions/${this.subscriptionId}/resourcegroups/${EMULATOR_RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
      systemAssigned: false,
    });
    return { clientId, objectId };
  }

  /**
   * The identity a token request is for: the system-assigned one when `clientId` is undefined,
   * a user-assigned one by client id otherwise; undefined when unknown.
   */
  resolve(clientId?: string): { clientId: string; objectId: string; role: VaultRole } | undefined {
    const found = this.find(clientId === undefined ? {} : { clientId });
    return found && { clientId: found.clientId, objectId: found.objectId, role: found.role };
  }

  /**
   * Like {@link resolve} with the full record, selecting by client id, object (principal) id or
   * resource id — whichever the request carried; none selects the system-assigned identity.
   */
  find(selector: IdentitySelector): RegisteredIdentity | undefined {
    const all = this.list();
    if (selector.clientId !== undefined) return all.find((i) => key(i.clientId) === key(selector.clientId!));
    if (selector.objectId !== undefined) return all.find((i) => key(i.objectId) === key(selector.objectId!));
    if (selector.resourceId !== undefined) {
      return all.find((i) => key(i.resourceId) === key(selector.resourceId!));
    }
    return { ...this.systemIdentity };
  }

  /** Role of the identity with this client id (`'none'` when unknown). */
  roleOf(clientId: string): VaultRole {
    return this.find({ clientId })?.role ?? 'none';
  }

  /** Changes the role of an identity (`'system'` = the system-assigned one). */
  setRole(clientId: string | 'system', role: VaultRoleAlias): void {
    const parsed = parseRole(role);
    if (clientId === 'system' || key(clientId) === key(this.system.clientId)) {
      this.systemIdentity.role = parsed;
      return;
    }
    const identity = this.users.get(key(clientId));
    if (identity === undefined) {
      throw new Error(
        `Unknown identity ${clientId}: register it first (identities in the seed file or addIdentity)`,
      );
    }
    identity.role = parsed;
  }

  /** Every identity, the system-assigned one first (copies). */
  list(): RegisteredIdentity[] {
    return [this.systemIdentity, ...this.users.values()].map((identity) => ({ ...identity }));
  }
}

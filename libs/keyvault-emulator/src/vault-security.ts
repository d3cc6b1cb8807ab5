import { isAllowed, PERMISSION_ACTIONS } from './authorization.js';
import type { IdentityRegistry } from './identity/identities.js';
import type { TokenAuthority } from './identity/tokens.js';
import type { VaultSecurity } from './vault/vault.server.js';
import type { VaultRole } from './emulator.interfaces.js';

/** What the vaults need from the identity half: token checks, roles and their permissions. */
export function vaultSecurity(
  tenantId: string,
  authority: TokenAuthority,
  registry: IdentityRegistry,
  applications?: { roleOf(clientId: string): VaultRole | undefined },
): VaultSecurity {
  return {
    tenantId,
    verify: (token, audience) => authority.verify(token, audience),
    // App registrations (service principals) first, then the managed identities.
    roleOf: (clientId) => applications?.roleOf(clientId) ?? registry.roleOf(clientId),
    isAllowed: (role, permission) => isAllowed(role, permission),
    actionOf: (permission) => PERMISSION_ACTIONS[permission],
  };
}

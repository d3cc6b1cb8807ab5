/**
 * The selected credential's token against the vault's challenge: its audience must be the challenge's
 * resource (or Key Vault's application id) and its tenant the challenge's tenant — otherwise the vault
 * answers 401 to every request, whatever the permissions.
 */
import { azLogin } from '../../core/messages/index.js';
import { KEY_VAULT_APP_ID } from '../doctor.constants.js';
import type { DoctorProblem, DoctorVault } from '../doctor.interfaces.js';
import type { TokenIdentity } from './identity.js';

const normalize = (value: string): string => value.trim().toLowerCase().replace(/\/+$/, '');

/** Tenants a challenge may name that accept any tenant's token. */
const ANY_TENANT = new Set(['common', 'organizations']);

export function compareToken(
  token: TokenIdentity,
  challenge: NonNullable<DoctorVault['challenge']>,
): NonNullable<DoctorVault['token']> {
  const audienceOk =
    token.audience === undefined ||
    challenge.resource === undefined ||
    normalize(token.audience) === normalize(challenge.resource) ||
    normalize(token.audience) === KEY_VAULT_APP_ID;
  const tenantOk =
    token.tid === undefined ||
    challenge.tenant === undefined ||
    ANY_TENANT.has(challenge.tenant.toLowerCase()) ||
    token.tid.toLowerCase() === challenge.tenant.toLowerCase();
  const parts = [
    audienceOk
      ? `audience ${token.audience ?? 'unknown'} matches`
      : `audience ${token.audience} is not the vault's resource ${challenge.resource}`,
    tenantOk
      ? `tenant ${token.tid ?? 'unknown'} matches`
      : `tenant ${token.tid} is not the vault's tenant ${challenge.tenant}`,
  ];
  return {
    ok: audienceOk && tenantOk,
    ms: 0,
    ...(token.audience ? { audience: token.audience } : {}),
    ...(token.tid ? { tenant: token.tid } : {}),
    detail: parts.join(', '),
  };
}

/** The problem of a token that does not fit the vault (every request would get 401). */
export function tokenProblem(vault: DoctorVault, credentialName: string): DoctorProblem | undefined {
  if (!vault.token || vault.token.ok) return undefined;
  const tenant = vault.challenge?.tenant;
  return {
    code: 'ACCESS_DENIED',
    message: `The token of ${credentialName} does not fit ${vault.host}: ${vault.token.detail}. Key Vault answers 401 to such a token whatever the permissions: sign in to the vault's tenant, or set AZURE_TENANT_ID to it.`,
    ...(tenant ? { fix: `${azLogin(tenant)}\nAZURE_TENANT_ID=${tenant}` } : {}),
    vault: vault.host,
  };
}

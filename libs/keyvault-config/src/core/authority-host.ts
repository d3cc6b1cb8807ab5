/**
 * The one place the library changes how the SDK's credentials reach Entra ID: for an authority host on
 * loopback (the local emulator's AZURE_AUTHORITY_HOST), MSAL must not run its instance discovery, which
 * asks login.microsoftonline.com whether the host is a known cloud — a request that leaves the machine,
 * and that a local emulator cannot answer. With `disableInstanceDiscovery` @azure/identity lists the host
 * as a known authority, so MSAL reads the OpenID configuration from the host itself. For any other host
 * nothing changes: Azure's own authority hosts keep the SDK's validation.
 */
import { isLoopbackHost } from './vault-url.js';

/** True when AZURE_AUTHORITY_HOST (or the given host) names a loopback address. */
export function isLoopbackAuthorityHost(
  authorityHost: string | undefined = process.env.AZURE_AUTHORITY_HOST,
): boolean {
  if (!authorityHost?.trim()) return false;
  try {
    return isLoopbackHost(new URL(authorityHost.trim()).hostname);
  } catch {
    return false;
  }
}

/**
 * Options to add to a credential built by the library: `{ disableInstanceDiscovery: true }` for a
 * loopback authority host, nothing otherwise.
 */
export function authorityHostOptions(authorityHost: string | undefined = process.env.AZURE_AUTHORITY_HOST): {
  disableInstanceDiscovery?: true;
} {
  return isLoopbackAuthorityHost(authorityHost) ? { disableInstanceDiscovery: true } : {};
}

/**
 * A credential of a chain the library builds (credential.ts) that ends the chain once its token request
 * was given up.
 *
 * Why: `ChainedTokenCredential` goes on to the next credential after a `CredentialUnavailableError`, and
 * the SDK's credentials report an aborted request as one. So after a hung Entra ID request was given up
 * (a load's deadline, a stopped refresh), the AKS workload-identity chain went on to spawn `az`, `pwsh`
 * and `azd` for a token nobody waits for. An AbortError is not an error the chain skips: it ends there.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { abortError } from './abort.js';
import { TOKEN_REQUEST_ABORTED } from './messages/index.js';

/** `credential`, throwing an AbortError instead of any outcome once the request's signal is aborted. */
export function endsChainOnAbort(credential: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const signal = options?.abortSignal;
      if (signal?.aborted) throw abortError(TOKEN_REQUEST_ABORTED);
      try {
        return await credential.getToken(scopes, options);
      } catch (error) {
        if (signal?.aborted) throw abortError(TOKEN_REQUEST_ABORTED);
        throw error;
      }
    },
  };
}

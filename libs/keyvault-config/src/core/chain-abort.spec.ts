import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ChainedTokenCredential, CredentialUnavailableError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { endsChainOnAbort } from './chain-abort.js';

/** A credential that reports itself unavailable, as the SDK's do after an aborted request. */
const unavailable: TokenCredential = {
  getToken: () => Promise.reject(new CredentialUnavailableError('WorkloadIdentityCredential: aborted')),
};

/** A credential that answers, and counts how often it was asked. */
function answering(): TokenCredential & { asked: number } {
  const credential = {
    asked: 0,
    getToken: (_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> => {
      credential.asked++;
      return Promise.resolve({ token: 'developer-token', expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
  return credential;
}

describe('endsChainOnAbort (in the SDK’s ChainedTokenCredential)', () => {
  it('ends the chain with an AbortError when a credential failed after its request was given up', async () => {
    const controller = new AbortController();
    const givenUpWhileAsking: TokenCredential = {
      getToken: () => {
        controller.abort(); // the load's deadline passes while this credential is asking
        return unavailable.getToken('scope');
      },
    };
    const next = answering();
    const chain = new ChainedTokenCredential(endsChainOnAbort(givenUpWhileAsking), endsChainOnAbort(next));
    await expect(chain.getToken('scope', { abortSignal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(next.asked).toBe(0);
  });

  it('goes on to the next credential as the SDK’s chain does while the request is not given up', async () => {
    const next = answering();
    const chain = new ChainedTokenCredential(endsChainOnAbort(unavailable), endsChainOnAbort(next));
    await expect(
      chain.getToken('scope', { abortSignal: new AbortController().signal }),
    ).resolves.toMatchObject({ token: 'developer-token' });
    expect(next.asked).toBe(1);
  });

  it('asks no credential once the signal is already aborted', async () => {
    const only = answering();
    const controller = new AbortController();
    controller.abort();
    const chain = new ChainedTokenCredential(endsChainOnAbort(only));
    await expect(chain.getToken('scope', { abortSignal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(only.asked).toBe(0);
  });
});

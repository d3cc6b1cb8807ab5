import { describe, expect, it } from 'vitest';
import { jwt } from '../../../../../test/support/unsigned-jwt.js';
import { identityOf } from './identity.js';

const ids = { oid: 'o-1', appid: 'a-1', tid: 't-1', aud: 'https://vault.azure.net' };

describe('identityOf', () => {
  it('reads oid, appid, tid and the audience', () => {
    expect(identityOf(jwt(ids), 'AzureCliCredential')).toMatchObject({
      oid: 'o-1',
      appid: 'a-1',
      tid: 't-1',
      audience: 'https://vault.azure.net',
    });
  });

  it.each([
    [
      { xms_mirid: '/subscriptions/s/…/userAssignedIdentities/x', idtyp: 'app' },
      'AzureCliCredential',
      'managed identity',
    ],
    [{ idtyp: 'user' }, 'ManagedIdentityCredential', 'user'],
    [{ idtyp: 'app' }, 'AzureCliCredential', 'service principal'],
    [{}, 'ManagedIdentityCredential', 'managed identity'],
    [{}, 'WorkloadIdentityCredential', 'managed identity'],
    [{}, 'EnvironmentCredential', 'service principal'],
    [{}, 'AzureCliCredential', 'user'],
    [{}, 'MyCustomCredential', 'unknown'],
  ])('kind from the claims %j first, else from %s: %s', (claims, credential, kind) => {
    expect(identityOf(jwt({ ...ids, ...claims }), credential).kind).toBe(kind);
  });

  it('an opaque token gives no identifiers and never throws', () => {
    expect(identityOf('opaque-token', 'AzureCliCredential')).toEqual({ kind: 'user' });
    expect(identityOf('a.%%%.c', 'X')).toEqual({ kind: 'unknown' });
  });

  it('drops claim values that are not short identifiers (no text injection into the report)', () => {
    expect(identityOf(jwt({ aud: 'https://x\nINJECTED', idtyp: 'user\u0000' }), 'X')).toEqual({
      kind: 'unknown',
    });
  });
});

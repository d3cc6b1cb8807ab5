import { describe, expect, it } from 'vitest';
import { decodeTokenClaims, tokenAudience, tokenIdentityKind } from './token-claims.js';
import { APPID, jwt, OID, TID } from '../../../../test/support/unsigned-jwt.js';

describe('decodeTokenClaims', () => {
  it('reads oid, appid and tid of a v1 token', () => {
    expect(
      decodeTokenClaims(jwt({ aud: 'https://vault.azure.net', oid: OID, appid: APPID, tid: TID })),
    ).toEqual({
      objectId: OID,
      clientId: APPID,
      tenantId: TID,
    });
  });

  it('falls back to azp for v2 tokens and tolerates base64url padding', () => {
    const token = jwt({ oid: OID, azp: APPID, tid: TID });
    const [h, p, s] = token.split('.');
    expect(decodeTokenClaims(`${h}.${p}==.${s}`)).toEqual({ objectId: OID, clientId: APPID, tenantId: TID });
  });

  it('returns only the identity claims, never the rest of the payload', () => {
    const claims = decodeTokenClaims(jwt({ oid: OID, name: 'Jane', upn: 'jane@contoso.com', scp: 'x' }));
    expect(claims).toEqual({ objectId: OID, clientId: undefined, tenantId: undefined });
  });

  it('returns undefined for garbage, missing parts, non-JSON or non-object payloads — without throwing', () => {
    for (const token of [
      '',
      'opaque-token-from-a-custom-credential',
      'a.b',
      'a..c',
      'a.b.c.d.e',
      'header.!!!notbase64!!!.sig',
      `x.${Buffer.from('not json').toString('base64url')}.y`,
      `x.${Buffer.from('[1,2]').toString('base64url')}.y`,
      `x.${Buffer.from('null').toString('base64url')}.y`,
      jwt({ aud: 'https://vault.azure.net' }),
      undefined,
      null,
    ]) {
      expect(decodeTokenClaims(token), String(token)).toBeUndefined();
    }
  });

  it('drops claim values that are not plain identifiers (no log injection)', () => {
    expect(decodeTokenClaims(jwt({ oid: 'x\nAuthenticated as admin', appid: 42, tid: TID }))).toEqual({
      objectId: undefined,
      clientId: undefined,
      tenantId: TID,
    });
  });
});

describe('tokenIdentityKind', () => {
  it('tells a managed identity (xms_mirid) from a user and a service principal', () => {
    const mirid =
      '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id';
    expect(tokenIdentityKind(jwt({ oid: OID, appid: APPID, idtyp: 'app', xms_mirid: mirid }))).toBe(
      'managedIdentity',
    );
    expect(tokenIdentityKind(jwt({ oid: OID, appid: APPID, idtyp: 'user' }))).toBe('user');
    expect(tokenIdentityKind(jwt({ oid: OID, appid: APPID, scp: 'user_impersonation' }))).toBe('user');
    expect(tokenIdentityKind(jwt({ oid: OID, appid: APPID, upn: 'jane@contoso.com' }))).toBe('user');
    expect(tokenIdentityKind(jwt({ oid: OID, appid: APPID, idtyp: 'app' }))).toBe('servicePrincipal');
  });

  it('says nothing for a token without those claims, or no JWT at all', () => {
    expect(tokenIdentityKind(jwt({ oid: OID, appid: APPID, tid: TID }))).toBeUndefined();
    expect(tokenIdentityKind(jwt({ oid: OID, xms_mirid: '' }))).toBeUndefined();
    expect(tokenIdentityKind('opaque')).toBeUndefined();
    expect(tokenIdentityKind(undefined)).toBeUndefined();
  });
});

describe('tokenAudience', () => {
  it('is the aud claim when it is a short identifier, else undefined', () => {
    expect(tokenAudience(jwt({ aud: 'https://vault.azure.net' }))).toBe('https://vault.azure.net');
    expect(tokenAudience(jwt({ aud: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093' }))).toBe(
      'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
    );
    expect(tokenAudience(jwt({ aud: 'https://x\nInjected: yes' }))).toBeUndefined();
    expect(tokenAudience(jwt({ aud: ['a', 'b'] }))).toBeUndefined();
    expect(tokenAudience('opaque')).toBeUndefined();
  });
});

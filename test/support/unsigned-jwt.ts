/**
 * Unsigned JWT-shaped tokens and fixed identifiers for the credential unit specs: the library only reads
 * a token's claims (never checks its signature), so a token with any payload is enough to test that.
 */
export const OID = '6f1c3c1e-8d1e-4c3a-9a55-2f4f0c7b1a11';
export const APPID = '0b6f9f0e-1111-4222-8333-944455556666';
export const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `header.payload.signature` with the given payload; the signature is a constant. */
export function jwt(payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT' }): string {
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from './token.util.js';

const KEY = 'signing-key-for-tests';
const claims = { sub: 'alice', iat: 1_000, exp: 1_600 };

describe('signToken / verifyToken', () => {
  it('round-trips claims while the token is valid', () => {
    const token = signToken(claims, KEY);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(verifyToken(token, KEY, 1_200)).toEqual(claims);
  });

  it('rejects a token signed with another key (e.g. after the signing key rotated)', () => {
    expect(verifyToken(signToken(claims, 'previous-key'), KEY, 1_200)).toBeUndefined();
  });

  it('rejects a tampered payload and a tampered signature', () => {
    const [payload, signature] = signToken(claims, KEY).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
    expect(verifyToken(`${forged}.${signature}`, KEY, 1_200)).toBeUndefined();
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(verifyToken(`${payload}.${flipped}`, KEY, 1_200)).toBeUndefined();
  });

  it('rejects an expired token', () => {
    expect(verifyToken(signToken(claims, KEY), KEY, 1_600)).toBeUndefined();
  });

  it('rejects malformed input without throwing', () => {
    for (const token of ['', 'abc', 'a.b.c', 'a b.c', '.', `${'x'.repeat(10)}.`]) {
      expect(verifyToken(token, KEY, 1_200)).toBeUndefined();
    }
  });

  it('rejects a correctly signed payload that is not a claims object', () => {
    for (const json of ['"just a string"', '{"sub":"alice","iat":"1000","exp":1600}', 'not json']) {
      const payload = Buffer.from(json).toString('base64url');
      const signature = createHmac('sha256', KEY).update(payload).digest('base64url');
      expect(verifyToken(`${payload}.${signature}`, KEY, 1_200)).toBeUndefined();
    }
  });
});

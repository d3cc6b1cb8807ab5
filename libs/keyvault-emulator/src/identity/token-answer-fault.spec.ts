import { describe, expect, it } from 'vitest';
import { GARBAGE_EXPIRY, mangleTokenAnswer } from './token-answer-fault.js';

const imds = {
  access_token: 'eyJ.token',
  client_id: 'c',
  expires_in: '3599',
  expires_on: '1700003600',
  ext_expires_in: '3599',
  not_before: '1700000000',
  resource: 'https://vault.azure.net',
  token_type: 'Bearer',
};

describe('mangleTokenAnswer', () => {
  it('noAccessToken drops the token and keeps the rest', () => {
    const { access_token: _, ...rest } = imds;
    expect(mangleTokenAnswer(200, imds, 'noAccessToken')).toEqual(rest);
  });

  it('noExpiry drops every expiry field the answer has', () => {
    expect(mangleTokenAnswer(200, { ...imds, refresh_in: 1800 }, 'noExpiry')).toEqual({
      access_token: 'eyJ.token',
      client_id: 'c',
      not_before: '1700000000',
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
    });
  });

  it('badExpiry sets each expiry field present to a non-number, adding none', () => {
    const entra = { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 't' };
    expect(mangleTokenAnswer(200, entra, 'badExpiry')).toEqual({
      token_type: 'Bearer',
      expires_in: GARBAGE_EXPIRY,
      ext_expires_in: GARBAGE_EXPIRY,
      access_token: 't',
    });
    expect(Number.isNaN(Number(GARBAGE_EXPIRY))).toBe(true);
    expect(Number.isNaN(Date.parse(GARBAGE_EXPIRY))).toBe(true);
  });

  it('leaves an error answer (or one without a token) as it is, and never mutates its input', () => {
    const error = { error: 'invalid_resource', error_description: 'AADSTS500011' };
    expect(mangleTokenAnswer(400, error, 'noAccessToken')).toBe(error);
    expect(mangleTokenAnswer(200, error, 'noExpiry')).toBe(error);
    const copy = { ...imds };
    mangleTokenAnswer(200, imds, 'badExpiry');
    expect(imds).toEqual(copy);
  });
});

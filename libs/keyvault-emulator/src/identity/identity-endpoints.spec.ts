import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handleAppServiceToken } from './app-service.js';
import { IdentityRegistry } from './identities.js';
import type { IdentityRequest } from './identity-response.js';
import { handleImdsToken } from './imds.js';
import { TokenAuthority } from './tokens.js';
import { expectImdsTokenShape } from '../testing/imds-token-shape.js';

const tenantId = randomUUID();
const userClientId = randomUUID();
const userObjectId = randomUUID();
const secretHeader = 'per-start-header';

// One key pair for the file: generating RSA keys is the slow part of these tests.
const authority = new TokenAuthority({ tenantId, lifetimeSeconds: 3600 });

function setup() {
  const registry = new IdentityRegistry({
    identities: [{ clientId: userClientId, objectId: userObjectId, role: 'user' }],
  });
  return { authority, registry };
}

const request = (
  query: Record<string, string>,
  headers: Record<string, string> = {},
  method = 'GET',
): IdentityRequest => ({
  method,
  query: new URLSearchParams(query),
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
});

const claimsOf = (token: unknown): Record<string, unknown> =>
  JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8'));

describe('App Service endpoint (/msi/token)', () => {
  const ok = { 'api-version': '2019-08-01', resource: 'https://vault.azure.net' };
  const auth = { 'X-IDENTITY-HEADER': secretHeader };

  it("answers App Service's token shape for the system-assigned identity", () => {
    const context = setup();
    const response = handleAppServiceToken(request(ok, auth), context, secretHeader);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(
      ['access_token', 'client_id', 'expires_on', 'resource', 'token_type'].sort(),
    );
    expect(response.body).toMatchObject({
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: context.registry.system.clientId,
    });
    expect(response.body.expires_on).toMatch(/^\d+$/);
    expect(response.clientId).toBe(context.registry.system.clientId);
    const claims = claimsOf(response.body.access_token);
    expect(claims.exp).toBe(Number(response.body.expires_on));
    expect(context.authority.verify(String(response.body.access_token), 'https://vault.azure.net').ok).toBe(
      true,
    );
  });

  it('takes the audience from a /.default resource and echoes the resource as sent', () => {
    const response = handleAppServiceToken(
      request({ ...ok, resource: 'https://vault.azure.net/.default' }, auth),
      setup(),
      secretHeader,
    );
    expect(claimsOf(response.body.access_token).aud).toBe('https://vault.azure.net');
    expect(response.body.resource).toBe('https://vault.azure.net/.default');
  });

  it('selects a user-assigned identity by client_id, principal_id, object_id or mi_res_id', () => {
    const context = setup();
    const resourceId = context.registry.find({ clientId: userClientId })!.resourceId;
    const selectors: Array<Record<string, string>> = [
      { client_id: userClientId },
      { principal_id: userObjectId },
      { object_id: userObjectId },
      { mi_res_id: resourceId },
    ];
    for (const selector of selectors) {
      const response = handleAppServiceToken(request({ ...ok, ...selector }, auth), context, secretHeader);
      expect(response.body.client_id, JSON.stringify(selector)).toBe(userClientId);
      expect(claimsOf(response.body.access_token)).toMatchObject({ appid: userClientId, oid: userObjectId });
    }
  });

  it('answers 400 "Unable to load the proper Managed Identity." for an unknown identity', () => {
    const response = handleAppServiceToken(
      request({ ...ok, client_id: randomUUID() }, auth),
      setup(),
      secretHeader,
    );
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      message: 'Unable to load the proper Managed Identity.',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(response.headers?.['X-CORRELATION-ID']).toBe(response.body.correlationId);
  });

  it.each([
    ['a missing X-IDENTITY-HEADER', request(ok), 400, 'Missing X-IDENTITY-HEADER'],
    ['a wrong X-IDENTITY-HEADER', request(ok, { 'X-IDENTITY-HEADER': 'nope' }), 401, 'X-IDENTITY-HEADER'],
    ['a missing api-version', request({ resource: ok.resource }, auth), 400, 'api-version'],
    ['the 2017 api-version', request({ ...ok, 'api-version': '2017-09-01' }, auth), 400, "'2017-09-01'"],
    ['a missing resource', request({ 'api-version': '2019-08-01' }, auth), 400, 'resource'],
    [
      'two selectors',
      request({ ...ok, client_id: userClientId, object_id: userObjectId }, auth),
      400,
      'Only one',
    ],
    ['a POST', request(ok, auth, 'POST'), 405, 'POST'],
  ])('refuses %s', (_, req, status, message) => {
    const response = handleAppServiceToken(req, setup(), secretHeader);
    expect(response.status).toBe(status);
    expect(response.body.statusCode).toBe(status);
    expect(String(response.body.message)).toContain(message);
    expect(response.body.access_token).toBeUndefined();
  });
});

describe('IMDS endpoint (/metadata/identity/oauth2/token)', () => {
  const ok = { 'api-version': '2018-02-01', resource: 'https://vault.azure.net' };
  const metadata = { Metadata: 'true' };

  it("answers IMDS's token shape, every number as a string", () => {
    const context = setup();
    const response = handleImdsToken(request(ok, metadata), context);
    expect(response.status).toBe(200);
    const body = response.body as Record<string, string>;
    expectImdsTokenShape(body);
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(Number(body.expires_in));
    expect(body).toMatchObject({ client_id: context.registry.system.clientId, token_type: 'Bearer' });
  });

  it('selects a user-assigned identity by client_id, object_id or msi_res_id', () => {
    const context = setup();
    const resourceId = context.registry.find({ clientId: userClientId })!.resourceId;
    const selectors: Array<Record<string, string>> = [
      { client_id: userClientId },
      { object_id: userObjectId },
      { msi_res_id: resourceId },
    ];
    for (const selector of selectors) {
      const response = handleImdsToken(request({ ...ok, ...selector }, metadata), context);
      expect(response.body.client_id, JSON.stringify(selector)).toBe(userClientId);
    }
  });

  it.each([
    ['no Metadata header', request(ok), 400, 'Required metadata header not specified'],
    ['Metadata: false', request(ok, { Metadata: 'false' }), 400, 'Required metadata header not specified'],
    [
      'an unknown client_id',
      request({ ...ok, client_id: randomUUID() }, metadata),
      400,
      'Identity not found',
    ],
    ['a missing resource', request({ 'api-version': '2018-02-01' }, metadata), 400, "'resource'"],
    ['a missing api-version', request({ resource: ok.resource }, metadata), 400, "'api-version'"],
  ])('refuses %s with an OAuth-style error', (_, req, status, description) => {
    const response = handleImdsToken(req, setup());
    expect(response.status).toBe(status);
    expect(response.body.error).toBe('invalid_request');
    expect(String(response.body.error_description)).toContain(description);
  });
});

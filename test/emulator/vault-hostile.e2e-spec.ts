// Hostile answers (issue #9): a 200 with a truncated body, HTML and empty-body errors, empty pages that
// still carry a nextLink, and continuation tokens that name the next key — observed through raw HTTPS
// and the real SDK, on the vault and the identity endpoints.
import type { RestError } from '@azure/core-rest-pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { raw, secretClient, signedBy } from './vault-support.js';

const VALUE = 'hostile-canary-value-0123456789';
const fx = useEmulator({
  seed: [
    { name: 'target', value: VALUE },
    ...['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name) => ({ name: `page-${name}`, value: 'x' })),
  ],
  identity: 'none',
});
afterEach(() => fx.emulator.faults.clear());

const client = () => secretClient(fx.emulator, signedBy(fx.emulator));
const get = (path: string, token = fx.emulator.issueToken()) => raw(fx.emulator, { path, token });
const lastLog = (route: string) => [...fx.emulator.counters.log()].reverse().find((e) => e.route === route);
const names = async (): Promise<string[]> => {
  const found: string[] = [];
  for await (const p of client().listPropertiesOfSecrets()) found.push(p.name);
  return found;
};

describe('a 200 with a truncated body', () => {
  it('cuts the real answer and re-frames it, so the client reads a complete, malformed 200', async () => {
    const whole = await get('/secrets/target?api-version=7.5');
    fx.emulator.faults.add({ route: 'secrets.get', body: 'truncated', times: 1 });
    const cut = await get('/secrets/target?api-version=7.5');
    expect(cut.status).toBe(200);
    expect(cut.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(cut.headers['content-length'])).toBe(Math.floor(whole.text.length / 2));
    expect(cut.text).toBe(whole.text.slice(0, cut.text.length));
    expect(() => JSON.parse(cut.text)).toThrow(SyntaxError);
    expect(lastLog('secrets.get')).toMatchObject({ status: 200, fault: 'truncated' });
  });

  it('keeps truncateAt bytes, and spends `times` only on answered requests (never on the challenge)', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', body: 'truncated', truncateAt: 10, times: 1 });
    // A fresh SDK client sends the unauthenticated challenge request first: the fault waits for the answer.
    const error = await client()
      .getSecret('target')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((await client().getSecret('target')).value).toBe(VALUE);
    fx.emulator.faults.add({ route: 'secrets.get', body: 'truncated', truncateAt: 10, times: 1 });
    expect((await get('/secrets/target?api-version=7.5')).text).toHaveLength(10);
  });
});

describe('HTML and empty-body errors', () => {
  it('answers an HTML error page (502 by default), without Key Vault headers', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', body: 'html', times: 1 });
    const page = await get('/secrets/target?api-version=7.5');
    expect(page.status).toBe(502);
    expect(page.headers['content-type']).toBe('text/html');
    expect(page.text).toMatch(/^<html>[\s\S]*502 Bad Gateway/);
    expect(page.headers['x-ms-request-id']).toBeUndefined();
    expect(lastLog('secrets.get')).toMatchObject({ status: 502, fault: 'html' });
  });

  it.each([401, 403, 404, 500, 502])('answers %i with an empty body', async (status) => {
    fx.emulator.faults.add({ route: 'secrets.get', body: 'empty', status, times: 1 });
    const answer = await get('/secrets/target?api-version=7.5');
    expect(answer).toMatchObject({ status, text: '' });
    expect(answer.headers['content-length']).toBe('0');
    expect(answer.headers['content-type']).toBeUndefined();
  });

  it('reaches the SDK as the status, with no Key Vault error code', async () => {
    fx.emulator.faults.add({ route: 'secrets.get', body: 'html', status: 403, times: 1 });
    const error = (await client()
      .getSecret('target')
      .catch((e: unknown) => e)) as RestError;
    expect(error.statusCode).toBe(403);
    fx.emulator.faults.add({ route: 'secrets.get', body: 'html', status: 200, times: 1 });
    expect((await get('/secrets/target?api-version=7.5')).status).toBe(200);
  });
});

describe('paging', () => {
  it('answers empty pages that still carry a nextLink; a client that follows it sees every name', async () => {
    const expected = await names();
    fx.emulator.faults.add({ route: 'secrets.list', body: 'emptyPage', times: 3 });
    const page = await get('/secrets?api-version=7.5&maxresults=2');
    expect(page.json.value).toEqual([]);
    expect(new URL(page.json.nextLink).search).toBe('?api-version=7.5&maxresults=2');
    expect(lastLog('secrets.list')).toMatchObject({ status: 200, fault: 'emptyPage' });
    expect(await names()).toEqual(expected);
    expect(fx.emulator.counters.log().filter((e) => e.fault === 'emptyPage')).toHaveLength(3);
  });

  it('continues from the key its nextLink names while secrets change between pages', async () => {
    const first = await get('/secrets?api-version=7.5&maxresults=2');
    const firstNames = first.json.value.map((item: { id: string }) => item.id.split('/').pop());
    expect(firstNames).toEqual(['page-alpha', 'page-bravo']);
    const vault = fx.emulator.vault();
    // Before the marker: one deleted, one added; the marker's own key (page-charlie) deleted too.
    vault.deleteSecret('page-alpha');
    vault.setSecret({ name: 'page-aardvark', value: 'x' });
    vault.deleteSecret('page-charlie');
    try {
      const next = await get(new URL(first.json.nextLink).pathname + new URL(first.json.nextLink).search);
      const nextNames = next.json.value.map((item: { id: string }) => item.id.split('/').pop());
      // An offset would have skipped page-delta; the key continues exactly after page-bravo.
      expect(nextNames).toEqual(['page-delta', 'page-echo']);
    } finally {
      vault.purgeSecret('page-alpha');
      vault.purgeSecret('page-charlie');
      vault.purgeSecret('page-aardvark');
      vault.setSecret({ name: 'page-alpha', value: 'x' });
      vault.setSecret({ name: 'page-charlie', value: 'x' });
    }
  });
});

const token = (path: string, headers: Record<string, string>) =>
  fetch(`${fx.emulator.identityHost}${path}`, { headers });

const appService = () =>
  token('/msi/token?api-version=2019-08-01&resource=https://vault.azure.net', {
    'x-identity-header': fx.emulator.identityHeader,
  });

describe('identity endpoints', () => {
  it('truncates a token answer', async () => {
    fx.emulator.faults.add({ route: 'identity.appservice', body: 'truncated', times: 1 });
    const cut = await appService();
    expect(cut.status).toBe(200);
    const text = await cut.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(text.startsWith('{"access_token":"')).toBe(true);
    expect(((await (await appService()).json()) as { token_type: string }).token_type).toBe('Bearer');
  });

  it('answers an HTML page or an empty body', async () => {
    fx.emulator.faults.add({ route: 'identity.imds', body: 'html', status: 500, times: 1 });
    const imds = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net';
    const page = await token(imds, { metadata: 'true' });
    expect(page.status).toBe(500);
    expect(await page.text()).toMatch(/<html>/);
    fx.emulator.faults.add({ route: 'identity.appservice', body: 'empty', status: 401, times: 1 });
    const empty = await appService();
    expect(empty.status).toBe(401);
    expect(await empty.text()).toBe('');
  });

  it('answers a 200 token without access_token, without its expiry or with a garbage one', async () => {
    const imds = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net';
    fx.emulator.faults.add({ route: 'identity.appservice', body: 'noAccessToken', times: 1 });
    fx.emulator.faults.add({ route: 'identity.imds', body: 'noExpiry', times: 1 });
    const noToken = await appService();
    expect(noToken.status).toBe(200);
    expect(await noToken.json()).toEqual({
      expires_on: expect.any(String),
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: expect.any(String),
    });
    expect(lastLog('identity.appservice')).toMatchObject({ status: 200, fault: 'noAccessToken' });
    const noExpiry = (await (await token(imds, { metadata: 'true' })).json()) as Record<string, unknown>;
    expect(Object.keys(noExpiry).sort()).toEqual([
      'access_token',
      'client_id',
      'not_before',
      'resource',
      'token_type',
    ]);
    fx.emulator.faults.add({ route: 'identity.appservice', body: 'badExpiry', times: 1 });
    expect(await (await appService()).json()).toMatchObject({
      expires_on: 'soon',
      access_token: expect.any(String),
    });
    // Used up: the next answer is whole again.
    expect(await (await appService()).json()).toMatchObject({ expires_on: expect.stringMatching(/^\d+$/) });
  });
});

/**
 * Hostile bodies between the SDK and the vault, through the real SDK: a middlebox policy (perRetry,
 * inside the library's response guard — where a proxy sits on the wire) cuts or replaces what the
 * emulator sent. No value may reach the error, its cause chain, the log or the report, and a bodiless
 * error maps by its status.
 */
import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { expectNoCanary, rejectionOf, secretValue } from '../support/load-harness.js';

const fx = useEmulator();

type Rewrite = (response: PipelineResponse, path: string) => PipelineResponse;

/** A middlebox rewriting every authenticated answer of a GET whose path matches. */
function middlebox(match: RegExp, rewrite: Rewrite): PipelinePolicy {
  return {
    name: 'test-middlebox',
    async sendRequest(request, next) {
      const response = await next(request);
      const path = new URL(request.url).pathname;
      if (response.status === 401 || !match.test(path)) return response;
      return rewrite(response, path);
    },
  };
}

const cut: Rewrite = (response) => ({
  ...response,
  bodyAsText: response.bodyAsText?.slice(0, Math.floor((response.bodyAsText?.length ?? 0) / 2)),
});
const bodiless =
  (status: number): Rewrite =>
  (response) => ({ ...response, status, headers: createHttpHeaders(), bodyAsText: '' });
const html =
  (status: number): Rewrite =>
  (response) => ({
    ...response,
    status,
    headers: createHttpHeaders({ 'content-type': 'text/html' }),
    bodyAsText: `<html><body>Gateway says: ${secretValue('echo')}</body></html>`,
  });
const echoingError =
  (status: number): Rewrite =>
  (response) => ({
    ...response,
    status,
    headers: createHttpHeaders({ 'content-type': 'application/json' }),
    bodyAsText: JSON.stringify({ error: { code: 'BadParameter', message: `bad: ${secretValue('echo')}` } }),
  });

const noId: Rewrite = (response) => ({
  ...response,
  bodyAsText: JSON.stringify({ value: [{ attributes: {} }] }),
});

async function loadThrough(
  policy: PipelinePolicy,
  secrets = [{ name: 'Api--Key', value: secretValue('api') }],
) {
  const vault = await fx.freshVault(secrets, {
    clientOptions: { additionalPolicies: [{ policy, position: 'perRetry' }] },
  });
  const error = await rejectionOf(loadKeyVaultSecrets(vault.options({ maxRetries: 0 })));
  expectNoCanary(error, vault.logger.lines);
  return { error, vault };
}

describe('a body the SDK must not read', () => {
  it('a truncated 200 of a get fails VAULT_UNREACHABLE naming vault and status, the value nowhere', async () => {
    const { error, vault } = await loadThrough(middlebox(/^\/secrets\/[^/]+/, cut));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain(`${vault.host} answered 200 with a body that is not Key Vault's JSON`);
    expect(error.message).toContain("secret 'Api--Key'");
  });

  it('a truncated 200 of the listing fails the same way', async () => {
    const { error } = await loadThrough(middlebox(/^\/secrets\/?$/, cut));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('answered 200 with a body');
  });

  it('an HTML page with 200 on a get names the status, never the page', async () => {
    const { error } = await loadThrough(middlebox(/^\/secrets\/[^/]+/, html(200)));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('answered 200');
  });

  it('a list item without an id is an unreadable answer, not a TypeError', async () => {
    const { error } = await loadThrough(middlebox(/^\/secrets\/?$/, noId));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('answered 200 with a body');
  });

  it("an error body echoing content is not quoted: the status and Key Vault's code only", async () => {
    const { error } = await loadThrough(middlebox(/^\/secrets\/[^/]+/, echoingError(400)));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.message).toContain('answered 400 BadParameter');
  });
});

describe('errors without a body map by status', () => {
  it.each([
    [401, 'ACCESS_DENIED'],
    [403, 'ACCESS_DENIED'],
    [500, 'VAULT_UNREACHABLE'],
    [502, 'VAULT_UNREACHABLE'],
  ])('a bodiless %i on a get → %s', async (status, code) => {
    const { error } = await loadThrough(middlebox(/^\/secrets\/[^/]+/, bodiless(status)));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('TypeError');
  });

  it('a bodiless 403 on an HTML page on the listing → ACCESS_DENIED for list', async () => {
    const { error } = await loadThrough(middlebox(/^\/secrets\/?$/, html(403)));
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.permission).toBe('list');
  });

  it('a bodiless 404 on an explicit secret → SECRET_NOT_FOUND', async () => {
    const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue('api') }], {
      clientOptions: {
        additionalPolicies: [{ policy: middlebox(/^\/secrets\/[^/]+/, bodiless(404)), position: 'perRetry' }],
      },
    });
    const error = await rejectionOf(loadKeyVaultSecrets(vault.options({ secrets: ['Api--Key'] })));
    expect(error.code).toBe('SECRET_NOT_FOUND');
  });

  it('a bodiless 404 on a listed secret (deleted between list and get) skips it', async () => {
    const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue('api') }], {
      clientOptions: {
        additionalPolicies: [{ policy: middlebox(/^\/secrets\/[^/]+/, bodiless(404)), position: 'perRetry' }],
      },
    });
    const { config, report } = await loadKeyVaultSecrets(vault.options());
    expect(config).toEqual({});
    expect(report.entries).toMatchObject([{ secretName: 'Api--Key', status: 'skipped' }]);
  });
});

/** The listing again, every name upper-cased: the same secrets in another case. */
const repeat: Rewrite = (response) => {
  const body = JSON.parse(response.bodyAsText ?? '{}') as { value: Array<{ id: string }> };
  const again = body.value.map((item) => ({
    ...item,
    id: item.id.replace(/\/secrets\/([^/]+)$/, (_m, n: string) => `/secrets/${n.toUpperCase()}`),
  }));
  return { ...response, bodyAsText: JSON.stringify({ ...body, value: [...body.value, ...again] }) };
};

describe('a listing that repeats a name', () => {
  it('a name seen twice (in another case) is one secret, never a collision', async () => {
    const vault = await fx.freshVault([{ name: 'Api--Key', value: secretValue('api') }], {
      clientOptions: {
        additionalPolicies: [{ policy: middlebox(/^\/secrets\/?$/, repeat), position: 'perRetry' }],
      },
    });
    const { config, report } = await loadKeyVaultSecrets(vault.options());
    expect(config).toEqual({ Api: { Key: secretValue('api') } });
    expect(report.entries).toHaveLength(1);
  });
});

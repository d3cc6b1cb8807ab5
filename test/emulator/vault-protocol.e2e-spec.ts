// Wire protocol of the vault: authentication (401 challenge, bad/expired tokens), api-version handling,
// authorization by role (403 wording), response headers. DefaultAzureCredential is pointed at the
// emulator's App Service identity endpoint; other callers get tokens signed in-process.
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KEY_VAULT_APP_ID } from '../../libs/keyvault-emulator/src/identity/entra/entra.constants.js';
import { useEmulator } from '../support/emulator.fixture.js';
import { raw, secretClient, signedBy } from './vault-support.js';

const READER = '11111111-1111-1111-1111-111111111111';
const USER = '22222222-2222-2222-2222-222222222222';
const NOBODY = '33333333-3333-3333-3333-333333333333';
const PROMOTED = '44444444-4444-4444-4444-444444444444';

/** Python's ssl module is OpenSSL with the checks the Python SDK and az CLI run with. */
const hasPython = spawnSync('python3', ['--version']).status === 0;

const fx = useEmulator({
  vaultName: 'proto-vault',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  seed: [{ name: 'app-secret', value: 's3cr3t' }],
  identities: [
    { clientId: READER, role: 'reader' },
    { clientId: USER, role: 'Key Vault Secrets User' },
    { clientId: NOBODY, role: 'none' },
    { clientId: PROMOTED, role: 'reader' },
  ],
});

const challenge = () =>
  `Bearer authorization="https://login.windows.net/${fx.emulator.tenantId}", resource="https://vault.azure.net"`;

/** A token from the App Service endpoint for USER and this `resource`, which the response echoes as sent. */
const tokenFor = async (resource: string): Promise<string> => {
  const query = `api-version=2019-08-01&resource=${encodeURIComponent(resource)}&client_id=${USER}`;
  const response = await fetch(`${fx.emulator.identityEndpoint}?${query}`, {
    headers: { 'x-identity-header': fx.emulator.identityHeader },
  });
  expect(response.status, resource).toBe(200);
  const body = (await response.json()) as { access_token: string; resource: string };
  expect(body.resource).toBe(resource); // echoed as sent
  return body.access_token;
};

/** The `aud` claim of a JWT. */
const audOf = (token: string): unknown =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { aud: unknown }).aud;

describe('authentication', () => {
  it('challenges a request without a token (401, WWW-Authenticate, Unauthorized body) before checking anything else', async () => {
    for (const path of ['/secrets/app-secret?api-version=7.5', '/secrets/app-secret', '/nothing-here']) {
      const response = await raw(fx.emulator, { path });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(challenge());
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.json).toEqual({
        error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
      });
    }
  });

  it('rejects a token that is not a JWT', async () => {
    const response = await raw(fx.emulator, { path: '/secrets?api-version=7.5', token: 'not-a-token' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(challenge());
    expect(response.json.error.code).toBe('Unauthorized');
  });

  it('rejects an expired token, naming the reason', async () => {
    const token = fx.emulator.issueToken({ expiresInSeconds: -120 });
    const response = await raw(fx.emulator, { path: '/secrets?api-version=7.5', token });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(challenge());
    expect(response.json.error.message).toMatch(/expired/i);
  });

  it('rejects a token for another audience with AKV10022', async () => {
    const token = fx.emulator.issueToken({ audience: 'https://management.azure.com' });
    const response = await raw(fx.emulator, { path: '/secrets?api-version=7.5', token });
    expect(response.status).toBe(401);
    expect(response.json.error.message).toBe(
      `AKV10022: Invalid audience. Expected https://vault.azure.net or ${KEY_VAULT_APP_ID}, found: https://management.azure.com.`,
    );
  });

  it('accepts exactly https://vault.azure.net and the application id; a trailing slash or another case is AKV10022', async () => {
    for (const audience of ['https://vault.azure.net', KEY_VAULT_APP_ID]) {
      const token = fx.emulator.issueToken({ clientId: USER, audience });
      const response = await raw(fx.emulator, { path: '/secrets/app-secret?api-version=7.5', token });
      expect(response.status, audience).toBe(200);
    }
    const variants = [
      'https://vault.azure.net/',
      'https://VAULT.azure.net',
      'HTTPS://vault.azure.net',
      'https://vault.azure.net//',
      KEY_VAULT_APP_ID.toUpperCase(),
      `spn:${KEY_VAULT_APP_ID}`,
    ];
    for (const audience of variants) {
      const token = fx.emulator.issueToken({ clientId: USER, audience });
      const response = await raw(fx.emulator, { path: '/secrets/app-secret?api-version=7.5', token });
      expect(response.status, audience).toBe(401);
      expect(response.headers['www-authenticate']).toBe(challenge());
      expect(response.json.error).toEqual({
        code: 'Unauthorized',
        message: `AKV10022: Invalid audience. Expected https://vault.azure.net or ${KEY_VAULT_APP_ID}, found: ${audience}.`,
      });
    }
  });

  it('a managed identity asked for a variant resource gets a token with that aud, as Entra ID issues it, and the vault refuses it', async () => {
    for (const resource of ['https://vault.azure.net/', 'https://Vault.Azure.net']) {
      const token = await tokenFor(resource);
      expect(audOf(token)).toBe(resource);
      const response = await raw(fx.emulator, { path: '/secrets/app-secret?api-version=7.5', token });
      expect(response.status, resource).toBe(401);
      expect(response.json.error.message).toContain(`AKV10022: Invalid audience.`);
      expect(response.json.error.message).toContain(`found: ${resource}.`);
    }
    // The spellings the SDKs send: the resource and the scope's resource, without the slash.
    for (const resource of ['https://vault.azure.net', 'https://vault.azure.net/.default']) {
      const token = await tokenFor(resource);
      expect(audOf(token)).toBe('https://vault.azure.net');
      const response = await raw(fx.emulator, { path: '/secrets/app-secret?api-version=7.5', token });
      expect(response.status, resource).toBe(200);
    }
  });

  it('rejects a token whose signature does not verify', async () => {
    const [header, payload] = fx.emulator.issueToken().split('.');
    const response = await raw(fx.emulator, {
      path: '/secrets?api-version=7.5',
      token: `${header}.${payload}.AAAA`,
    });
    expect(response.status).toBe(401);
    expect(response.json.error.message).toMatch(/signature/i);
  });

  it('completes the SDK challenge flow with DefaultAzureCredential', async () => {
    const client = secretClient(fx.emulator, new DefaultAzureCredential());
    expect((await client.getSecret('app-secret')).value).toBe('s3cr3t');
    expect(fx.emulator.counters.count({ route: 'secrets.get', status: 401 })).toBeGreaterThan(0);
    expect(fx.emulator.counters.count({ route: 'identity.appservice', status: 200 })).toBeGreaterThan(0);
  });

  it("the SDK's challenge policy reads the login.windows.net challenge: Key Vault's scope and the challenge's tenant", async () => {
    const asked: Array<{ scopes: string[]; tenantId?: string }> = [];
    const signer = signedBy(fx.emulator);
    const recording: TokenCredential = {
      getToken: (scopes, options) => {
        asked.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
        return signer.getToken(scopes, options);
      },
    };
    const client = secretClient(fx.emulator, recording);
    expect((await client.getSecret('app-secret')).value).toBe('s3cr3t');
    expect(asked).toEqual([{ scopes: ['https://vault.azure.net/.default'], tenantId: fx.emulator.tenantId }]);
  });

  it('is refused by the SDK with challenge resource verification on: the vault is 127.0.0.1, the challenge names vault.azure.net', async () => {
    const asked: string[] = [];
    const signer = signedBy(fx.emulator);
    const recording: TokenCredential = {
      getToken: (scopes, options) => {
        asked.push(...[scopes].flat());
        return signer.getToken(scopes, options);
      },
    };
    const client = secretClient(fx.emulator, recording, { disableChallengeResourceVerification: false });
    const error = await client.getSecret('app-secret').then(
      () => expect.fail('the SDK sent a token to a host its challenge does not name'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/challenge resource/i);
    expect(asked).toEqual([]); // no token was even requested
  });
});

describe('api-version', () => {
  it.each(['7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '7.6-preview.2', '2025-07-01', '2026-04-01'])(
    'answers api-version %s',
    async (version) => {
      const response = await raw(fx.emulator, {
        path: `/secrets/app-secret?api-version=${version}`,
        token: fx.emulator.issueToken(),
      });
      expect(response.status).toBe(200);
      expect(response.json.value).toBe('s3cr3t');
    },
  );

  it('accepts the percent-encoded key the JS SDK sends (api%2Dversion)', async () => {
    const response = await raw(fx.emulator, {
      path: '/secrets/app-secret?api%2Dversion=2025-07-01',
      token: fx.emulator.issueToken(),
    });
    expect(response.status).toBe(200);
  });

  it('answers a missing api-version with 400 BadParameter', async () => {
    const response = await raw(fx.emulator, { path: '/secrets/app-secret', token: fx.emulator.issueToken() });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: { code: 'BadParameter', message: "The 'api-version' query parameter is missing." },
    });
  });

  it('answers an unknown api-version with 400 BadParameter in Key Vault wording', async () => {
    const response = await raw(fx.emulator, {
      path: '/secrets/app-secret?api-version=1.0',
      token: fx.emulator.issueToken(),
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: {
        code: 'BadParameter',
        message:
          'The specified version (1.0) is not recognized. Consider using the latest supported version (2025-07-01).',
      },
    });
  });

  it('works with an older serviceVersion in the SDK', async () => {
    const client = secretClient(fx.emulator, signedBy(fx.emulator), { serviceVersion: '7.0' });
    expect((await client.getSecret('app-secret')).value).toBe('s3cr3t');
  });
});

/** Asserts a 403 Forbidden from the SDK and returns its message. */
const forbiddenMessage = async (promise: Promise<unknown>) => {
  const error = (await promise.catch((e: unknown) => e)) as {
    statusCode?: number;
    code?: string;
    message: string;
  };
  expect(error.statusCode).toBe(403);
  expect(error.code).toBe('Forbidden');
  return error.message;
};

describe('authorization', () => {
  it('lets a Reader list but not read values or write', async () => {
    const client = secretClient(fx.emulator, signedBy(fx.emulator, READER));
    const names: string[] = [];
    for await (const p of client.listPropertiesOfSecrets()) names.push(p.name);
    expect(names).toContain('app-secret');
    const message = await forbiddenMessage(client.getSecret('app-secret'));
    expect(message).toContain('does not have secrets get permission on key vault');
    expect(message).toContain(`appid=${READER};`);
    expect(message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    expect(message).toContain('proto-vault;location=local');
    expect(await forbiddenMessage(client.setSecret('new', 'v'))).toContain(
      'does not have secrets set permission',
    );
  });

  it('answers 403 with innererror ForbiddenByRbac, before looking the secret up', async () => {
    const response = await raw(fx.emulator, {
      path: '/secrets/unknown-secret?api-version=7.5',
      token: fx.emulator.issueToken({ clientId: READER }),
    });
    expect(response.status).toBe(403);
    expect(response.json.error).toMatchObject({ code: 'Forbidden', innererror: { code: 'ForbiddenByRbac' } });
    expect(response.json.error.message).toMatch(
      /^Caller is not authorized to perform action on resource\.\r\n/,
    );
    expect(response.json.error.message).toContain(`iss=https://sts.windows.net/${fx.emulator.tenantId}/`);
  });

  it('lets a Secrets User read and list but not set, delete or purge', async () => {
    const client = secretClient(fx.emulator, signedBy(fx.emulator, USER));
    expect((await client.getSecret('app-secret')).value).toBe('s3cr3t');
    expect(await forbiddenMessage(client.setSecret('x', 'v'))).toContain('secrets set permission');
    expect(await forbiddenMessage(client.beginDeleteSecret('app-secret'))).toContain(
      'secrets delete permission',
    );
    expect(await forbiddenMessage(client.purgeDeletedSecret('app-secret'))).toContain(
      'secrets purge permission',
    );
    expect(
      await forbiddenMessage(client.updateSecretProperties('app-secret', '', { enabled: false })),
    ).toContain('secrets update permission');
  });

  it('forbids everything to a caller without a role or unknown to the emulator', async () => {
    for (const clientId of [NOBODY, '99999999-9999-9999-9999-999999999999']) {
      const client = secretClient(fx.emulator, signedBy(fx.emulator, clientId));
      await expect(client.listPropertiesOfSecrets().next()).rejects.toMatchObject({ statusCode: 403 });
      const response = await raw(fx.emulator, {
        path: '/secrets?api-version=7.5',
        token: fx.emulator.issueToken({ clientId }),
      });
      expect(response.status).toBe(403);
      expect(response.json.error.message).toContain(`'appid=${clientId};`);
      expect(response.json.error.message).toContain('does not have secrets list permission');
      expect(response.json.error.message).toContain(
        "Action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'",
      );
    }
  });

  it('applies role changes at run time', async () => {
    const client = secretClient(fx.emulator, signedBy(fx.emulator, PROMOTED));
    await forbiddenMessage(client.setSecret('promoted', 'v'));
    fx.emulator.setRole(PROMOTED, 'officer');
    expect((await client.setSecret('promoted', 'v')).value).toBe('v');
    fx.emulator.setRole(PROMOTED, 'none');
    await forbiddenMessage(client.getSecret('promoted'));
  });
});

describe('TLS', () => {
  // Async child process: the emulator answers from this very process.
  it.skipIf(!hasPython)(
    'is trusted by a strict OpenSSL client (Python ssl, VERIFY_X509_STRICT) on 127.0.0.1 and localhost',
    async () => {
      const script = [
        'import json, ssl, sys, urllib.request',
        'ctx = ssl.create_default_context(cafile=sys.argv[1])',
        'ctx.verify_flags |= ssl.VERIFY_X509_STRICT',
        'for host in ("127.0.0.1", "localhost"):',
        '    url = "https://%s:%s/secrets/app-secret/?api-version=7.5" % (host, sys.argv[2])',
        '    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + sys.argv[3]})',
        '    print(json.loads(urllib.request.urlopen(req, context=ctx).read())["id"].split("/")[2])',
      ].join('\n');
      const { stdout } = await promisify(execFile)(
        'python3',
        ['-c', script, fx.emulator.caCertPath, String(fx.emulator.vault().port), fx.emulator.issueToken()],
        { timeout: 20_000 },
      );
      const port = fx.emulator.vault().port;
      expect(stdout.trim().split('\n')).toEqual([`127.0.0.1:${port}`, `localhost:${port}`]);
    },
  );
});

describe('headers and routes', () => {
  it("sends Key Vault's diagnostic headers and echoes x-ms-client-request-id", async () => {
    const response = await raw(fx.emulator, {
      path: '/secrets/app-secret?api-version=7.5',
      token: fx.emulator.issueToken(),
      headers: { 'x-ms-client-request-id': 'abc-123' },
    });
    expect(response.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-ms-keyvault-service-version']).toBeTruthy();
    expect(response.headers['x-ms-keyvault-region']).toBe('local');
    expect(response.headers['x-ms-client-request-id']).toBe('abc-123');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers unsupported operations with Key Vault-shaped errors after authentication', async () => {
    const token = fx.emulator.issueToken();
    const unknown = await raw(fx.emulator, { path: '/keys/k?api-version=7.5', token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBeTruthy();
    const wrongMethod = await raw(fx.emulator, { method: 'DELETE', path: '/secrets?api-version=7.5', token });
    expect(wrongMethod.status).toBe(405);
    expect(fx.emulator.counters.count({ route: 'vault.unknown' })).toBeGreaterThanOrEqual(2);
  });

  it('rejects a body that is not JSON without echoing it', async () => {
    const token = fx.emulator.issueToken();
    const response = await raw(fx.emulator, {
      method: 'PUT',
      path: '/secrets/json-test?api-version=7.5',
      token,
      rawBody: '{"value": "do-not-echo',
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('BadParameter');
    expect(response.text).not.toContain('do-not-echo');
    const missing = await raw(fx.emulator, {
      method: 'PUT',
      path: '/secrets/json-test?api-version=7.5',
      token,
    });
    expect(missing.status).toBe(400);
  });
});

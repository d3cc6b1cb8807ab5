/**
 * The emulated Entra ID and the 2017 App Service protocol on the wire: the discovery documents MSAL reads,
 * Entra ID's error for an unknown tenant, the keys that verify issued and projected tokens, the legacy
 * protocol's shapes — and the command line's extra lines for --workload-identity, --service-principal and
 * --legacy-msi (without them the five lines stay as cli.e2e-spec.ts pins them).
 */
import { spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';

const main = fileURLToPath(new URL('../../dist/apps/keyvault-emulator/main.js', import.meta.url));

// Raw HTTPS and the emulator's own command line: this process needs no identity.
const fx = useEmulator({ workloadIdentity: true, legacyMsi: true, identity: 'none' });

function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca: fx.emulator.caCert }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

const verifyWithJwks = (token: string, jwks: { keys: Array<Record<string, unknown>> }): boolean => {
  const [header, payload, signature] = token.split('.');
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
};

describe('the emulated Entra ID', () => {
  it("serves the tenant's OpenID configuration on its own origin, as MSAL requires", async () => {
    const { status, body } = await getJson(
      `${fx.emulator.authorityHost}/${fx.emulator.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${fx.emulator.authorityHost}/${fx.emulator.tenantId}/v2.0`,
      token_endpoint: `${fx.emulator.authorityHost}/${fx.emulator.tenantId}/oauth2/v2.0/token`,
      jwks_uri: `${fx.emulator.authorityHost}/${fx.emulator.tenantId}/discovery/v2.0/keys`,
      authorization_endpoint: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\//),
    });
  });

  it('answers an unknown tenant with AADSTS90002 (400 invalid_tenant)', async () => {
    const other = '00000000-1111-4222-8333-444444444444';
    const { status, body } = await getJson(
      `${fx.emulator.authorityHost}/${other}/v2.0/.well-known/openid-configuration`,
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    expect(body.error_description).toMatch(new RegExp(`^AADSTS90002: Tenant '${other}' not found\\.`));
  });

  it('publishes the keys that verify its access tokens, and instance discovery naming itself', async () => {
    const { body } = await getJson(
      `${fx.emulator.authorityHost}/${fx.emulator.tenantId}/discovery/v2.0/keys`,
    );
    expect(verifyWithJwks(fx.emulator.issueToken(), body as never)).toBe(true);
    const discovery = await getJson(
      `${fx.emulator.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${fx.emulator.authorityHost}/${fx.emulator.tenantId}/oauth2/v2.0/authorize`,
    );
    expect(discovery.body).toMatchObject({
      tenant_discovery_endpoint: `${fx.emulator.authorityHost}/${fx.emulator.tenantId}/v2.0/.well-known/openid-configuration`,
      metadata: [{ aliases: [new URL(fx.emulator.authorityHost).host] }],
    });
  });

  it("the cluster's OIDC issuer publishes the keys that verify the projected token", async () => {
    const token = readFileSync(fx.emulator.workloadIdentity!.tokenFile, 'utf8');
    const { iss } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    const config = await getJson(`${iss}.well-known/openid-configuration`);
    expect(config.body).toMatchObject({ issuer: iss, jwks_uri: `${iss}openid/v1/jwks` });
    const jwks = await getJson(config.body.jwks_uri as string);
    expect(verifyWithJwks(token, jwks.body as never)).toBe(true);
  });
});

const legacy = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${fx.emulator.env.MSI_ENDPOINT}?${query}`, { headers }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as Record<string, unknown>,
  }));

describe('the 2017-09-01 App Service protocol (--legacy-msi)', () => {
  it('answers with the header `secret` and expires_on as a date string', async () => {
    expect(fx.emulator.env.MSI_ENDPOINT).toBe(`${fx.emulator.identityHost}/MSI/token/`);
    const { status, body } = await legacy('resource=https://vault.azure.net&api-version=2017-09-01', {
      secret: fx.emulator.env.MSI_SECRET!,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ resource: 'https://vault.azure.net', token_type: 'Bearer' });
    expect(body.expires_on).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} (AM|PM) \+00:00$/);
    const exp = JSON.parse(Buffer.from(String(body.access_token).split('.')[1], 'base64url').toString()).exp;
    // The date string names the token's exp (to the second).
    const [date, time, half] = String(body.expires_on).split(' ');
    const [month, day, year] = date.split('/').map(Number);
    const [h, m, s] = time.split(':').map(Number);
    const hours = (h % 12) + (half === 'PM' ? 12 : 0);
    expect(Date.UTC(year, month - 1, day, hours, m, s) / 1000).toBe(exp);
  });

  it("refuses a missing or wrong secret in ASP.NET's error shape", async () => {
    const query = 'resource=https://vault.azure.net&api-version=2017-09-01';
    expect(await legacy(query)).toMatchObject({
      status: 400,
      body: { ExceptionMessage: expect.stringContaining("'secret'") },
    });
    expect((await legacy(query, { secret: 'wrong' })).status).toBe(401);
  });

  describe('an emulator started without it', () => {
    const plain = useEmulator({ identity: 'none' });

    it('is not served without --legacy-msi', async () => {
      expect(plain.emulator.env).not.toHaveProperty('MSI_ENDPOINT');
      const response = await fetch(
        `${plain.emulator.identityEndpoint}?resource=https://vault.azure.net&api-version=2017-09-01`,
        {
          headers: {
            secret: plain.emulator.identityHeader,
            'X-IDENTITY-HEADER': plain.emulator.identityHeader,
          },
        },
      );
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain("Unsupported api-version '2017-09-01'");
    });
  });
});

interface CliLines {
  names: string[];
  env: Record<string, string>;
  /** SIGTERM, resolved once the command line exited (it removes its temporary files on the way out). */
  stop(): Promise<void>;
}

/**
 * Runs the built command line until it printed `lines` lines and hands them over while it still runs: the
 * files its lines name (the service principal's certificate) live in a directory it deletes on SIGTERM, so
 * a test reads them before `stop()`, never after.
 */
function cliLines(args: string[], lines: number): Promise<CliLines> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = (): Promise<void> => {
    child.kill('SIGTERM');
    return exited;
  };
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const all = stdout.split('\n').filter(Boolean);
      if (all.length >= lines) {
        // A moment for any stray extra line to show up before handing the lines over.
        setTimeout(() => {
          const printed = stdout.split('\n').filter(Boolean);
          resolve({
            names: printed.map((l) => l.split('=')[0]),
            env: Object.fromEntries(printed.map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)])),
            stop,
          });
        }, 300);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} early: ${stderr}`)));
  });
}

const FIVE = [
  'KEY_VAULT_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'NODE_EXTRA_CA_CERTS',
];

describe('the command line', () => {
  it('--workload-identity adds AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE', async () => {
    const { names, env, stop } = await cliLines(['--workload-identity'], 9);
    await stop();
    expect(names).toEqual([
      ...FIVE,
      'AZURE_AUTHORITY_HOST',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_FEDERATED_TOKEN_FILE',
    ]);
    expect(env.AZURE_AUTHORITY_HOST).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('--service-principal adds the tenant, client id, secret, authority host and certificate path', async () => {
    const { names, env, stop } = await cliLines(['--service-principal'], 10);
    // Read while the command line runs: it deletes the certificate's directory when it stops.
    let certificate: string;
    try {
      certificate = readFileSync(env.AZURE_CLIENT_CERTIFICATE_PATH, 'utf8');
    } finally {
      await stop();
    }
    expect(names).toEqual([
      ...FIVE,
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_AUTHORITY_HOST',
      'AZURE_CLIENT_CERTIFICATE_PATH',
    ]);
    expect(certificate).toMatch(/BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
  });

  it('--legacy-msi adds MSI_ENDPOINT and MSI_SECRET', async () => {
    const { names, stop } = await cliLines(['--legacy-msi'], 7);
    await stop();
    expect(names).toEqual([...FIVE, 'MSI_ENDPOINT', 'MSI_SECRET']);
  });

  it('refuses --workload-identity with --service-principal (both set AZURE_CLIENT_ID)', async () => {
    const child = spawn(process.execPath, [main, '--workload-identity', '--service-principal'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('choose one');
  });
});

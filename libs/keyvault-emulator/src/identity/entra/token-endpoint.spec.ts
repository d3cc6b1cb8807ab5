import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityRegistry } from '../identities.js';
import { TokenAuthority } from '../tokens.js';
import { generateClientCertificate } from './client-certificate.js';
import { EmulatedCluster } from './cluster.js';
import { EntraDirectory, thumbprints } from './directory.js';
import { JWT_BEARER_ASSERTION_TYPE } from './entra.constants.js';
import { signRs256 } from './jws.js';
import { handleTokenRequest, type TokenEndpointContext } from './token-endpoint.js';
import { createPrivateKey, X509Certificate } from 'node:crypto';

const tenantId = randomUUID();
const base = 'https://127.0.0.1:4443';
const tokenUrl = `${base}/${tenantId}/oauth2/v2.0/token`;
// One of each key for the file: RSA key generation is the slow part.
const authority = new TokenAuthority({ tenantId, lifetimeSeconds: 600 });
const cluster = new EmulatedCluster();
cluster.issuer = `${base}/${tenantId}/${cluster.clusterId}/`;
const certificate = await generateClientCertificate('token-endpoint-spec');
const registry = new IdentityRegistry({});
const directory = new EntraDirectory();
const app = directory.addApplication({
  role: 'user',
  secret: true,
  certificatesPem: [certificate.certificatePem],
});
const workload = registry.add({ clientId: randomUUID(), role: 'officer' });
directory.addFederatedCredential(workload.clientId, { subject: 'system:serviceaccount:default:api' });

const context: TokenEndpointContext = {
  tenantId,
  authority,
  registry,
  directory,
  cluster,
  tokenEndpoints: (tenant) => [`${base}/${tenant}/oauth2/v2.0/token`],
};

const decode = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

function request(params: Record<string, string>, tenant = tenantId): ReturnType<typeof handleTokenRequest> {
  return handleTokenRequest(
    tenant,
    new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'https://vault.azure.net/.default',
      ...params,
    }),
    context,
  );
}

const codeOf = (response: { body: Record<string, unknown> }): number =>
  (response.body.error_codes as number[])[0];

/** A certificate client assertion as MSAL writes it (PS256 with x5t#S256 unless told otherwise). */
function certificateAssertion(
  overrides: Record<string, unknown> = {},
  keyPem = certificate.combinedPem,
): string {
  const now = Math.floor(Date.now() / 1000);
  const { sha256 } = thumbprints(new X509Certificate(certificate.certificatePem));
  return signRs256(
    { typ: 'JWT', 'x5t#S256': sha256 },
    {
      aud: tokenUrl,
      iss: app.clientId,
      sub: app.clientId,
      nbf: now,
      exp: now + 600,
      jti: randomUUID(),
      ...overrides,
    },
    createPrivateKey(keyPem),
  );
}

const federated = (token: string, clientId = workload.clientId): Record<string, string> => ({
  client_id: clientId,
  client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
  client_assertion: token,
});

describe('the token endpoint', () => {
  it('issues a service principal token for the right secret: idtyp app, no xms_mirid, audience of the scope', () => {
    const response = request({ client_id: app.clientId, client_secret: app.secret! });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const claims = decode(response.body.access_token as string);
    expect(claims).toMatchObject({
      aud: 'https://vault.azure.net',
      appid: app.clientId,
      oid: app.objectId,
      tid: tenantId,
      idtyp: 'app',
    });
    expect(claims).not.toHaveProperty('xms_mirid');
    expect(response.clientId).toBe(app.clientId);
  });

  it('answers a wrong secret with AADSTS7000215 (401 invalid_client), as Entra ID does', () => {
    const response = request({ client_id: app.clientId, client_secret: 'not-the-secret' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(response.body.error_description).toMatch(
      new RegExp(
        `^AADSTS7000215: Invalid client secret provided\\..*'${app.clientId}'\\.\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: `,
      ),
    );
    expect(response.body.error_uri).toBe('https://login.microsoftonline.com/error?code=7000215');
  });

  it('answers an unknown tenant with AADSTS90002 and an unknown client id with AADSTS700016', () => {
    const other = randomUUID();
    expect(request({ client_id: app.clientId, client_secret: app.secret! }, other)).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_tenant',
        error_codes: [90002],
        error_description: expect.stringContaining(`Tenant '${other}' not found`),
      },
    });
    const unknown = randomUUID();
    expect(request({ client_id: unknown, client_secret: 'x' })).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client', error_codes: [700016] },
    });
  });

  it('accepts Key Vault by URI or application id and nothing else; needs /.default', () => {
    const secret = { client_id: app.clientId, client_secret: app.secret! };
    const byAppId = request({ ...secret, scope: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093/.default' });
    expect(decode(byAppId.body.access_token as string).aud).toBe('cfa8b339-82a2-471a-a3c9-0fc0be7a4093');
    expect(codeOf(request({ ...secret, scope: 'https://management.azure.com/.default' }))).toBe(500011);
    expect(codeOf(request({ ...secret, scope: 'https://vault.azure.net/user_impersonation' }))).toBe(1002012);
    expect(codeOf(request({ ...secret, grant_type: 'password' }))).toBe(70003);
    expect(codeOf(request({ client_id: app.clientId }))).toBe(7000218);
  });

  it('accepts a certificate assertion signed by the uploaded certificate, and rejects other keys, audiences and times', () => {
    const assertion = (value: string): Record<string, string> => ({
      client_id: app.clientId,
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: value,
    });
    const ok = request(assertion(certificateAssertion()));
    expect(ok.status).toBe(200);
    expect(decode(ok.body.access_token as string)).toMatchObject({ appid: app.clientId, idtyp: 'app' });

    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(codeOf(request(assertion(certificateAssertion({}, stranger))))).toBe(700027);
    expect(
      codeOf(
        request(
          assertion(certificateAssertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' })),
        ),
      ),
    ).toBe(700212);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = request(assertion(certificateAssertion({ nbf: past - 600, exp: past })));
    expect(expired).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [700024] } });
    expect(expired.body.error_description).toMatch(
      /Client assertion is not within its valid time range\. Current time: .*, assertion valid from .*, expiry time of assertion /,
    );
    expect(codeOf(request(assertion('not.a-jwt')))).toBe(50027);
    expect(codeOf(request({ ...assertion(certificateAssertion()), client_assertion_type: 'bearer' }))).toBe(
      700025,
    );
  });

  describe('federated (AKS workload identity) assertions', () => {
    const serviceAccount = { namespace: 'default', serviceAccount: 'api' };

    it('exchanges the cluster token for a managed identity token (xms_mirid, the identity ids)', () => {
      const response = request(federated(cluster.issue(serviceAccount)));
      expect(response.status).toBe(200);
      const claims = decode(response.body.access_token as string);
      expect(claims).toMatchObject({ appid: workload.clientId, oid: workload.objectId, tid: tenantId });
      expect(claims.xms_mirid).toMatch(/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\//);
    });

    it('names the claim that matches no federated credential: issuer 700211, subject 700213, audience 700212', () => {
      const foreign = signRs256(
        {},
        { ...decode(cluster.issue(serviceAccount)), iss: 'https://oidc.example/' },
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      );
      expect(request(federated(foreign))).toMatchObject({
        status: 401,
        body: {
          error_codes: [700211],
          error_description: expect.stringContaining("issuer 'https://oidc.example/'"),
        },
      });
      const otherSubject = cluster.issue({ namespace: 'default', serviceAccount: 'other' });
      expect(request(federated(otherSubject)).body).toMatchObject({
        error_codes: [700213],
        error_description: expect.stringContaining("subject 'system:serviceaccount:default:other'"),
      });
      const otherAudience = cluster.issue({ ...serviceAccount, audience: 'api://something-else' });
      expect(codeOf(request(federated(otherAudience)))).toBe(700212);
    });

    it('rejects an expired token (700024), a forged signature (700027) and an identity without federated credentials (700016)', () => {
      expect(codeOf(request(federated(cluster.issue({ ...serviceAccount, lifetimeSeconds: -900 }))))).toBe(
        700024,
      );
      const [header, payload] = cluster.issue(serviceAccount).split('.');
      const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
      expect(codeOf(request(federated(forged)))).toBe(700027);
      expect(codeOf(request(federated(cluster.issue(serviceAccount), registry.system.clientId)))).toBe(
        700016,
      );
    });
  });
});

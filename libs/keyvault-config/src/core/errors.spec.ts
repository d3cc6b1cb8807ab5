import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import {
  isAbortError,
  isKeyVaultConfigError,
  isNotFoundError,
  isSecretDisabledError,
  KeyVaultConfigError,
  KeyVaultConfigErrorCode,
  mapSdkError,
  recordErrorBody,
  safeCause,
  vaultNameOf,
  type SdkErrorContext,
} from './errors.js';

const VAULT = 'my-vault.vault.azure.net';
const CALLER = 'appid=11111111-2222-3333-4444-555555555555;oid=66666666-7777-8888-9999-000000000000';

function restError(
  statusCode: number | undefined,
  message: string,
  code?: string,
  innerCode?: string,
): RestError & { details?: unknown } {
  const request = createPipelineRequest({
    url: `https://${VAULT}/secrets/x`,
    headers: createHttpHeaders({ authorization: 'Bearer TOKEN-canary' }),
  });
  const error = new RestError(message, {
    code,
    statusCode,
    request,
    response: statusCode
      ? { status: statusCode, headers: createHttpHeaders(), request, bodyAsText: '{"value":"BODY-canary"}' }
      : undefined,
  }) as RestError & { details?: unknown };
  if (statusCode)
    error.details = { error: { code, message, innerError: innerCode ? { code: innerCode } : undefined } };
  return error;
}

const ctx = (extra: Partial<SdkErrorContext> = {}): SdkErrorContext => ({
  operation: 'get',
  vault: VAULT,
  ...extra,
});

describe('mapSdkError', () => {
  it('maps an RBAC 403 on list to ACCESS_DENIED with the role command and the explicit-mode hint', () => {
    const error = mapSdkError(
      restError(
        403,
        `Caller is not authorized to perform action on resource.\r\nCaller: ${CALLER};iss=https://sts.windows.net/t/\r\nAction: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'\r\nVault: my-vault;location=westeurope\r\n`,
        'Forbidden',
        'ForbiddenByRbac',
      ),
      ctx({ operation: 'list', credential: { name: 'ManagedIdentityCredential', detail: 'App Service' } }),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.AccessDenied);
    expect(error.permission).toBe('list');
    expect(error.identity).toBe(
      'appid=11111111-2222-3333-4444-555555555555;oid=66666666-7777-8888-9999-000000000000',
    );
    expect(error.credential).toBe('ManagedIdentityCredential');
    expect(error.message).toContain('secrets list permission');
    expect(error.message).toContain('ManagedIdentityCredential (App Service)');
    expect(error.message).toContain(
      'az role assignment create --role "Key Vault Secrets User" --assignee 66666666-7777-8888-9999-000000000000 --scope $(az keyvault show --name my-vault --query id -o tsv)',
    );
    expect(error.message).toContain('Microsoft.KeyVault/vaults/secrets/readMetadata/action');
    expect(error.message).toContain('explicit');
  });

  it('maps an access-policy 403 on get, naming the secret and the permission', () => {
    const error = mapSdkError(
      restError(
        403,
        `The user, group or application '${CALLER};iss=https://sts.windows.net/t/' does not have secrets get permission on key vault 'my-vault;location=westeurope'.`,
        'Forbidden',
        'AccessDenied',
      ),
      ctx({ secretName: 'Db-Password', key: 'Db_Password' }),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.AccessDenied);
    expect(error.permission).toBe('get');
    expect(error.secretName).toBe('Db-Password');
    expect(error.message).toContain("secret 'Db-Password'");
    expect(error.message).toContain(
      'az keyvault set-policy --name my-vault --object-id 66666666-7777-8888-9999-000000000000',
    );
    expect(error.message).not.toContain('explicit');
  });

  it('falls back to the credential claims and a placeholder assignee', () => {
    const withClaims = mapSdkError(
      restError(403, 'Forbidden', 'Forbidden'),
      ctx({ credential: { name: 'X', clientId: 'cid' } }),
    );
    expect(withClaims.message).toContain('--assignee cid');
    const without = mapSdkError(restError(403, 'Forbidden', 'Forbidden'), ctx({ vault: '127.0.0.1:8443' }));
    expect(without.message).toContain('--assignee <objectId or clientId>');
    expect(without.message).toContain('--name <vault-name>');
  });

  it('maps a firewall 403 to ACCESS_DENIED with the network rule command', () => {
    const error = mapSdkError(
      restError(
        403,
        'Client address is not authorized and caller is not a trusted service.',
        'Forbidden',
        'ForbiddenByFirewall',
      ),
      ctx(),
    );
    expect(error.message).toContain('az keyvault network-rule add --name my-vault');
  });

  it.each([
    [
      404,
      'get',
      KeyVaultConfigErrorCode.SecretNotFound,
      'az keyvault secret set --vault-name my-vault --name Db',
    ],
    [404, 'list', KeyVaultConfigErrorCode.VaultUnreachable, 'does not look like a Key Vault'],
    [429, 'get', KeyVaultConfigErrorCode.Throttled, 'after 4 retries'],
    [503, 'get', KeyVaultConfigErrorCode.VaultUnreachable, '503'],
    [401, 'get', KeyVaultConfigErrorCode.AccessDenied, 'tenant'],
    [400, 'get', KeyVaultConfigErrorCode.VaultUnreachable, '400'],
  ] as const)('maps %i on %s to %s', (status, operation, code, text) => {
    const error = mapSdkError(
      restError(status, 'msg', 'Code'),
      ctx({ operation, secretName: 'Db', maxRetries: 4 }),
    );
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
  });

  it('names the variable of a failing reference', () => {
    const error = mapSdkError(
      restError(404, 'not found', 'SecretNotFound'),
      ctx({ secretName: 'Db', variable: 'DB_PASSWORD' }),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.SecretNotFound);
    expect(error.key).toBe('DB_PASSWORD');
    expect(error.message).toMatch(/^Environment variable DB_PASSWORD/);
  });

  it.each([
    ['ENOTFOUND', 'could not be resolved'],
    ['EAI_AGAIN', 'could not be resolved'],
    ['ECONNREFUSED', 'unreachable (ECONNREFUSED)'],
    ['ECONNRESET', 'unreachable (ECONNRESET)'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS'],
  ])('maps transport error %s to VAULT_UNREACHABLE', (code, text) => {
    const error = mapSdkError(restError(undefined, `connect ${code}`, code), ctx());
    expect(error.code).toBe(KeyVaultConfigErrorCode.VaultUnreachable);
    expect(error.message).toContain(text);
    expect(error.message).toContain('my-vault');
  });

  it('finds a system error code in the cause chain', () => {
    const inner = Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
    expect(mapSdkError(new Error('wrapped', { cause: inner }), ctx()).message).toContain(
      'could not be resolved',
    );
  });

  it('maps the challenge-resource refusal', () => {
    const error = mapSdkError(
      new Error("The challenge resource 'vault.azure.net' does not match the requested domain."),
      ctx(),
    );
    expect(error.code).toBe(KeyVaultConfigErrorCode.VaultUnreachable);
    expect(error.message).toContain('challenge resource verification');
  });

  it('returns KeyVaultConfigErrors unchanged', () => {
    const original = new KeyVaultConfigError(KeyVaultConfigErrorCode.Timeout, 'x');
    expect(mapSdkError(original, ctx())).toBe(original);
  });

  it('never keeps the request or response of a RestError in the cause chain', () => {
    const error = mapSdkError(restError(403, `denied ${CALLER}`, 'Forbidden'), ctx());
    const cause = error.cause as Record<string, unknown>;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.request).toBeUndefined();
    expect(cause.response).toBeUndefined();
    expect(cause.statusCode).toBe(403);
    const dump = JSON.stringify({
      ...error,
      cause: { ...cause, message: (cause as unknown as Error).message },
    });
    expect(dump).not.toContain('TOKEN-canary');
    expect(dump).not.toContain('BODY-canary');
  });
});

describe('predicates', () => {
  it('recognizes SDK error kinds', () => {
    expect(isNotFoundError(restError(404, 'x', 'SecretNotFound'))).toBe(true);
    expect(
      isSecretDisabledError(
        restError(403, 'Operation get is not allowed on a disabled secret.', 'Forbidden', 'SecretDisabled'),
      ),
    ).toBe(true);
    expect(isSecretDisabledError(restError(403, 'denied', 'Forbidden', 'ForbiddenByRbac'))).toBe(false);
    expect(isAbortError(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(true);
    expect(isKeyVaultConfigError(new KeyVaultConfigError(KeyVaultConfigErrorCode.Timeout, 'x'))).toBe(true);
    expect(isKeyVaultConfigError(new Error('x'))).toBe(false);
    expect(safeCause('plain')).toBe('plain');
  });

  it('derives the vault name', () => {
    expect(vaultNameOf('my-vault.vault.azure.net')).toBe('my-vault');
    expect(vaultNameOf('127.0.0.1:8443')).toBe('<vault-name>');
    expect(vaultNameOf('127.0.0.1:8443', 'Vault: emulator;location=local')).toBe('emulator');
  });
});

describe('recordErrorBody', () => {
  it("restores Key Vault's message on errors the SDK's pager threw without it", () => {
    const request = createPipelineRequest({ url: `https://${VAULT}/secrets` });
    recordErrorBody(
      request,
      JSON.stringify({
        error: {
          code: 'Forbidden',
          message: `Caller is not authorized to perform action on resource.\r\nCaller: ${CALLER}\r\nVault: my-vault;location=x`,
          innererror: { code: 'ForbiddenByRbac' },
        },
      }),
    );
    const pagerError = new RestError('Pagination failed with unexpected statusCode 403', {
      statusCode: 403,
      code: 'Forbidden',
      request,
    });
    const error = mapSdkError(pagerError, ctx({ operation: 'list' }));
    expect(error.identity).toContain('oid=66666666-7777-8888-9999-000000000000');
    expect(error.message).toContain('--name my-vault');
    recordErrorBody(request, 'not json');
    recordErrorBody(request, undefined);
  });
});

describe('what an SDK message may carry', () => {
  it("never copies a parse error's message (it quotes the body) into the message or the cause", () => {
    const parse = new RestError(
      'Error "SyntaxError: Unexpected end of JSON input" occurred while parsing the response body - {"value":"BODY-canary","id":"ht.',
      { code: 'PARSE_ERROR', statusCode: 200 },
    );
    const error = mapSdkError(parse, ctx({ secretName: 'Db' }));
    expect(error.code).toBe(KeyVaultConfigErrorCode.VaultUnreachable);
    expect(error.message).toContain('answered 200 with a body');
    expect(JSON.stringify({ m: error.message, c: (error.cause as Error).message })).not.toContain(
      'BODY-canary',
    );
  });

  it("quotes neither the service's error text of an unexpected status nor a hostile Action", () => {
    const error = mapSdkError(restError(400, 'bad value BODY-canary', 'BadParameter'), ctx());
    expect(error.message).toContain('answered 400 BadParameter');
    expect(error.message).not.toContain('BODY-canary');
    const denied = mapSdkError(
      restError(
        403,
        `Caller is not authorized. Caller: ${CALLER}\r\nAction: 'BODY-canary x'`,
        'Forbidden',
        'ForbiddenByRbac',
      ),
      ctx(),
    );
    expect(denied.message).not.toContain('BODY-canary');
  });
});

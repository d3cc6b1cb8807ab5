import { describe, expect, it } from 'vitest';
import { KeyVaultConfigError } from '../core/errors.js';
import type { DoctorProblem } from './doctor.interfaces.js';
import { addProblem, fixOf, problemOf } from './doctor.problems.js';
import { parseChallenge } from './doctor.steps/vault.step.js';
import { compareToken, tokenProblem } from './doctor.steps/token-match.js';

describe('fixOf / problemOf', () => {
  it('keeps the commands a library message names, in order, without option names', () => {
    const message =
      'Grant it with `az role assignment create --role "Key Vault Secrets User" --assignee o` (or `az keyvault set-policy --name v --object-id o --secret-permissions get list`); or name them with the `secrets` option, or set `NODE_EXTRA_CA_CERTS=<ca.pem>`.';
    expect(fixOf(message)).toBe(
      'az role assignment create --role "Key Vault Secrets User" --assignee o\naz keyvault set-policy --name v --object-id o --secret-permissions get list\nNODE_EXTRA_CA_CERTS=<ca.pem>',
    );
    expect(fixOf('Nothing to run here, only `keyMapper`.')).toBeUndefined();
  });

  it('a library error becomes { code, message, fix } with its subject', () => {
    const error = new KeyVaultConfigError(
      'SECRET_NOT_FOUND',
      'Missing. Create it with `az keyvault secret set --vault-name v --name A --file f`.',
      { vault: 'v', secretName: 'A' },
    );
    expect(problemOf(error)).toEqual({
      code: 'SECRET_NOT_FOUND',
      message: error.message,
      fix: 'az keyvault secret set --vault-name v --name A --file f',
      vault: 'v',
      secretName: 'A',
    });
  });

  it('the same problem once: a collision by its key, whichever secret is named first', () => {
    const problems: DoctorProblem[] = [];
    addProblem(problems, {
      code: 'KEY_COLLISION',
      message: 'a then b',
      vault: 'v',
      key: 'Db',
      secretName: 'b',
    });
    addProblem(problems, {
      code: 'KEY_COLLISION',
      message: 'b then a',
      vault: 'v',
      key: 'Db',
      secretName: 'a',
    });
    addProblem(problems, { code: 'ACCESS_DENIED', message: 'x' });
    addProblem(problems, { code: 'ACCESS_DENIED', message: 'x' });
    expect(problems.map((p) => p.code)).toEqual(['KEY_COLLISION', 'ACCESS_DENIED']);
  });
});

describe('parseChallenge', () => {
  it('reads authorization (or authorization_uri), the tenant and resource (or scope)', () => {
    expect(
      parseChallenge(
        'Bearer authorization="https://login.microsoftonline.com/t-1", resource="https://vault.azure.net"',
      ),
    ).toEqual({
      authority: 'https://login.microsoftonline.com/t-1',
      tenant: 't-1',
      resource: 'https://vault.azure.net',
    });
    expect(
      parseChallenge(
        'Bearer authorization_uri="https://login.example/t-2/", scope="https://vault.azure.cn/.default"',
      ),
    ).toMatchObject({
      tenant: 't-2',
      resource: 'https://vault.azure.cn',
    });
    expect(parseChallenge('Basic realm="x"')).toEqual({
      authority: undefined,
      tenant: undefined,
      resource: undefined,
    });
  });
});

describe('compareToken', () => {
  const challenge = { ok: true, ms: 0, detail: '', tenant: 't-1', resource: 'https://vault.azure.net' };
  it('accepts the resource URL (with or without a slash) or Key Vault’s app id as audience', () => {
    expect(
      compareToken({ kind: 'user', tid: 't-1', audience: 'https://vault.azure.net/' }, challenge).ok,
    ).toBe(true);
    expect(
      compareToken({ kind: 'user', tid: 'T-1', audience: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093' }, challenge)
        .ok,
    ).toBe(true);
  });
  it('names a wrong audience and a wrong tenant', () => {
    const result = compareToken(
      { kind: 'user', tid: 't-9', audience: 'https://management.azure.com' },
      challenge,
    );
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(
      "audience https://management.azure.com is not the vault's resource https://vault.azure.net, tenant t-9 is not the vault's tenant t-1",
    );
  });
});

describe('tokenProblem', () => {
  it('a token for another tenant is ACCESS_DENIED with az login --tenant and AZURE_TENANT_ID', () => {
    const challenge = { ok: true, ms: 0, detail: '', tenant: 't-1', resource: 'https://vault.azure.net' };
    const token = compareToken({ kind: 'user', tid: 't-9', audience: 'https://vault.azure.net' }, challenge);
    const vault = {
      host: 'v',
      url: 'https://v',
      reachable: true,
      challenge,
      token,
      list: 'untested' as const,
      get: 'untested' as const,
      keys: [],
      problems: [],
    };
    expect(tokenProblem(vault, 'AzureCliCredential')).toMatchObject({
      code: 'ACCESS_DENIED',
      fix: 'az login --tenant t-1\nAZURE_TENANT_ID=t-1',
      vault: 'v',
    });
    expect(tokenProblem({ ...vault, token: { ...token, ok: true } }, 'AzureCliCredential')).toBeUndefined();
  });
});

/**
 * `@Microsoft.KeyVault(...)` references and `validationSchema`, against the emulator through the real
 * SDK. The VaultName form goes to `https://<name>.vault.azure.net` (the default suffix) with the SDK's
 * challenge-resource check on; a test-only agent routes that host to the emulator.
 */
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential } from '@azure/identity';
import { loadKeyVaultSecrets, type KeyVaultLoadOnceOptions } from 'nestjs-keyvault-config';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useEmulator } from '../support/emulator.fixture.js';
import {
  captureLogger,
  emulatorVaultAgent,
  expectNoCanary,
  rejectionOf,
  secretValue,
} from '../support/load-harness.js';

const fx = useEmulator({
  seed: [
    { name: 'App-Setting', value: secretValue('setting') },
    { name: 'Port', value: '8080' },
  ],
});
let refs: { name: string; url: string; host: string; v1: string };

beforeAll(async () => {
  const vault = await fx.freshVault(
    [
      { name: 'Db-Password', value: secretValue('db') },
      { name: 'Json-Like', value: '{"a":1}', contentType: 'application/json' },
    ],
    { name: `refs${randomUUID().slice(0, 6)}` },
  );
  const v1 = vault.handle.setSecret({ name: 'Rotated', value: secretValue('rotated-1') });
  vault.handle.setSecret({ name: 'Rotated', value: secretValue('rotated-2') });
  refs = { name: vault.name, url: vault.url, host: vault.host, v1 };
});

function load(options: Partial<KeyVaultLoadOnceOptions>) {
  const logger = captureLogger();
  const promise = loadKeyVaultSecrets({
    credential: new ManagedIdentityCredential(),
    clientOptions: fx.clientOptions(),
    logger,
    ...options,
  });
  return { promise, logger };
}

describe('references', () => {
  it('resolves SecretUri references (latest, pinned, trailing slash, any key case) into top-level keys', async () => {
    const env = {
      DB_PASSWORD: `@Microsoft.KeyVault(SecretUri=${refs.url}/secrets/Db-Password/)`,
      OLD_ROTATED: `@Microsoft.KeyVault(secreturi=${refs.url}/secrets/Rotated/${refs.v1})`,
      JSON_LIKE: ` @Microsoft.KeyVault( SecretUri = ${refs.url}/secrets/Json-Like ) `,
      PLAIN: 'plain',
    };
    const { promise, logger } = load({ env, vaultUrl: fx.emulator.vaultUrl });
    const { config, report } = await promise;
    expect(config).toMatchObject({
      DB_PASSWORD: secretValue('db'),
      OLD_ROTATED: secretValue('rotated-1'),
      JSON_LIKE: '{"a":1}', // references stay strings, like App Service's
      App_Setting: secretValue('setting'),
    });
    expect(config).not.toHaveProperty('PLAIN');
    expect(report.entries.find((e) => e.key === 'OLD_ROTATED')).toMatchObject({
      source: 'reference',
      secretName: 'Rotated',
      version: refs.v1,
      vault: refs.host,
      status: 'loaded',
    });
    expect(report.vaults).toEqual([new URL(fx.emulator.vaultUrl).host, refs.host]);
    expectNoCanary(report, logger.lines);
  });

  it('resolves VaultName references through the vault DNS suffix, references only', async () => {
    const env = {
      DB_PASSWORD: `@Microsoft.KeyVault(VaultName=${refs.name};SecretName=Db-Password)`,
      ROTATED: `@Microsoft.KeyVault(VaultName=${refs.name}; SecretName=Rotated; SecretVersion=${refs.v1};)`,
    };
    const { promise } = load({ env, clientOptions: { agent: emulatorVaultAgent(fx.emulator, refs.name) } });
    const { config, report } = await promise;
    expect(config).toEqual({ DB_PASSWORD: secretValue('db'), ROTATED: secretValue('rotated-1') });
    expect(report.vaults).toEqual([`${refs.name}.vault.azure.net`]);
    expectNoCanary(report);
  });

  it('leaves references alone with resolveReferences: false', async () => {
    const env = { DB_PASSWORD: `@Microsoft.KeyVault(SecretUri=${refs.url}/secrets/Db-Password)` };
    const { config } = await load({ env, vaultUrl: fx.emulator.vaultUrl, resolveReferences: false }).promise;
    expect(config).not.toHaveProperty('DB_PASSWORD');
  });

  it('fails on a malformed reference naming the variable, before any request', async () => {
    const before = fx.emulator.counters.log().length;
    const env = { GOOD: 'x', BROKEN_REF: `@Microsoft.KeyVault(VaultName=${refs.name})` };
    const error = await rejectionOf(load({ env, vaultUrl: fx.emulator.vaultUrl }).promise);
    expect(error.code).toBe('INVALID_REFERENCE');
    expect(error.key).toBe('BROKEN_REF');
    expect(error.message).toContain('BROKEN_REF');
    expect(fx.emulator.counters.log().length).toBe(before);
  });

  it('fails on a reference to a missing secret naming the variable', async () => {
    const env = { MISSING_REF: `@Microsoft.KeyVault(SecretUri=${refs.url}/secrets/Nope)` };
    const error = await rejectionOf(load({ env, vaultUrl: fx.emulator.vaultUrl }).promise);
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.key).toBe('MISSING_REF');
    expect(error.message).toMatch(/^Environment variable MISSING_REF/);
    expectNoCanary(error);
  });

  it('ranks references as environment values under both precedences', async () => {
    const env = { App_Setting: `@Microsoft.KeyVault(SecretUri=${refs.url}/secrets/Db-Password)` };
    const vaultWins = await load({ env, vaultUrl: fx.emulator.vaultUrl }).promise;
    expect(vaultWins.config.App_Setting).toBe(secretValue('setting'));
    expect(vaultWins.report.entries.find((e) => e.source === 'reference')).toMatchObject({
      status: 'skipped',
    });
    const envWins = await load({ env, vaultUrl: fx.emulator.vaultUrl, precedence: 'environment' }).promise;
    expect(envWins.config.App_Setting).toBe(secretValue('db'));
    expect(envWins.report.entries.find((e) => e.source === 'list' && e.key === 'App_Setting')).toMatchObject({
      status: 'skipped',
      reason: 'environment wins (App_Setting)',
    });
  });
});

describe('validationSchema', () => {
  const env = {
    NODE_ENV: 'production',
    DB_PASSWORD: `@Microsoft.KeyVault(SecretUri=${'{url}'}/secrets/Db-Password)`,
  };
  const envFor = () => ({ ...env, DB_PASSWORD: env.DB_PASSWORD.replace('{url}', refs.url) });

  it('validates environment, vault values and resolved references together', async () => {
    const schema = z.object({
      NODE_ENV: z.enum(['development', 'production']),
      DB_PASSWORD: z.string().startsWith('CANARY'),
      App_Setting: z.string(),
      Port: z.string().regex(/^\d+$/),
    });
    const { config } = await load({ env: envFor(), vaultUrl: fx.emulator.vaultUrl, validationSchema: schema })
      .promise;
    expect(config).not.toHaveProperty('NODE_ENV'); // validation checks; it does not add the environment
  });

  it.each([
    [
      'zod',
      z.object({
        NODE_ENV: z.literal('development'),
        DB_PASSWORD: z.string().min(500),
        App_Setting: z.enum(['a', 'b']),
        Missing_Key: z.string(),
      }),
    ],
    [
      'valibot',
      v.object({
        NODE_ENV: v.literal('development'),
        DB_PASSWORD: v.pipe(v.string(), v.minLength(500)),
        App_Setting: v.picklist(['a', 'b']),
        Missing_Key: v.string(),
      }),
    ],
  ])('fails with %s naming the keys, never the values', async (_vendor, schema) => {
    const { promise, logger } = load({
      env: envFor(),
      vaultUrl: fx.emulator.vaultUrl,
      validationSchema: schema,
    });
    const error = await rejectionOf(promise);
    expect(error.code).toBe('VALIDATION_FAILED');
    for (const key of ['NODE_ENV', 'DB_PASSWORD', 'App_Setting', 'Missing_Key'])
      expect(error.message).toContain(key);
    expectNoCanary(error, logger.lines);
  });
});

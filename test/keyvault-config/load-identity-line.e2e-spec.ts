/**
 * The "Authenticated to Key Vault using …" line through real loads: loads that share a credential (and so
 * a cached vault client and token) and loads with their own credential, each with its own logger. Each
 * logger must get its own load's identity line, once — never another load's, never none.
 */
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential } from '@azure/identity';
import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';
import { beforeAll, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
let vaultUrl: string;

beforeAll(async () => {
  vaultUrl = (
    await fx.emulator.addVault(`v-${randomUUID().slice(0, 8)}`, {
      seed: [{ name: 'Db-Password', value: secretValue(1) }],
    })
  ).url;
});

function identity(): { clientId: string; objectId: string } {
  return fx.emulator.addIdentity({ clientId: randomUUID(), role: 'user' });
}

async function loadWith(credential: ManagedIdentityCredential): Promise<ReturnType<typeof captureLogger>> {
  const logger = captureLogger();
  const result = await loadKeyVaultSecrets({
    vaultUrl,
    credential,
    clientOptions: { tlsOptions: { ca: fx.emulator.caCert } },
    env: {},
    logger,
  });
  expect(result.report.loaded).toBe(1);
  expectNoCanary(result.report, logger.lines);
  return logger;
}

const identityLines = (logger: ReturnType<typeof captureLogger>): string[] =>
  logger.infos().filter((line) => line.startsWith('Authenticated to Key Vault'));

const lineFor = (id: { clientId: string; objectId: string }): string =>
  `Authenticated to Key Vault using ManagedIdentityCredential (App Service) as oid=${id.objectId} appid=${id.clientId} tid=${fx.emulator.tenantId}`;

it('two concurrent loads sharing a credential, with two loggers: each logger gets the identity line once', async () => {
  const id = identity();
  const credential = new ManagedIdentityCredential({ clientId: id.clientId });
  const [first, second] = await Promise.all([loadWith(credential), loadWith(credential)]);
  expect(identityLines(first)).toEqual([lineFor(id)]);
  expect(identityLines(second)).toEqual([lineFor(id)]);
  // A later load reuses the cached client and token, and still says who it is.
  expect(identityLines(await loadWith(credential))).toEqual([lineFor(id)]);
});

it('two concurrent loads with two credentials: neither logger gets the other load’s identity', async () => {
  const a = identity();
  const b = identity();
  const [first, second] = await Promise.all([
    loadWith(new ManagedIdentityCredential({ clientId: a.clientId })),
    loadWith(new ManagedIdentityCredential({ clientId: b.clientId })),
  ]);
  expect(identityLines(first)).toEqual([lineFor(a)]);
  expect(identityLines(second)).toEqual([lineFor(b)]);
});

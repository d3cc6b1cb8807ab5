/**
 * "Done when": an untouched 2018 client — ms-rest-azure's loginWithAppServiceMSI with azure-keyvault 3.x —
 * reads a secret from the emulator started with --legacy-msi (App Service's 2017-09-01 protocol), in a child
 * process with nothing but MSI_ENDPOINT, MSI_SECRET and NODE_EXTRA_CA_CERTS. The network guard rides along.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const client = fileURLToPath(new URL('./fixtures/legacy-msi-client.cjs', import.meta.url));
const VALUE = 'legacy-client-canary';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ legacyMsi: true, seed: [{ name: 'Legacy-Secret', value: VALUE }] });
});
afterAll(() => emulator?.close());

async function runLegacyClient(env: Record<string, string>): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [client, emulator.vaultUrl, 'Legacy-Secret', VALUE],
    {
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: process.env.NODE_OPTIONS,
        NETWORK_GUARD_LOG: process.env.NETWORK_GUARD_LOG,
        ...env,
      },
      timeout: 25_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('a 2018 client on the 2017-09-01 protocol', () => {
  it('ms-rest-azure loginWithAppServiceMSI + azure-keyvault 3.x read a secret', async () => {
    const result = await runLegacyClient({
      MSI_ENDPOINT: emulator.env.MSI_ENDPOINT!,
      MSI_SECRET: emulator.env.MSI_SECRET!,
      NODE_EXTRA_CA_CERTS: emulator.env.NODE_EXTRA_CA_CERTS!,
    });
    expect(result).toEqual({
      ok: true,
      id: expect.stringMatching(/\/secrets\/Legacy-Secret\/[0-9a-f]{32}$/),
      valueMatches: true,
    });
    // Two token requests: loginWithAppServiceMSI gets one to check the login, and MSITokenCredentials
    // caches nothing, so signing the vault request gets another.
    expect(emulator.counters.count({ route: 'identity.legacy', status: 200 })).toBe(2);
    expect(
      emulator.counters.count({
        route: 'secrets.get',
        status: 200,
        clientId: emulator.systemAssigned.clientId,
      }),
    ).toBe(1);
  });

  it("a wrong MSI_SECRET fails with the endpoint's error, and no vault request is made", async () => {
    emulator.counters.reset();
    const result = await runLegacyClient({
      MSI_ENDPOINT: emulator.env.MSI_ENDPOINT!,
      MSI_SECRET: 'not-the-secret',
      NODE_EXTRA_CA_CERTS: emulator.env.NODE_EXTRA_CA_CERTS!,
    });
    expect(result.ok).toBe(false);
    expect(String(result.message)).toContain("The 'secret' header is invalid.");
    expect(emulator.counters.count({ route: 'secrets.get' })).toBe(0);
  });
});

/**
 * "Done when": an untouched 2018 client — ms-rest-azure's loginWithAppServiceMSI with azure-keyvault 3.x —
 * reads a secret from the emulator started with --legacy-msi (App Service's 2017-09-01 protocol), in a child
 * process with nothing but MSI_ENDPOINT, MSI_SECRET and NODE_EXTRA_CA_CERTS. The network guard rides along.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';

const client = fileURLToPath(new URL('./fixtures/legacy-msi-client.cjs', import.meta.url));
const VALUE = 'legacy-client-canary';

// The client runs in a child process, given only the legacy protocol's variables.
const fx = useEmulator({
  legacyMsi: true,
  seed: [{ name: 'Legacy-Secret', value: VALUE }],
  identity: 'none',
});

async function runLegacyClient(env: Record<string, string>): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [client, fx.emulator.vaultUrl, 'Legacy-Secret', VALUE],
    // Built from scratch (PATH, an empty HOME, the network guard), then only the variables given.
    { env: fx.childEnv(env, { platform: 'none' }), timeout: 25_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('a 2018 client on the 2017-09-01 protocol', () => {
  it('ms-rest-azure loginWithAppServiceMSI + azure-keyvault 3.x read a secret', async () => {
    const result = await runLegacyClient({
      MSI_ENDPOINT: fx.emulator.env.MSI_ENDPOINT!,
      MSI_SECRET: fx.emulator.env.MSI_SECRET!,
      NODE_EXTRA_CA_CERTS: fx.emulator.env.NODE_EXTRA_CA_CERTS!,
    });
    expect(result).toEqual({
      ok: true,
      id: expect.stringMatching(/\/secrets\/Legacy-Secret\/[0-9a-f]{32}$/),
      valueMatches: true,
    });
    // Two token requests: loginWithAppServiceMSI gets one to check the login, and MSITokenCredentials
    // caches nothing, so signing the vault request gets another.
    expect(fx.emulator.counters.count({ route: 'identity.legacy', status: 200 })).toBe(2);
    expect(
      fx.emulator.counters.count({
        route: 'secrets.get',
        status: 200,
        clientId: fx.emulator.systemAssigned.clientId,
      }),
    ).toBe(1);
  });

  it("a wrong MSI_SECRET fails with the endpoint's error, and no vault request is made", async () => {
    fx.emulator.counters.reset();
    const result = await runLegacyClient({
      MSI_ENDPOINT: fx.emulator.env.MSI_ENDPOINT!,
      MSI_SECRET: 'not-the-secret',
      NODE_EXTRA_CA_CERTS: fx.emulator.env.NODE_EXTRA_CA_CERTS!,
    });
    expect(result.ok).toBe(false);
    expect(String(result.message)).toContain("The 'secret' header is invalid.");
    expect(fx.emulator.counters.count({ route: 'secrets.get' })).toBe(0);
  });
});

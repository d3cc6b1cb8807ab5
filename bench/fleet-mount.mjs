/**
 * Vault transactions per refresh interval for a fleet of R replicas that each need the same S
 * secrets, in three modes — measured at the emulator's request counters, through the real SDK:
 *
 * - direct: every replica loads from the vault (list pages + one get per secret at start) and
 *   refreshes on its interval (list pages only for unchanged secrets: the library's refresh reuse;
 *   a get per rotated secret);
 * - csi:    the Secrets Store CSI driver's Azure provider gets every object of the SecretProviderClass
 *   for every pod mount, at mount and at each rotation poll (simulated here with one SecretClient per
 *   pod), and the app reads the files with `mountPath`;
 * - eso:    the External Secrets Operator gets every secret once per ExternalSecret refreshInterval
 *   into one Kubernetes Secret the kubelet projects into every pod; the app reads it with `mountPath`.
 *
 * The apps of the csi and eso modes are real `watchKeyVaultSecrets({ mountPath })` watchers: the
 * figures show what they cost the vault (nothing) next to what the engine costs it. No assertions.
 * This is the mounted-source run of the fleet benchmark (standalone: bench/fleet.mjs had not landed).
 *
 *   npm run bench:fleet-mount                       # R=20, S=100 (builds nothing: run npm run build first)
 *   npm run bench:fleet-mount -- --replicas 50 --secrets 200 --rotate 1
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator } from 'keyvault-emulator';

const core = await import(new URL('../libs/keyvault-config/dist/core/index.js', import.meta.url).href);
const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '20' },
    secrets: { type: 'string', default: '100' },
    rotate: { type: 'string', default: '1' },
  },
});
const R = Number(values.replicas);
const S = Number(values.secrets);
const ROTATE = Math.min(Number(values.rotate), S);

const name = (i) => `App--Secret-${String(i).padStart(4, '0')}`;
const seed = Array.from({ length: S }, (_, i) => ({ name: name(i), value: `value-${i}-v1` }));
const emulator = await startEmulator({ seed });
const vaultUrl = emulator.vaultUrl;
const silent = { log() {}, warn() {}, error() {} };
/** One credential per replica (each pod has its own token cache); tokens signed by the emulator. */
const credential = () => ({
  getToken: async () => ({ token: emulator.issueToken(), expiresOnTimestamp: Date.now() + 3_600_000 }),
});
// The library turns challenge-resource verification off for loopback hosts; the bare SecretClient needs it said.
const clientOptions = () => ({
  tlsOptions: { ca: emulator.caCert },
  disableChallengeResourceVerification: true,
});
/** Answered vault requests (the SDK's 401 challenge round trips are not counted). */
const transactions = () =>
  emulator.counters.count({ route: 'secrets.list', status: 200 }) +
  emulator.counters.count({ route: 'secrets.get', status: 200 });
/** Key Vault's updatedOn has a one-second resolution: refresh reuse trusts a secret once it is older. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_100));
async function measure(work) {
  const before = transactions();
  const started = performance.now();
  await work();
  return { tx: transactions() - before, ms: Math.round(performance.now() - started) };
}
function rotate(round) {
  const handle = emulator.vault();
  for (let i = 0; i < ROTATE; i++) handle.setSecret({ name: name(i), value: `value-${i}-v${round}` });
}
/** What an engine fetched, written as files one per secret (the CSI driver / kubelet layout's content). */
function writeFiles(dir, secrets) {
  mkdirSync(dir, { recursive: true });
  for (const s of secrets) writeFileSync(join(dir, s.name), s.value);
}
async function getAll(client) {
  return Promise.all(
    seed.map(async (s) => ({ name: s.name, value: (await client.getSecret(s.name)).value })),
  );
}

async function direct() {
  const watchers = [];
  await settle(); // the seed ages first: a steady-state fleet, not one started within a second of a write
  const start = await measure(async () => {
    for (let r = 0; r < R; r++) {
      const options = {
        vaultUrl,
        credential: credential(),
        clientOptions: clientOptions(),
        env: {},
        logger: silent,
      };
      watchers.push(await core.watchKeyVaultSecrets(options));
    }
  });
  const unchanged = await measure(() => Promise.all(watchers.map((w) => w.refresh())));
  rotate(2);
  const rotated = await measure(() => Promise.all(watchers.map((w) => w.refresh())));
  await Promise.all(watchers.map((w) => w.stop()));
  return { start, unchanged, rotated };
}

/** The apps of a mounted mode: R watchers on `dirs[r]`; returns their load and refresh costs. */
async function mountedApps(dirs) {
  const watchers = [];
  const start = await measure(async () => {
    for (const dir of dirs)
      watchers.push(await core.watchKeyVaultSecrets({ mountPath: dir, env: {}, logger: silent }));
  });
  const refresh = await measure(() => Promise.all(watchers.map((w) => w.refresh())));
  const loaded = watchers[0].report.loaded;
  await Promise.all(watchers.map((w) => w.stop()));
  return { start, refresh, loaded };
}

async function csi(root) {
  const clients = Array.from({ length: R }, () => new SecretClient(vaultUrl, credential(), clientOptions()));
  const dirs = clients.map((_, r) => join(root, `csi-pod-${r}`));
  const mount = await measure(async () => {
    await Promise.all(clients.map(async (c, r) => writeFiles(dirs[r], await getAll(c))));
  });
  const apps = await mountedApps(dirs);
  rotate(3);
  const poll = await measure(() =>
    Promise.all(clients.map(async (c, r) => writeFiles(dirs[r], await getAll(c)))),
  );
  return { mount, poll, apps };
}

async function eso(root) {
  const client = new SecretClient(vaultUrl, credential(), clientOptions());
  const dir = join(root, 'eso-secret');
  const sync = await measure(async () => writeFiles(dir, await getAll(client)));
  // Every pod mounts the same Kubernetes Secret (one projection per pod; the same content).
  const apps = await mountedApps(Array.from({ length: R }, () => dir));
  rotate(4);
  const resync = await measure(async () => writeFiles(dir, await getAll(client)));
  return { sync, resync, apps };
}

const root = mkdtempSync(join(tmpdir(), 'fleet-mount-'));
try {
  const d = await direct();
  const c = await csi(root);
  const e = await eso(root);
  const rows = [
    [
      'mode',
      'startup (vault tx)',
      'per interval, unchanged',
      `per interval, ${ROTATE} rotated`,
      'app reads (vault tx)',
    ],
    ['direct', d.start.tx, d.unchanged.tx, d.rotated.tx, '—'],
    ['csi', c.mount.tx, c.poll.tx, c.poll.tx, c.apps.start.tx + c.apps.refresh.tx],
    ['eso', e.sync.tx, e.resync.tx, e.resync.tx, e.apps.start.tx + e.apps.refresh.tx],
  ];
  console.log(
    `fleet-mount: R=${R} replicas, S=${S} secrets (${Math.ceil(S / 25)} list pages), ${ROTATE} rotated per interval`,
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  for (const row of rows) console.log(row.map((cell, i) => String(cell).padEnd(widths[i])).join('  '));
  console.log(
    `mounted apps: ${c.apps.loaded} keys each; startup of ${R} apps from files ${c.apps.start.ms} ms (csi dirs), ${e.apps.start.ms} ms (one eso dir); one refresh of all ${c.apps.refresh.ms} / ${e.apps.refresh.ms} ms`,
  );
  console.log(
    'Key Vault allows about 4,000 transactions per 10 s per vault: the csi row grows with pods × secrets per rotation poll (default 2m), the eso row stays at secrets per sync whatever R is.',
  );
} finally {
  rmSync(root, { recursive: true, force: true });
  await emulator.close();
}

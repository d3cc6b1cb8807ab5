/**
 * The JavaScript cost of a load without sockets or TLS: the real SDK and the real core, but a vault
 * that lives in an `httpClient` stub (answers after a timer, like the emulator's latency). Repeated
 * loads in one process, so the JIT is warm: this isolates what our code and the SDK's pipeline cost
 * per secret, and makes small differences between two builds of the core visible.
 *
 *   node bench/load-inmemory.mjs [--strategy library|sdk-listfirst] [--core DIR] [--als] [--signal] [--policies]
 *                                [--n 1000] [--latency 20] [--warmup 3] [--loads 20]
 *
 * --core DIR   another build of the core (a directory with its index.js)
 * --als        run one AsyncLocalStorage.run() first (Node's promise hooks on, as credential.ts does)
 * --signal     sdk-listfirst: pass one shared AbortSignal to every call (as the loader does)
 * --policies   sdk-listfirst: build the SecretClient with the library's client options (its 429 and
 *              error-body policies), from the core's client.js
 *
 * Prints the median and quartiles of CPU ms and elapsed ms per load. Compare builds by running it
 * several times alternately; no assertions.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { SecretClient } from '@azure/keyvault-secrets';
import { benchSeed, PAGE_SIZE } from './bench-seed.mjs';

const { values } = parseArgs({
  options: {
    strategy: { type: 'string', default: 'library' },
    core: { type: 'string' },
    als: { type: 'boolean', default: false },
    signal: { type: 'boolean', default: false },
    policies: { type: 'boolean', default: false },
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    loads: { type: 'string', default: '20' },
  },
});
const N = Number(values.n);
const LATENCY_MS = Number(values.latency);
const coreUrl = (file) =>
  values.core
    ? pathToFileURL(resolve(values.core, file)).href
    : new URL(`../libs/keyvault-config/dist/core/${file}`, import.meta.url).href;
const core = await import(coreUrl('index.js'));
const { buildClientOptions } = await import(coreUrl('client.js'));

const vaultUrl = 'https://127.0.0.1:9'; // loopback: no challenge-resource check; never contacted
const names = benchSeed(N).map((s) => s.name);
const attributes = { enabled: true, created: 1_700_000_000, updated: 1_700_000_000 };
const CHALLENGE =
  'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001", resource="https://vault.azure.net"';

/** Key Vault's answers (list pages of 25 with nextLink, gets, the 401 challenge), after a timer. */
const httpClient = {
  async sendRequest(request) {
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    const answer = (status, body, headers = {}) => ({
      request,
      status,
      headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', ...headers }),
      bodyAsText: JSON.stringify(body),
    });
    if (!request.headers.get('authorization')) {
      return answer(
        401,
        { error: { code: 'Unauthorized', message: 'AKV10000' } },
        { 'www-authenticate': CHALLENGE },
      );
    }
    const url = new URL(request.url);
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments.length === 1) {
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const value = names
        .slice(skip, skip + PAGE_SIZE)
        .map((name) => ({ id: `${vaultUrl}/secrets/${name}`, attributes }));
      const next = skip + PAGE_SIZE;
      return answer(200, {
        value,
        nextLink:
          next < N ? `${vaultUrl}/secrets?api-version=2025-07-01&$skiptoken=${next}&maxresults=25` : null,
      });
    }
    const name = segments[1];
    return answer(200, {
      value: `value-of-${name}`,
      id: `${vaultUrl}/secrets/${name}/0123456789abcdef0123456789abcdef`,
      attributes,
    });
  },
};

const claims = Buffer.from(JSON.stringify({ oid: 'o', appid: 'a', tid: 't' })).toString('base64url');
/** A fresh credential per load, so the library builds a fresh client (one challenge each time). */
const credential = () => ({
  getToken: async () => ({ token: `e30.${claims}.s`, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

function semaphore(limit) {
  let active = 0;
  const waiting = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return (task) =>
    new Promise((resolveTask, reject) => {
      const start = () => {
        active++;
        task().then(resolveTask, reject).finally(release);
      };
      if (active < limit) start();
      else waiting.push(start);
    });
}

async function load() {
  if (values.strategy === 'library') {
    const { report } = await core.loadKeyVaultSecrets({
      vaultUrl,
      credential: credential(),
      clientOptions: { httpClient },
      env: {},
      logger: { log() {}, warn() {}, error() {} },
    });
    return report.loaded;
  }
  const options = values.policies
    ? buildClientOptions({ url: vaultUrl, host: '127.0.0.1:9', loopback: true }, { httpClient }, 4)
    : { httpClient, disableChallengeResourceVerification: true };
  const client = new SecretClient(vaultUrl, credential(), options);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const abortSignal = values.signal ? controller.signal : undefined;
  const gate = semaphore(32);
  const fetches = [];
  const pages = client.listPropertiesOfSecrets({ abortSignal }).byPage();
  let pending = pages.next();
  for (;;) {
    const page = await pending;
    if (page.done) break;
    pending = pages.next();
    for (const properties of page.value) {
      fetches.push(gate(() => client.getSecret(properties.name, { abortSignal })));
    }
  }
  return (await Promise.all(fetches)).length;
}

if (values.als) new AsyncLocalStorage().run(undefined, () => undefined);
const samples = [];
for (let i = 0; i < Number(values.warmup) + Number(values.loads); i++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const loaded = await load();
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (loaded !== N) throw new Error(`loaded ${loaded} of ${N}`);
  if (i >= Number(values.warmup)) samples.push({ cpu: (used.user + used.system) / 1000, elapsed });
}
const quartiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return `${at(0.5)} (${at(0.25)}–${at(0.75)})`;
};
console.log(
  `${values.strategy}${values.core ? ` core=${values.core}` : ''}${['als', 'signal', 'policies'].map((f) => (values[f] ? ` +${f}` : '')).join('')}: N=${N}, ${LATENCY_MS} ms, ${samples.length} warm loads — CPU ms/load ${quartiles(samples.map((s) => s.cpu))}, elapsed ms ${quartiles(samples.map((s) => s.elapsed))}`,
);

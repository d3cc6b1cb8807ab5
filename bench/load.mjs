/**
 * Startup load benchmark: N secrets behind a fixed per-request latency on the emulator, loaded once
 * with the default options (list pages + pipelined fetches, 32 in flight) through the real SDK and a
 * managed identity. Prints the elapsed time, the request counts, and the floor — the serial chain of
 * list pages (⌈N/25⌉ × latency) that no strategy can beat. No assertions.
 *
 * The emulator runs in this process, so its TLS and JSON work shares the event loop with the loader:
 * the numbers are an upper bound of what the loader needs against a remote vault.
 *
 *   npm run build && npm run bench:load
 *   BENCH_N=1000 BENCH_LATENCY_MS=20 BENCH_CONCURRENCY=32 (defaults: 1000, 20, the library's default)
 */
import { ManagedIdentityCredential } from '@azure/identity';
import { startEmulator } from 'keyvault-emulator';
// The core only (no Nest): the built output of libs/keyvault-config/src/core.
import { loadKeyVaultSecrets } from '../libs/keyvault-config/dist/core/index.js';

const N = Number(process.env.BENCH_N ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
/** Unset: the library's default (32). */
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined;
const PAGE_SIZE = 25; // Key Vault's (and the emulator's) list page size

const seed = Array.from({ length: N }, (_, i) => ({
  name: `Bench--Secret-${String(i).padStart(5, '0')}`,
  value: `value-${i}`,
}));
const emulator = await startEmulator({ seed, latencyMs: LATENCY_MS });
process.env.IDENTITY_ENDPOINT = emulator.env.IDENTITY_ENDPOINT;
process.env.IDENTITY_HEADER = emulator.env.IDENTITY_HEADER;

const quiet = { log() {}, warn: (m) => console.warn(m), error: (m) => console.error(m) };
try {
  emulator.counters.reset();
  const started = performance.now();
  const { report } = await loadKeyVaultSecrets({
    vaultUrl: emulator.vaultUrl,
    credential: new ManagedIdentityCredential(),
    clientOptions: { tlsOptions: { ca: emulator.caCert } },
    concurrency: CONCURRENCY,
    env: {},
    logger: quiet,
  });
  const elapsed = performance.now() - started;
  const count = (filter) => emulator.counters.count(filter);
  const floor = Math.ceil(N / PAGE_SIZE) * LATENCY_MS;
  console.table({
    N,
    'latency ms': LATENCY_MS,
    concurrency: CONCURRENCY ?? 'default (32)',
    'elapsed ms': Math.round(elapsed),
    loaded: report.loaded,
    'list requests': count({ route: 'secrets.list' }),
    'get requests': count({ route: 'secrets.get' }),
    'token requests': count({ route: 'identity.appservice' }) + count({ route: 'identity.imds' }),
    'challenges (401)': count({ status: 401 }),
    'floor ms (⌈N/25⌉ × latency)': floor,
    'elapsed / floor': floor > 0 ? Number((elapsed / floor).toFixed(2)) : '-',
  });
} finally {
  await emulator.close();
}

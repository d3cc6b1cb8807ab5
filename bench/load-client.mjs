/**
 * One cold load in a fresh process (what an application does once at startup), measured from inside:
 *
 *   node bench/load-client.mjs --strategy library|dotnet|naive-all|naive-serial|… [--concurrency C] [--n N]
 *
 * Needs the emulator's environment (KEY_VAULT_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER,
 * NODE_EXTRA_CA_CERTS), as bench/load.mjs passes it. Prints one JSON line: the wall-clock start and
 * end (epoch ms, to line up with the emulator's request log), elapsed ms, the number of secrets
 * loaded, CPU time, and memory (peak RSS of the process; peak V8 heap used, sampled every 10 ms).
 * Module loading happens before the clock starts and is the same for every strategy.
 */
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { ManagedIdentityCredential } from '@azure/identity';
import { prepareStrategy, runStrategy } from './strategies.mjs';

const { values } = parseArgs({
  options: {
    strategy: { type: 'string', default: 'library' },
    concurrency: { type: 'string' },
    n: { type: 'string', default: '1000' },
  },
});
const vaultUrl = process.env.KEY_VAULT_URL;
if (!vaultUrl || !process.env.IDENTITY_ENDPOINT) {
  console.error('load-client: KEY_VAULT_URL and IDENTITY_ENDPOINT must be set (run bench/load.mjs).');
  process.exit(2);
}

await prepareStrategy(values.strategy);

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const before = process.memoryUsage();
let peakHeap = before.heapUsed;
// v8.getHeapStatistics is cheap; process.memoryUsage() also reads the RSS and showed up in profiles.
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
}, 10);

const epoch = () => performance.timeOrigin + performance.now();
const cpuBefore = process.cpuUsage();
const startedAt = epoch();
const started = performance.now();
const loaded = await runStrategy(values.strategy, {
  vaultUrl,
  // App Service managed identity (IDENTITY_ENDPOINT + IDENTITY_HEADER), one token request per load.
  credential: new ManagedIdentityCredential(),
  concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  n: Number(values.n),
});
const elapsedMs = performance.now() - started;
const endedAt = epoch();
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
const after = process.memoryUsage();
peakHeap = Math.max(peakHeap, after.heapUsed);

process.stdout.write(
  `${JSON.stringify({
    strategy: values.strategy,
    loaded,
    elapsedMs,
    startedAt,
    endedAt,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBeforeMb: mb(before.rss),
    peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    heapBeforeMb: mb(before.heapUsed),
    peakHeapMb: mb(peakHeap),
  })}\n`,
);
// Sockets kept alive by the SDK's agent would hold the process open.
process.exit(0);

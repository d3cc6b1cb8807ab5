/**
 * One replica of bench:fleet: a Node process that loads the vault once, as an application instance
 * does at startup. Forked by bench/fleet.mjs with an IPC channel: it imports everything, says
 * `{ type: 'armed' }`, waits for `{ type: 'go' }` (sent to every replica at the same moment), loads,
 * and answers one `{ type: 'result', … }`: ready or failed (with the error's code), time to ready,
 * client CPU, and the library's throttling figures.
 *
 *   (forked) bench/fleet-replica.mjs --strategy library|sdk-listfirst|dotnet-retry --n N [--timeout MS]
 */
import { parseArgs } from 'node:util';
import { ManagedIdentityCredential } from '@azure/identity';
import { prepareStrategy, runStrategy } from './strategies.mjs';

const { values } = parseArgs({
  options: {
    strategy: { type: 'string', default: 'library' },
    n: { type: 'string', default: '60' },
  },
});

// The comparison strategies start gets they only await at the end: a get that fails first (a 429)
// must not end the process before the load's own failure is reported.
process.on('unhandledRejection', () => undefined);

await prepareStrategy(values.strategy);
const credential = new ManagedIdentityCredential();

process.once('message', async (message) => {
  if (message?.type !== 'go') return;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let report;
  const result = { type: 'result', strategy: values.strategy };
  try {
    result.loaded = await runStrategy(values.strategy, {
      vaultUrl: process.env.KEY_VAULT_URL,
      credential,
      n: Number(values.n),
      onReport: (r) => (report = r),
    });
    result.ok = true;
  } catch (error) {
    result.ok = false;
    result.code = error?.code ?? error?.statusCode ?? error?.name ?? 'Error';
  }
  result.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  if (report) result.throttling = report.throttling;
  process.send(result, () => process.exit(0));
});
process.send({ type: 'armed' });

/**
 * The emulator in a process of its own, for benchmarks: the client under test must not share an event
 * loop (nor, on a small machine, a core) with the server's TLS, JWT checks and JSON.
 *
 *   node bench/emulator-process.mjs --n 1000 --latency 20 [--seed FILE] [--throttle N]
 *
 * Prints the emulator's environment as `NAME=value` lines on stdout (the same five lines as the
 * emulator's CLI), then runs until SIGINT/SIGTERM or until its parent goes away.
 *
 * Beyond the admin API (counters, log), it measures what only the server side can see: TCP
 * connections accepted, TLS handshakes completed (full or resumed) and its own CPU time. When started
 * with an IPC channel (child_process.fork), it answers `{ type: 'stats' }` and `{ type: 'reset' }`
 * messages with those figures.
 */
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { startEmulator } from 'keyvault-emulator';
import { benchSeed } from './bench-seed.mjs';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    seed: { type: 'string' },
    // Key Vault's throttle: N transactions per vault per 10 s, 429 without Retry-After (bench:fleet).
    throttle: { type: 'string' },
  },
});

// Count connections and handshakes on every TLS server of this process (the vault servers; the
// identity endpoints and the admin API are plain HTTP and not counted). Patching the prototype's emit
// sees the events whatever listeners the emulator registers.
const stats = { connections: 0, handshakes: 0, resumed: 0, peakOpen: 0, open: 0 };
const emit = tls.Server.prototype.emit;
tls.Server.prototype.emit = function countingEmit(event, socket, ...rest) {
  if (event === 'connection') {
    stats.connections++;
    stats.open++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    socket.once('close', () => stats.open--);
  } else if (event === 'secureConnection') {
    stats.handshakes++;
    if (socket.isSessionReused()) stats.resumed++;
  }
  return emit.call(this, event, socket, ...rest);
};

// The emulator's latency delay listens on its shutdown signal once per request in flight: with a
// benchmark's 32+ concurrent requests, Node's default limit (10) would print a leak warning.
setMaxListeners(0);

const seed = values.seed ? JSON.parse(readFileSync(values.seed, 'utf8')) : benchSeed(Number(values.n));
const emulator = await startEmulator({
  seed,
  latencyMs: Number(values.latency),
  ...(values.throttle ? { throttle: Number(values.throttle) } : {}),
});

let cpuBase = process.cpuUsage();
process.on('message', (message) => {
  if (message?.type === 'reset') {
    Object.assign(stats, { connections: 0, handshakes: 0, resumed: 0, peakOpen: stats.open });
    cpuBase = process.cpuUsage();
    process.send({ type: 'reset', ok: true });
  } else if (message?.type === 'stats') {
    const cpu = process.cpuUsage(cpuBase);
    process.send({ type: 'stats', ...stats, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
});

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('disconnect', stop); // the parent went away

process.stdout.write(
  Object.entries(emulator.env)
    .map(([name, value]) => `${name}=${value}\n`)
    .join(''),
);

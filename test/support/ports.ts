import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Lowest port the candidates start from (clear of the well-known ones a machine may serve). */
const FIRST_CANDIDATE = 10_000;
/** Where Linux starts handing out ports by default; below IANA's 49152 (macOS, Windows) too. */
const DEFAULT_EPHEMERAL_LOW = 32_768;

/** The first port the kernel hands out for `listen(0)` (and outgoing connections). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Math.max(FIRST_CANDIDATE + 1, Number(low) || DEFAULT_EPHEMERAL_LOW);
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

/** Connecting to 127.0.0.1:`port` is refused (nothing listens). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * A loopback port nothing listens on — connecting to it is refused — and nothing in the suite can start
 * listening on while a test uses it: one below the kernel's ephemeral range, which is where every
 * `listen(0)` of this worker and of the files running beside it gets its port. A port taken from
 * `listen(0)` and released goes back into that range: another file's emulator or app can be handed it
 * while a test spends seconds retrying it (the sample and the doctor do), and the test then meets that
 * server instead of a refused connection.
 */
export async function closedPort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = FIRST_CANDIDATE + Math.floor(Math.random() * (low - FIRST_CANDIDATE));
    if (await refused(port)) return port;
  }
  throw new Error(`closedPort(): no port from ${FIRST_CANDIDATE} to ${low - 1} refuses connections`);
}

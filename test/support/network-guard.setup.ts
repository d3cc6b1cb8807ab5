import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { networkGuard } from './network-guard.mjs';

// One log per worker process, inherited by the processes its tests spawn, so a violation is
// charged to the test that caused it and not to a test running in another worker.
if (process.env.NETWORK_GUARD_DIR) {
  process.env.NETWORK_GUARD_LOG = join(process.env.NETWORK_GUARD_DIR, `violations-${process.pid}.jsonl`);
}

/**
 * Fails the running test if it (or a process it spawned) tried to reach a non-loopback address,
 * even when the code under test swallowed the refused connection.
 */
afterEach(() => {
  const blocked = networkGuard.take().map((v) => `${v.address} (this process)`);
  const log = process.env.NETWORK_GUARD_LOG;
  if (log && existsSync(log)) {
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    if (lines.length > 0) {
      writeFileSync(log, '');
      for (const line of lines) {
        const v = JSON.parse(line) as { address: string; pid: number };
        if (v.pid === process.pid) continue; // already counted from memory above
        blocked.push(`${v.address} (child process ${v.pid})`);
      }
    }
  }
  if (blocked.length > 0) {
    throw new Error(`Network guard: this test tried to reach non-loopback addresses: ${blocked.join(', ')}`);
  }
});

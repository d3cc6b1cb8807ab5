import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs once before the whole suite: every Node process a test spawns (the emulator's command line,
 * the sample app, a fake `az`) loads the network guard too, and reports blocked connections into a
 * per-worker log that the per-test check reads (see network-guard.setup.ts).
 */
export default function setup(): () => void {
  const guard = fileURLToPath(new URL('./network-guard.mjs', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'kv-netguard-'));
  process.env.NETWORK_GUARD_DIR = dir;
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import=${guard}`].filter(Boolean).join(' ');
  return () => rmSync(dir, { recursive: true, force: true });
}

// Runs the Nest layer's ConfigService bridge spec (libs/keyvault-config/src/nest/config-service.bridge.spec.ts)
// against one matrix set's @nestjs/config — 3, 4 or 12 — instead of the repository's: the shape of
// ConfigService the bridge relies on (set() writing process.env, the private cache) is pinned on
// every major. KV_COMPAT_SET_DIR is the set's app directory (test/compat/run.mjs sets it).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const setDir = process.env.KV_COMPAT_SET_DIR;
if (!setDir) throw new Error('KV_COMPAT_SET_DIR is not set (run through test/compat/run.mjs)');
const fromSet = createRequire(join(setDir, 'package.json'));
const NEST = ['@nestjs/common', '@nestjs/core', '@nestjs/config', '@nestjs/testing'];

export default defineConfig({
  root: ROOT,
  resolve: {
    alias: NEST.map((name) => ({ find: new RegExp(`^${name}$`), replacement: fromSet.resolve(name) })),
  },
  test: {
    include: ['libs/keyvault-config/src/nest/config-service.bridge.spec.ts'],
    setupFiles: ['test/support/network-guard.setup.ts'],
    pool: 'forks',
    reporters: ['dot'],
  },
});

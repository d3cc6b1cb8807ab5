import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Nest's dependency injection reads `design:paramtypes`, which esbuild does not emit: SWC does.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    // Exact matches: a plain string key would also rewrite 'nestjs-keyvault-config/core'.
    alias: [
      { find: /^nestjs-keyvault-config$/, replacement: src('./libs/keyvault-config/src/index.ts') },
      {
        find: /^nestjs-keyvault-config\/core$/,
        replacement: src('./libs/keyvault-config/src/core/index.ts'),
      },
      { find: /^keyvault-emulator$/, replacement: src('./libs/keyvault-emulator/src/index.ts') },
    ],
  },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The environment guard first: its afterAll must run after every other hook of a file.
    setupFiles: ['test/support/env-guard.setup.ts', 'test/support/network-guard.setup.ts'],
    // Separate processes: the managed-identity credential caches its source per process, and the
    // network guard's per-worker log relies on one worker per process.
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one worker on a 2-core CI machine, and most
    // files wait on the network or timers, not the CPU. Two there halved the suite (290 s -> 163 s).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});

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
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});

// The compatibility matrix: which consumer apps test/compat generates, what each installs, and on
// which Node versions each runs. Plain JavaScript, like the rest of test/compat: it runs before any
// build and on every Node of the matrix.
import { readFileSync } from 'node:fs';

const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** What every generated app compiles with: TypeScript 5 (what Nest 10 and 11 apps run) and Node 20 types. */
const TOOLING = { typescript: '~5.9.0', '@types/node': '^20.19.0' };

/**
 * One install per set, reused by its CommonJS and ESM apps and by every Node version. Unpinned
 * within the major, as a user installs: npm takes the newest release whose `engines` accept Node 20.
 */
export const SETS = [
  {
    name: 'nest10',
    label: 'Nest 10 + config 3',
    app: 'nest-app.ts',
    terminusMajor: 10,
    dependencies: {
      '@nestjs/common': '^10.0.0',
      '@nestjs/core': '^10.0.0',
      '@nestjs/platform-express': '^10.0.0',
      '@nestjs/config': '^3.2.0',
      '@nestjs/terminus': '^10.0.0',
      // For the ConfigService bridge spec run against this set's @nestjs/config (bridge.vitest.config.mjs).
      '@nestjs/testing': '^10.0.0',
      'reflect-metadata': '^0.2.0',
      rxjs: '^7.8.0',
      ...TOOLING,
    },
  },
  {
    // The floor of every peer range the package claims, pinned exactly: `^10.0.0` and `^3.2.0` are
    // promises about 10.0.0 and 3.2.0 too, not only about the newest 10.x and 3.x a fresh install gets.
    name: 'floor',
    label: 'Nest 10.0 + config 3.2.0',
    app: 'nest-app.ts',
    terminusMajor: 10,
    // @nestjs/config before 3.3.0 does not await promises in `load`: keyVaultConfig() needs 3.3+
    // (the README says so); forRoot, forRootAsync, rotation, health and the bridge are proven on 3.2.0.
    cut: ['load-mode'],
    dependencies: {
      '@nestjs/common': '10.0.0',
      '@nestjs/core': '10.0.0',
      '@nestjs/platform-express': '10.0.0',
      '@nestjs/config': '3.2.0',
      '@nestjs/terminus': '10.0.0',
      '@nestjs/testing': '10.0.0',
      'reflect-metadata': '0.1.13',
      rxjs: '7.2.0',
      ...TOOLING,
    },
  },
  {
    name: 'nest11',
    label: 'Nest 11 + config 4',
    app: 'nest-app.ts',
    terminusMajor: 11,
    dependencies: {
      '@nestjs/common': '^11.0.0',
      '@nestjs/core': '^11.0.0',
      '@nestjs/platform-express': '^11.0.0',
      '@nestjs/config': '^4.0.0',
      '@nestjs/terminus': '^11.0.0',
      // For the ConfigService bridge spec run against this set's @nestjs/config (bridge.vitest.config.mjs).
      '@nestjs/testing': '^11.0.0',
      'reflect-metadata': '^0.2.0',
      rxjs: '^7.8.0',
      ...TOOLING,
    },
  },
  {
    name: 'nest12',
    label: 'Nest 12 + config 12',
    app: 'nest-app.ts',
    terminusMajor: 12,
    dependencies: {
      '@nestjs/common': '^12.0.0',
      '@nestjs/core': '^12.0.0',
      '@nestjs/platform-express': '^12.0.0',
      '@nestjs/config': '^12.0.0',
      '@nestjs/terminus': '^12.0.0',
      // For the ConfigService bridge spec run against this set's @nestjs/config (bridge.vitest.config.mjs).
      '@nestjs/testing': '^12.0.0',
      'reflect-metadata': '^0.2.0',
      rxjs: '^7.8.0',
      ...TOOLING,
    },
    // @nestjs/common 12 pins file-type 22, which needs Node 22 (Nest's issue, not ours): the same
    // override as the repository's own package.json, so the app installs and runs on Node 20.
    overrides: root.overrides ?? {},
    libCheck: ['esm'],
  },
  {
    name: 'core',
    label: 'core + Express, no Nest',
    app: 'core-app.ts',
    dependencies: { express: '^5.0.0', '@types/express': '^5.0.0', ...TOOLING },
    // Proven after the install: none of these is in node_modules.
    absent: ['@nestjs', 'rxjs'],
    libCheck: ['cjs', 'esm'],
  },
];

/** The two ways an app loads the package: `require` (tsconfig module commonjs) and `import` (nodenext). */
export const KINDS = {
  cjs: { type: 'commonjs', compilerOptions: { module: 'commonjs' } },
  esm: { type: 'module', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
};

/**
 * strict + exactOptionalPropertyTypes. skipLibCheck as Nest apps have it, except in the kinds a set
 * lists in `libCheck`: there every declaration file — the package's included — is type-checked too
 * (three times the compile time, so not in every app).
 */
export const COMPILER_OPTIONS = {
  target: 'ES2022',
  strict: true,
  exactOptionalPropertyTypes: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  types: ['node'],
  rootDir: 'src',
  outDir: 'dist',
};

/** Node majors per set: every set on Node 20 (the oldest we claim; the floor set there only); Nest 11, 12 and the core on 22 and 24. */
export const NODES = {
  floor: [20],
  nest10: [20],
  nest11: [20, 22, 24],
  nest12: [20, 22, 24],
  core: [20, 22, 24],
};

/** Every cell: one set, one module kind, one Node major. */
export function cells() {
  return SETS.flatMap((set) =>
    NODES[set.name].flatMap((node) => Object.keys(KINDS).map((kind) => ({ set, kind, node }))),
  );
}

/**
 * The library as an npm package, used the way a stranger uses it: `npm pack` builds it (prepack), the
 * tarball is installed into a freshly generated app outside the monorepo (no path aliases, no
 * workspace links, no TypeScript build), and that app boots against the emulator — once as a Nest app
 * (KeyVaultConfigModule → ConfigService), once as a plain Express app (loadKeyVaultSecrets). One
 * install serves both apps.
 *
 * The pack runs in a copy of libs/keyvault-config laid out like the monorepo (its tsconfig extends
 * ../../tsconfig.build.json), without any dist/: that proves `prepack` builds everything from a clean
 * clone, and it leaves the repository's own dist/ — which other test files' processes are reading at
 * this moment — untouched.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from 'keyvault-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const require = createRequire(import.meta.url);
const semver = require('semver') as { satisfies(version: string, range: string): boolean };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIB = join(ROOT, 'libs/keyvault-config');
// npm resolves each dependency to its newest version whose `engines` accept the installing Node: on
// Node 20 — the oldest we claim — the install must therefore find versions that support Node 20 (the
// Azure SDK's newest releases need 22). On newer Node, newer versions are right for that app.
const INSTALLING_NODE = process.versions.node;
const INSTALL_TIMEOUT_MS = 240_000;

const SECRET_NAME = 'Pkg--Secret';
const SECRET_VALUE = `CANARYpkg${randomBytes(16).toString('hex')}`;
/** What the apps print instead of the value: its length and a hash prefix. */
const FINGERPRINT = {
  length: SECRET_VALUE.length,
  sha256: createHash('sha256').update(SECRET_VALUE).digest('hex').slice(0, 12),
};

const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  overrides?: Record<string, string>;
};

/**
 * What the generated app installs besides the tarball — unpinned, as a user would: npm picks, for each
 * range, the newest version whose `engines` accept the installing Node (on Node 20 that keeps the Azure
 * SDK on @azure/identity 4.13.x and @azure/keyvault-secrets 4.11.x). The root `overrides` are copied
 * because @nestjs/common 12 itself pins file-type 22, which needs Node 22 (Nest's issue, not ours).
 */
const INSTALL = [
  '@nestjs/core@12',
  '@nestjs/common@12',
  '@nestjs/config@12',
  '@nestjs/platform-express@12',
  'reflect-metadata',
  'rxjs',
  'express@5',
];

/** Plain JavaScript, no decorators syntax and no build: decorators are applied as function calls. */
const NEST_APP = `import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { KeyVaultConfigModule, KeyVaultConfigWatcher } from 'nestjs-keyvault-config';
import { createHash } from 'node:crypto';

// Never print a secret: only its length and a hash prefix.
const fingerprint = (value) =>
  typeof value === 'string'
    ? { length: value.length, sha256: createHash('sha256').update(value).digest('hex').slice(0, 12) }
    : null;
const AT_CONSTRUCTION = 'AT_CONSTRUCTION';

class ProbeController {
  constructor(config, secrets, atConstruction) {
    this.config = config;
    this.secrets = secrets;
    this.atConstruction = atConstruction;
  }
  probe() {
    const { report } = this.secrets;
    return {
      secret: fingerprint(this.config.get('Pkg.Secret')),
      atConstruction: this.atConstruction,
      loaded: report.loaded,
      credential: report.credential?.name,
    };
  }
}
Inject(ConfigService)(ProbeController, undefined, 0);
Inject(KeyVaultConfigWatcher)(ProbeController, undefined, 1);
Inject(AT_CONSTRUCTION)(ProbeController, undefined, 2);
Controller()(ProbeController);
Get('probe')(ProbeController.prototype, 'probe', Object.getOwnPropertyDescriptor(ProbeController.prototype, 'probe'));

class AppModule {}
Module({
  imports: [KeyVaultConfigModule.forRoot({})],
  controllers: [ProbeController],
  providers: [
    // Built while the module graph is constructed: the value must already be there.
    { provide: AT_CONSTRUCTION, useFactory: (config) => fingerprint(config.get('Pkg.Secret')), inject: [ConfigService] },
  ],
})(AppModule);

const app = await NestFactory.create(AppModule);
await app.listen(0, '127.0.0.1');
console.log('LISTENING ' + app.getHttpServer().address().port);
`;

const EXPRESS_APP = `import express from 'express';
import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';
import { createHash } from 'node:crypto';

const fingerprint = (value) =>
  typeof value === 'string'
    ? { length: value.length, sha256: createHash('sha256').update(value).digest('hex').slice(0, 12) }
    : null;

// KEY_VAULT_URL and the managed identity come from the environment, as on App Service.
const { config, report } = await loadKeyVaultSecrets({});
const app = express();
app.get('/probe', (_req, res) =>
  res.json({ secret: fingerprint(config.Pkg?.Secret), loaded: report.loaded, credential: report.credential?.name }),
);
const server = app.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`;

/** Type-checked with the repository's TypeScript against the installed package's declarations. */
const CONSUMER_TS = `import { KeyVaultConfigModule, loadKeyVaultSecrets, type KeyVaultLoadReport } from 'nestjs-keyvault-config';
import type { DynamicModule } from '@nestjs/common';

export const loaded: Promise<{ config: Record<string, unknown>; report: KeyVaultLoadReport }> = loadKeyVaultSecrets({
  vaultUrl: 'https://example.vault.azure.net',
  prefix: 'App--',
});
export const module: Promise<DynamicModule> = KeyVaultConfigModule.forRoot({ secrets: ['Db--Password'] });
// The README quick start under exactOptionalPropertyTypes: process.env values are string | undefined.
declare const fromEnvironment: string | undefined;
export const quickStart: Promise<DynamicModule> = KeyVaultConfigModule.forRoot({ vaultUrl: fromEnvironment });
// @ts-expect-error vaultUrl is a string
export const wrong = loadKeyVaultSecrets({ vaultUrl: 42 });
`;

let work: string;
let tarball: string;
let appDir: string;
let emulator: Emulator;
const children: ChildProcess[] = [];

/** npm without the outer `npm test`'s npm_* variables, which a nested npm would read as its config. */
function npmEnv(options: { network: boolean }): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
  );
  // No update check: it would be an extra registry request, refused by the guard in the pack step.
  env.npm_config_update_notifier = 'false';
  if (options.network) {
    // The one step that talks to the npm registry (the project's only non-loopback dependency): the
    // loopback guard is left out of this npm process alone. The apps below run with the guard.
    env.NODE_OPTIONS = (env.NODE_OPTIONS ?? '')
      .split(' ')
      .filter((option) => !option.includes('network-guard'))
      .join(' ');
    delete env.NETWORK_GUARD_LOG;
  }
  return env;
}

function appEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AZURE_|MSI_|IDENTITY_|IMDS_|KEY_VAULT_URL$|npm_)/i.test(key),
    ),
  );
  return {
    ...env,
    KEY_VAULT_URL: emulator.env.KEY_VAULT_URL,
    IDENTITY_ENDPOINT: emulator.env.IDENTITY_ENDPOINT,
    IDENTITY_HEADER: emulator.env.IDENTITY_HEADER,
    NODE_EXTRA_CA_CERTS: emulator.env.NODE_EXTRA_CA_CERTS,
    NO_COLOR: '1',
  };
}

/** Starts `node <file>` in the generated app and resolves with its port and collected output. */
async function boot(file: string): Promise<{ port: number; output: () => string }> {
  const child = spawn(process.execPath, [file], {
    cwd: appDir,
    env: appEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}:\n${output}`));
    });
  });
  return { port, output: () => output };
}

function tarEntries(): string[] {
  return readFileSync(`${tarball}.list`, 'utf8').split('\n').filter(Boolean);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kv-packaging-'));

  // 1. A dist-less copy of the library in a monorepo-shaped directory; its tools come from our node_modules.
  const repo = join(work, 'repo');
  const lib = join(repo, 'libs/keyvault-config');
  cpSync(LIB, lib, {
    recursive: true,
    filter: (source) => {
      const path = relative(LIB, source).split(sep);
      return !path.includes('dist') && !path.includes('node_modules') && !source.endsWith('.tgz');
    },
  });
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, file), join(repo, file));
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');

  // 2. npm pack: prepack builds dist/.
  const packs = join(work, 'packs');
  mkdirSync(packs);
  await exec('npm', ['pack', '--pack-destination', packs], { cwd: lib, env: npmEnv({ network: false }) });
  const [name] = readdirSync(packs).filter((file) => file.endsWith('.tgz'));
  tarball = join(packs, name);
  const { stdout: list } = await exec('tar', ['-tzf', tarball]);
  writeFileSync(`${tarball}.list`, list);

  // 3. A new app outside the monorepo, with the tarball installed like any package.
  appDir = join(work, 'app');
  mkdirSync(appDir);
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify({
      name: 'kv-consumer',
      private: true,
      type: 'module',
      overrides: rootPackage.overrides ?? {},
    }),
  );
  writeFileSync(join(appDir, 'nest-app.js'), NEST_APP);
  writeFileSync(join(appDir, 'express-app.js'), EXPRESS_APP);
  writeFileSync(join(appDir, 'consumer.ts'), CONSUMER_TS);
  await exec('npm', ['install', tarball, ...INSTALL, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: appDir,
    env: npmEnv({ network: true }),
    timeout: INSTALL_TIMEOUT_MS,
  });

  emulator = await startEmulator({ seed: [{ name: SECRET_NAME, value: SECRET_VALUE }] });
}, INSTALL_TIMEOUT_MS + 60_000);

// Deleting the generated app's node_modules can take long on a loaded machine.
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await emulator?.close();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('npm package nestjs-keyvault-config', () => {
  it('packs an ESM + CommonJS package with declarations, exports, a README, a license and a changelog', () => {
    const entries = tarEntries();
    for (const file of [
      'package/package.json',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/README.md',
      'package/LICENSE',
      'package/CHANGELOG.md',
    ]) {
      expect(entries).toContain(file);
    }
    expect(entries.filter((file) => /\.spec\.|tsbuildinfo|node_modules|\.tgz$/.test(file))).toEqual([]);

    const pkg = JSON.parse(
      readFileSync(join(appDir, 'node_modules/nestjs-keyvault-config/package.json'), 'utf8'),
    );
    expect(pkg).toMatchObject({ name: 'nestjs-keyvault-config', type: 'module', license: 'MIT' });
    expect(pkg.private).toBeUndefined();
    // Every file an export condition points at is in the tarball.
    type Target = string | { [condition: string]: Target };
    const flatten = (target: Target): string[] =>
      typeof target === 'string' ? [target] : Object.values(target).flatMap(flatten);
    const targets = flatten(pkg.exports as Target);
    expect(targets).toEqual(
      expect.arrayContaining([
        './dist/index.js',
        './dist/index.d.ts',
        './dist/cjs/index.js',
        './dist/cjs/index.d.ts',
        './dist/core/index.js',
        './dist/cjs/core/index.js',
      ]),
    );
    for (const target of targets) expect(entries).toContain(`package/${target.slice(2)}`);
    // No monorepo-only condition (the repository resolves its sources through tsconfig paths instead).
    expect(JSON.stringify(pkg.exports)).not.toMatch(/kv-source|\/src\//);
  });

  it('declares the Nest packages and rxjs as optional peers (a core-only app needs none) and the Azure SDK as dependencies', () => {
    const pkg = JSON.parse(
      readFileSync(join(appDir, 'node_modules/nestjs-keyvault-config/package.json'), 'utf8'),
    );
    expect(Object.keys(pkg.peerDependencies)).toEqual(
      expect.arrayContaining(['@nestjs/common', '@nestjs/config', 'rxjs', '@nestjs/terminus']),
    );
    for (const peer of ['@nestjs/common', '@nestjs/config', '@nestjs/terminus', 'rxjs'])
      expect(pkg.peerDependenciesMeta[peer]).toEqual({ optional: true });
    expect(pkg.peerDependencies['@nestjs/common']).toBe('^10.0.0 || ^11.0.0 || ^12.0.0');
    expect(pkg.peerDependencies['@nestjs/config']).toBe('^3.2.0 || ^4.0.0 || ^12.0.0');
    expect(Object.keys(pkg.dependencies)).toEqual(
      expect.arrayContaining(['@azure/identity', '@azure/keyvault-secrets']),
    );
    for (const peer of Object.keys(pkg.peerDependencies)) expect(pkg.dependencies[peer]).toBeUndefined();
  });

  it('installs dependencies whose engines accept the installing Node (on Node 20: the oldest we claim)', () => {
    const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; engines?: { node?: string } }>;
    };
    const rejecting = Object.entries(lock.packages)
      .filter(
        ([path, entry]) =>
          path && entry.engines?.node && !semver.satisfies(INSTALLING_NODE, entry.engines.node),
      )
      .map(([path, entry]) => `${path}@${entry.version} (${entry.engines!.node})`);
    expect(rejecting).toEqual([]);
  });

  it('type-checks a TypeScript consumer against the installed declarations', async () => {
    writeFileSync(
      join(appDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: appDir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  });

  it('boots a Nest app (plain JS, no build) and puts the secret into ConfigService before providers are built', async () => {
    const app = await boot('nest-app.js');
    const probe = await (await fetch(`http://127.0.0.1:${app.port}/probe`)).json();
    expect(probe).toEqual({
      secret: FINGERPRINT,
      atConstruction: FINGERPRINT,
      loaded: 1,
      credential: 'ManagedIdentityCredential',
    });
    expect(app.output()).toMatch(/ManagedIdentityCredential/);
    expect(app.output()).not.toContain(SECRET_VALUE);
  });

  it('serves a plain Express app through loadKeyVaultSecrets', async () => {
    const app = await boot('express-app.js');
    const probe = await (await fetch(`http://127.0.0.1:${app.port}/probe`)).json();
    expect(probe).toEqual({ secret: FINGERPRINT, loaded: 1, credential: 'ManagedIdentityCredential' });
    expect(app.output()).not.toContain(SECRET_VALUE);
  });
});

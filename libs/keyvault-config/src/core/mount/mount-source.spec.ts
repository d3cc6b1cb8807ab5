/**
 * Loading mounted secrets (`mountPath`) through loadKeyVaultSecrets: a plain directory and the
 * kubelet's atomic layout, name mapping, JSON, selection, precedence, and every file that cannot be a
 * secret (as root here, chmod cannot make a file unreadable: a dangling link, a link loop, a FIFO and
 * a directory stand in). Reads during each step of an AtomicWriter update see one whole version.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ATOMIC_WRITE_STEPS,
  KubeletVolume,
  tempMountRoot,
} from '../../../../../test/support/kubelet-volume.js';
import {
  captureLogger,
  CANARY,
  expectNoCanary,
  secretValue,
} from '../../../../../test/support/load-harness.js';
import { isKeyVaultConfigError, type KeyVaultConfigError } from '../errors.js';
import type { KeyVaultLoadOnceOptions } from '../interfaces.js';
import { loadKeyVaultSecrets } from '../loader.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempMountRoot()));
afterEach(() => cleanup());

async function plainDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  return dir;
}

const load = (options: KeyVaultLoadOnceOptions) =>
  loadKeyVaultSecrets({ env: {}, logger: captureLogger(), ...options });

async function failure(options: KeyVaultLoadOnceOptions): Promise<KeyVaultConfigError> {
  const error = await load(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKeyVaultConfigError(error)) throw new Error(`expected a KeyVaultConfigError, got ${String(error)}`);
  expectNoCanary(error);
  return error;
}

describe('mountPath: a plain directory', () => {
  it('loads one file per secret with the vault mapping; hidden entries ignored; report says mount', async () => {
    const dir = await plainDir('plain', {
      'Database--Password': secretValue('db'),
      'API-KEY': secretValue('api'),
      '.hidden': secretValue('hidden'),
    });
    const logger = captureLogger();
    const { config, report } = await load({ mountPath: dir, logger });

    expect(config).toEqual({ Database: { Password: secretValue('db') }, API_KEY: secretValue('api') });
    expect(report.vaults).toEqual([]);
    expect(report.mounts).toEqual([dir]);
    expect(report.loaded).toBe(2);
    const entry = report.entries.find((e) => e.key === 'Database.Password')!;
    expect(entry).toMatchObject({ source: 'mount', vault: dir, secretName: 'Database--Password' });
    expect(entry.path).toBe(join(dir, 'Database--Password'));
    expect(entry.modifiedOn).toBeInstanceOf(Date);
    expect(entry.version).toBeUndefined();
    expect(report.entries.map((e) => e.secretName)).not.toContain('.hidden');
    expectNoCanary(report);
    expectNoCanary(logger.lines);
  });

  it('keeps values byte for byte (no trimming), UTF-8', async () => {
    const dir = await plainDir('exact', { Token: `${CANARY} é\n` });
    expect((await load({ mountPath: dir })).config).toEqual({ Token: `${CANARY} é\n` });
  });

  it('prefix, filter (sees the name, never a value) and keyMapper apply as for a vault', async () => {
    const dir = await plainDir('select', {
      'App1-Db--Password': secretValue('a'),
      'App1-Skip': secretValue('s'),
      'Other-Key': secretValue('o'),
    });
    const seen: unknown[] = [];
    const { config, report } = await load({
      mountPath: dir,
      prefix: 'app1-',
      filter: (p) => (seen.push(p), p.name !== 'App1-Skip'),
      keyMapper: (name) => `mounted.${name.replaceAll('--', '.')}`,
    });
    expect(config).toEqual({ mounted: { Db: { Password: secretValue('a') } } });
    expect(seen.map((p) => (p as { name: string }).name).sort()).toEqual(['App1-Db--Password', 'App1-Skip']);
    for (const p of seen) expect(p).not.toHaveProperty('value');
    expect(report.entries.find((e) => e.secretName === 'App1-Skip')).toMatchObject({
      status: 'skipped',
      reason: 'filtered out',
    });
    expect(report.entries.map((e) => e.secretName)).not.toContain('Other-Key');
  });

  it('expands JSON by the .json suffix (suffix not in the name), or every file with mountJson: all', async () => {
    const dir = await plainDir('json', {
      'Feature-Flags.json': JSON.stringify({ beta: true, token: secretValue('j') }),
      Plain: '{"not":"parsed"}',
    });
    const bySuffix = await load({ mountPath: dir });
    expect(bySuffix.config).toEqual({
      Feature_Flags: { beta: true, token: secretValue('j') },
      Plain: '{"not":"parsed"}',
    });
    expect(bySuffix.report.entries.find((e) => e.key === 'Feature_Flags')?.secretName).toBe('Feature-Flags');
    expect((await load({ mountPath: dir, mountJson: 'all' })).config).toMatchObject({
      Plain: { not: 'parsed' },
    });
    expect((await load({ mountPath: dir, parseJson: false })).config).toMatchObject({
      Feature_Flags: JSON.stringify({ beta: true, token: secretValue('j') }),
    });
  });

  it('files whose key or JSON content has a reserved segment are skipped, never reaching a prototype', async () => {
    const polluting = JSON.stringify({ polluted: secretValue('p') });
    const dir = await plainDir('reserved', {
      '__proto__.json': polluting,
      constructor: secretValue('c'),
      'App--prototype': secretValue('a'),
      'Flags.json': `{"ok":1,"__proto__":${polluting}}`,
      Fine: secretValue('f'),
    });
    const logger = captureLogger();
    const { config, report } = await load({ mountPath: dir, logger });
    expect(config).toEqual({ Fine: secretValue('f') });
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect((config as Record<string, unknown>).polluted).toBeUndefined();
    const reserved = report.entries.filter((e) => e.reason === 'reserved name').map((e) => e.secretName);
    expect(reserved.sort()).toEqual(['App--prototype', 'Flags', '__proto__', 'constructor']);
    expect(logger.warnings().filter((w) => w.includes('reserved'))).toHaveLength(4);
    expectNoCanary(report, logger.lines);
  });

  it('invalid JSON fails naming the file, never quoting it', async () => {
    const dir = await plainDir('badjson', { 'Conf.json': `{ ${CANARY}` });
    const error = await failure({ mountPath: dir });
    expect(error.code).toBe('INVALID_SECRET_CONTENT');
    expect(error.message).toContain(join(dir, 'Conf.json'));
  });

  it('two files on one key collide; several directories are layers (later wins)', async () => {
    const a = await plainDir('a', { 'Db--Password': secretValue('a'), Only_A: secretValue('oa') });
    const b = await plainDir('b', { 'Db--Password': secretValue('b') });
    const { config, report } = await load({ mountPath: [a, b] });
    expect(config).toEqual({ Db: { Password: secretValue('b') }, Only_A: secretValue('oa') });
    expect(report.entries.find((e) => e.vault === a && e.key === 'Db.Password')).toMatchObject({
      status: 'skipped',
    });
    const twins = await plainDir('twins', { 'Db--Password': 'x', 'Db.Password': 'y' });
    expect((await failure({ mountPath: twins })).code).toBe('KEY_COLLISION');
  });
});

describe('mountPath: files that cannot be a secret fail naming the file', () => {
  const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
    ['over 25 KB', (d) => writeFile(join(d, 'Big'), 'x'.repeat(25 * 1024 + 1)), /more than the 25600 bytes/],
    ['a dangling link', (d) => symlink(join(d, 'nowhere'), join(d, 'Gone')), /dangling/],
    ['a link loop (ELOOP)', (d) => symlink(join(d, 'Loop'), join(d, 'Loop')), /cannot be read \(ELOOP\)/],
    ['a directory', (d) => mkdir(join(d, 'Nested')), /is a directory/],
    ['a FIFO', async (d) => void execFileSync('mkfifo', [join(d, 'Pipe')]), /not a regular file/],
  ];
  it.each(cases)('%s', async (what, make, problem) => {
    const dir = await plainDir(what.replace(/\W/g, ''), { Fine: secretValue('fine') });
    await make(dir);
    const error = await failure({ mountPath: dir });
    expect(error.code).toBe('MOUNT_UNREADABLE');
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(dir);
  });

  it('a missing directory fails naming it', async () => {
    const error = await failure({ mountPath: join(root, 'absent') });
    expect(error.code).toBe('MOUNT_UNREADABLE');
    expect(error.message).toContain(`'${join(root, 'absent')}'`);
    expect(error.message).toMatch(/does not exist/);
  });

  it('with optional: true a broken mount is report.error, not a throw', async () => {
    const { config, report } = await load({ mountPath: join(root, 'absent'), optional: true });
    expect(config).toEqual({});
    expect(report.error?.code).toBe('MOUNT_UNREADABLE');
  });
});

describe('mountPath: the kubelet atomic layout', () => {
  it('loads through ..data; ..data, ..data_tmp and timestamped directories are never secrets', async () => {
    const volume = await KubeletVolume.create(join(root, 'kubelet'), {
      'Db--Password': secretValue('v1'),
      'Api-Key': secretValue('k1'),
    });
    const { config, report } = await load({ mountPath: volume.dir });
    expect(config).toEqual({ Db: { Password: secretValue('v1') }, Api_Key: secretValue('k1') });
    expect(report.entries.map((e) => e.path).sort()).toEqual([
      join(volume.dir, 'Api-Key'),
      join(volume.dir, 'Db--Password'),
    ]);
  });

  it('a load at every step of an update sees the old version or the new one, never a mix', async () => {
    const before = { 'Db--Password': secretValue('v1'), 'Old-Key': secretValue('old') };
    const after = { 'Db--Password': secretValue('v2'), 'New-Key': secretValue('new') };
    const volume = await KubeletVolume.create(join(root, 'swap'), before);
    const oldConfig = { Db: { Password: secretValue('v1') }, Old_Key: secretValue('old') };
    const newConfig = { Db: { Password: secretValue('v2') }, New_Key: secretValue('new') };
    const seen: string[] = [];
    await volume.write(after, {
      onStep: async (step) => {
        const { config } = await load({ mountPath: volume.dir });
        expect([oldConfig, newConfig]).toContainEqual(config);
        const which = JSON.stringify(config) === JSON.stringify(newConfig) ? 'new' : 'old';
        seen.push(`${step}: ${which}`);
      },
    });
    expect(seen).toEqual([
      'timestamped directory written: old',
      'visible links created: old',
      '..data_tmp linked: old',
      '..data renamed: new',
      'old visible links removed: new',
      'old directory removed: new',
    ]);
    expect(seen).toHaveLength(ATOMIC_WRITE_STEPS.length);
  });
});

describe('mountPath: options', () => {
  it('alone it ignores KEY_VAULT_URL and reports no credential', async () => {
    const dir = await plainDir('opts', { Key: secretValue('k') });
    const { report } = await load({ mountPath: dir, env: { KEY_VAULT_URL: 'https://x.vault.azure.net' } });
    expect(report.vaults).toEqual([]);
    expect(report.credential).toEqual({
      name: 'none',
      detail: 'mounted files only: no credential, no network',
    });
  });

  it('rejects an empty path, a vaults entry with both vaultUrl and mountPath, and secrets with a mount', async () => {
    expect((await failure({ mountPath: '' })).message).toMatch(/Invalid option `mountPath`/);
    expect((await failure({ mountPath: [] })).code).toBe('INVALID_OPTIONS');
    const both = await failure({ vaults: [{ vaultUrl: 'https://x.vault.azure.net', mountPath: root }] });
    expect(both.message).toMatch(/vaults\[0\]\.mountPath/);
    expect((await failure({ mountPath: root, secrets: ['A'] })).message).toMatch(/`secrets`/);
    expect((await failure({ mountPath: root, mountJson: 'yes' as 'all' })).message).toMatch(/mountJson/);
  });
});

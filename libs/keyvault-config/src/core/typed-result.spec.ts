/**
 * The typed result of the core entry points: `loadKeyVaultSecrets<T>()` and `watchKeyVaultSecrets<T>()`
 * give `config` the caller's declared shape; without `T` it stays `Record<string, unknown>`. The type
 * assertions are checked by `npm run typecheck`; the runtime cases prove the same calls run (a
 * mount-only load: no credential, no network).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type {
  KeyVaultConfigOptions,
  KeyVaultLoadOnceOptions,
  KeyVaultLoadResult,
  KeyVaultWatcher,
} from './interfaces.js';
import { loadKeyVaultSecrets } from './loader.js';
import { watchKeyVaultSecrets } from './watch-secrets.js';

interface AppSecrets {
  Database: { Password: string };
}

const dir = mkdtempSync(join(tmpdir(), 'kv-typed-'));
writeFileSync(join(dir, 'Database--Password'), 'typed-value');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('typed core result', () => {
  it('loadKeyVaultSecrets<T>() types config as T; the default stays Record<string, unknown>', async () => {
    const typed = await loadKeyVaultSecrets<AppSecrets>({ mountPath: dir, env: {}, logger: quiet });
    expectTypeOf(typed).toEqualTypeOf<KeyVaultLoadResult<AppSecrets>>();
    expectTypeOf(typed.config.Database.Password).toEqualTypeOf<string>();
    expect(typed.config.Database.Password).toBe('typed-value');

    const untyped = await loadKeyVaultSecrets({ mountPath: dir, env: {}, logger: quiet });
    expectTypeOf(untyped.config).toEqualTypeOf<Record<string, unknown>>();
  });

  it('loadKeyVaultSecrets() takes load-once options: a refresh option is a type error (and INVALID_OPTIONS)', async () => {
    expectTypeOf(loadKeyVaultSecrets).parameter(0).toEqualTypeOf<KeyVaultLoadOnceOptions | undefined>();
    // @ts-expect-error -- loads once: nothing would ever refresh
    const refused = loadKeyVaultSecrets({ refreshInterval: '5m' });
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_OPTIONS', key: 'refreshInterval' });

    // The wide type may hold a refresh option, so it is refused too; this one holds none and loads.
    const wide: KeyVaultConfigOptions = { mountPath: dir, env: {}, logger: quiet };
    // @ts-expect-error -- KeyVaultConfigOptions is watchKeyVaultSecrets' type, not this entry point's
    const loaded = loadKeyVaultSecrets(wide);
    expect((await loaded).config).toEqual({ Database: { Password: 'typed-value' } });
  });

  it('watchKeyVaultSecrets<T>() types config as Readonly<T>', async () => {
    const watcher = await watchKeyVaultSecrets<AppSecrets>({ mountPath: dir, env: {}, logger: quiet });
    try {
      expectTypeOf(watcher).toEqualTypeOf<KeyVaultWatcher<AppSecrets>>();
      expectTypeOf(watcher.config).toEqualTypeOf<Readonly<AppSecrets>>();
      expect(watcher.config.Database.Password).toBe('typed-value');
      expect(watcher.get<string>('Database.Password')).toBe('typed-value');
    } finally {
      await watcher.stop();
    }
  });
});

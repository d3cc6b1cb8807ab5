/**
 * Reserved key segments (`__proto__`, `prototype`, `constructor`) through the real SDK and the emulator:
 * a secret whose key has one — by the default mapping, a keyMapper's result or a key inside a JSON
 * secret — and a reference in a variable whose name has one are skipped with the reason
 * 'reserved name' and a warning naming the secret and the segment; the rest of the load goes on, in a
 * startup load and in a refresh cycle. Object.prototype is never touched, also by environment names
 * under precedence 'environment'.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import {
  loadKeyVaultSecrets,
  watchKeyVaultSecrets,
  type KeyVaultLoadOnceOptions,
  type KeyVaultReportEntry,
  type StandardSchemaV1,
} from 'nestjs-keyvault-config';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { captureLogger, expectNoCanary, secretValue } from '../support/load-harness.js';

const fx = useEmulator();
const RESERVED = 'reserved name';
const JSON_TYPE = 'application/json';

const prototypeKeys = (): string[] => Reflect.ownKeys(Object.prototype).map(String).sort();

/** Object.prototype's own keys now; the returned check fails if any was added or a plain object inherits `polluted`. */
function guardPrototype(): () => void {
  const before = prototypeKeys();
  return () => {
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  };
}

/** A JSON secret trying to reach Object.prototype, carrying the canary. */
const pollutingJson = (inner: string): string => `{"ok":1,${inner}:{"polluted":"${secretValue('json')}"}}`;

function entry(entries: KeyVaultReportEntry[], secretName: string): KeyVaultReportEntry | undefined {
  return entries.find((e) => e.secretName === secretName);
}

/** Maps the secret `Flags` to a key with a reserved segment. */
const flagsToProto = (name: string): string => (name === 'Flags' ? 'App.__proto__' : name);

const reference = (url: string, name: string): string =>
  `@Microsoft.KeyVault(SecretUri=${url}/secrets/${name})`;

describe('reserved key segments', () => {
  it('list mode: skips secrets mapped or parsed to a reserved segment, loads the rest', async () => {
    const untouched = guardPrototype();
    const vault = await fx.freshVault([
      { name: 'constructor', value: secretValue('c') },
      { name: 'App--prototype', value: secretValue('p') },
      { name: 'Constructor-Name', value: secretValue('ok') }, // case kept: `Constructor_Name` is fine
      { name: 'Json-Proto', value: pollutingJson('"__proto__"'), contentType: JSON_TYPE },
      { name: 'Json-Deep', value: `{"a":[{"b":${pollutingJson('"constructor"')}}]}`, contentType: JSON_TYPE },
      { name: 'Json-Fine', value: '{"prototypes":{"constructors":1}}', contentType: JSON_TYPE },
    ]);
    const logger = captureLogger();
    const { config, report } = await loadKeyVaultSecrets(vault.options({ logger }));

    expect(config).toEqual({
      Constructor_Name: secretValue('ok'),
      Json_Fine: { prototypes: { constructors: 1 } },
    });
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(report.loaded).toBe(2);
    for (const [name, key] of [
      ['constructor', 'constructor'],
      ['App--prototype', 'App.prototype'],
      ['Json-Proto', 'Json_Proto'],
      ['Json-Deep', 'Json_Deep'],
    ] as const) {
      expect(entry(report.entries, name)).toMatchObject({ key, status: 'skipped', reason: RESERVED });
    }
    expect(logger.warnings()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Secret 'constructor' in \S+ maps to a key with the reserved segment 'constructor'/,
        ),
        expect.stringMatching(/^Secret 'App--prototype' .* reserved segment 'prototype'/),
        expect.stringMatching(/^Secret 'Json-Proto' .* is JSON with the reserved key '__proto__' inside/),
        expect.stringMatching(/^Secret 'Json-Deep' .* is JSON with the reserved key 'constructor' inside/),
      ]),
    );
    expectNoCanary(report, logger.lines);
    untouched();
  });

  it("a keyMapper's reserved result is skipped (not an invalid keyMapper); an optional explicit secret too", async () => {
    const untouched = guardPrototype();
    const vault = await fx.freshVault([
      { name: 'Mapped', value: secretValue('m') },
      { name: 'Other', value: secretValue('o') },
      { name: 'prototype', value: secretValue('p') },
    ]);
    const logger = captureLogger();
    const listed = await loadKeyVaultSecrets(
      vault.options({ logger, keyMapper: (name) => (name === 'Mapped' ? 'Settings.__proto__' : name) }),
    );
    expect(listed.config).toEqual({ Other: secretValue('o') });
    expect(entry(listed.report.entries, 'Mapped')).toMatchObject({
      key: 'Settings.__proto__',
      status: 'skipped',
      reason: RESERVED,
    });
    expect(logger.warnings()).toContainEqual(expect.stringContaining("'Mapped'"));

    const gets = vault.count('secrets.get', 200);
    const explicit = await loadKeyVaultSecrets(
      vault.options({ logger, secrets: [{ name: 'prototype', optional: true }, 'Other'] }),
    );
    expect(explicit.config).toEqual({ Other: secretValue('o') });
    expect(entry(explicit.report.entries, 'prototype')).toMatchObject({
      status: 'skipped',
      reason: RESERVED,
    });
    expect(vault.count('secrets.get', 200) - gets).toBe(1); // the reserved one is never fetched
    expectNoCanary(listed.report, explicit.report, logger.lines);
    untouched();
  });

  it('a required explicit secret with a reserved key is INVALID_OPTIONS, and nothing is fetched', async () => {
    const untouched = guardPrototype();
    const vault = await fx.freshVault([
      { name: 'Other', value: secretValue('o') },
      { name: 'prototype', value: secretValue('p') },
    ]);
    const gets = vault.count('secrets.get');
    // A keyMapper's result (an explicit `key` with a reserved segment is refused by the option check).
    const failure = await loadKeyVaultSecrets(
      vault.options({ secrets: ['Other', 'Flags'], keyMapper: flagsToProto }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'INVALID_OPTIONS',
      key: 'secrets',
      secretName: 'Flags',
      message: expect.stringMatching(
        /^Invalid option `secrets`: 'Flags' maps to a key with the reserved segment '__proto__'/,
      ),
    });
    const byDefaultMapping = await loadKeyVaultSecrets(vault.options({ secrets: ['prototype'] })).catch(
      (error: unknown) => error,
    );
    expect(byDefaultMapping).toMatchObject({ code: 'INVALID_OPTIONS', secretName: 'prototype' });
    expect(vault.count('secrets.get') - gets).toBe(0);
    expectNoCanary(failure, byDefaultMapping);
    untouched();
  });

  it('a reference in a variable with a reserved segment is reported and never fetched', async () => {
    const untouched = guardPrototype();
    const vault = await fx.freshVault([{ name: 'Db-Password', value: secretValue('db') }]);
    // `{ __proto__: … }` in a literal would set the prototype; fromEntries makes it a variable.
    const env = Object.fromEntries([
      ['__proto__', reference(vault.url, 'Db-Password')],
      ['a__constructor', reference(vault.url, 'Db-Password')],
      ['b.prototype', reference(vault.url, 'Db-Password')],
      ['DB_PASSWORD', reference(vault.url, 'Db-Password')],
    ]) as Record<string, string>;
    const logger = captureLogger();
    const { config, report } = await loadKeyVaultSecrets({
      credential: new ManagedIdentityCredential({ clientId: vault.identity.clientId }),
      clientOptions: fx.clientOptions(),
      logger,
      env,
    });
    expect(config).toEqual({ DB_PASSWORD: secretValue('db') });
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    const skipped = report.entries.filter((e) => e.status === 'skipped');
    expect(skipped.map((e) => [e.key, e.source, e.reason])).toEqual([
      ['__proto__', 'reference', RESERVED],
      ['a__constructor', 'reference', RESERVED],
      ['b.prototype', 'reference', RESERVED],
    ]);
    expect(logger.warnings()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Environment variable __proto__ refers to secret 'Db-Password' .* '__proto__'/,
        ),
        expect.stringMatching(/^Environment variable a__constructor .* reserved segment 'constructor'/),
        expect.stringMatching(/^Environment variable b\.prototype .* reserved segment 'prototype'/),
      ]),
    );
    expect(vault.count('secrets.get', 200)).toBe(1);
    expectNoCanary(report, logger.lines);
    untouched();
  });

  it("precedence 'environment': reserved variable names reach no prototype, not even validation's input", async () => {
    const untouched = guardPrototype();
    const vault = await fx.freshVault([
      { name: 'Db--Host', value: secretValue('host') },
      { name: 'Api-Key', value: secretValue('api') },
    ]);
    let seen: unknown;
    const schema: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (input) => {
          seen = input;
          return { value: input };
        },
      },
    };
    const env = Object.fromEntries([
      ['__proto__', '{"polluted":"yes"}'],
      ['constructor', 'env'],
      ['prototype', 'env'],
      ['Db__constructor', 'env'],
      ['Db.__proto__', 'env'],
      ['Api_Key', 'from-env'],
    ]) as Record<string, string>;
    const options: Partial<KeyVaultLoadOnceOptions> = {
      env,
      precedence: 'environment',
      validationSchema: schema,
    };
    const { config, report } = await loadKeyVaultSecrets(vault.options(options));

    expect(config).toEqual({ Db: { Host: secretValue('host') } });
    expect(entry(report.entries, 'Api-Key')).toMatchObject({
      status: 'skipped',
      reason: 'environment wins (Api_Key)',
    });
    const input = seen as Record<string, unknown>;
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(input, '__proto__')?.value).toBe('{"polluted":"yes"}');
    expect(input.constructor).toBe('env'); // an own data property, as the environment has it
    untouched();
  });

  it('a refresh cycle skips a reserved secret that appeared, and keeps going', async () => {
    const untouched = guardPrototype();
    const vault = await fx.freshVault([{ name: 'Api-Key', value: secretValue('api1') }]);
    const logger = captureLogger();
    const watcher = fx.afterTest(await watchKeyVaultSecrets(vault.options({ logger })), (w) => w.stop());
    vault.handle.setSecret({ name: 'prototype', value: secretValue('p') });
    vault.handle.setSecret({ name: 'Flags', value: pollutingJson('"__proto__"'), contentType: JSON_TYPE });
    vault.handle.setSecret({ name: 'Api-Key', value: secretValue('api2') });

    const cycle = await watcher.refresh();
    expect(cycle.ok).toBe(true);
    expect(cycle.changes.added).toEqual([]);
    expect(cycle.changes.updated).toEqual([expect.objectContaining({ key: 'Api_Key' })]);
    expect(watcher.config).toEqual({ Api_Key: secretValue('api2') });
    expect(entry(watcher.report.entries, 'prototype')).toMatchObject({ status: 'skipped', reason: RESERVED });
    expect(entry(watcher.report.entries, 'Flags')).toMatchObject({ status: 'skipped', reason: RESERVED });
    expect(logger.warnings()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Secret 'prototype' .* reserved segment 'prototype'/),
        expect.stringMatching(/^Secret 'Flags' .* reserved key '__proto__'/),
      ]),
    );
    expectNoCanary(cycle, watcher.report, logger.lines);
    untouched();
  });
});

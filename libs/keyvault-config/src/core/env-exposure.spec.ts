import { describe, expect, it } from 'vitest';
import { EnvExposure, exposeReferences, type ResolvedReference } from './env-exposure.js';

const REF = '@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/Db)';
const OTHER_REF = '@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/Api)';
const db = (value: string): ResolvedReference => ({ variable: 'DB', reference: REF, value });
const api = (value: string): ResolvedReference => ({ variable: 'API', reference: OTHER_REF, value });

function setup(initial: Record<string, string | undefined>) {
  const env: Record<string, string | undefined> = { ...initial };
  return { env, exposure: new EnvExposure(() => env), owned: new Set<string>() };
}

describe('EnvExposure.expose', () => {
  it('writes a resolved reference over its reference text, and a rotation over the value it wrote', () => {
    const { env, exposure, owned } = setup({ DB: REF, PLAIN: 'p' });
    expect(exposure.expose([db('v1')], owned)).toEqual({ written: ['DB'], restored: [], leftAlone: [] });
    expect(env).toEqual({ DB: 'v1', PLAIN: 'p' });
    expect(exposure.expose([db('v2')], owned)).toEqual({ written: ['DB'], restored: [], leftAlone: [] });
    expect(env.DB).toBe('v2');
    // The same value again: nothing new to say.
    expect(exposure.expose([db('v2')], owned).written).toEqual([]);
    expect([...owned]).toEqual(['DB']);
  });

  it('writes a variable the environment does not hold (a reference from a .env file or a given env)', () => {
    const { env, exposure, owned } = setup({});
    expect(exposure.expose([db('v1')], owned).written).toEqual(['DB']);
    expect(env.DB).toBe('v1');
  });

  it('leaves alone a variable holding something else, and one the application changed since', () => {
    const { env, exposure, owned } = setup({ DB: 'set by the app', API: OTHER_REF });
    expect(exposure.expose([db('v1'), api('a1')], owned)).toEqual({
      written: ['API'],
      restored: [],
      leftAlone: ['DB'],
    });
    expect(env.DB).toBe('set by the app');
    env.API = 'changed later';
    expect(exposure.expose([db('v1'), api('a2')], owned).leftAlone).toEqual(['DB', 'API']);
    expect(env).toEqual({ DB: 'set by the app', API: 'changed later' });
    expect(owned.size).toBe(0);
    // Deleted by the application after the library wrote it: also the application's choice.
    const other = setup({ DB: REF });
    other.exposure.expose([db('v1')], other.owned);
    delete other.env.DB;
    expect(other.exposure.expose([db('v2')], other.owned).leftAlone).toEqual(['DB']);
    expect(other.env).not.toHaveProperty('DB');
  });

  it('restores the reference text of a variable whose reference no longer resolves', () => {
    const { env, exposure, owned } = setup({ DB: REF, API: OTHER_REF });
    exposure.expose([db('v1'), api('a1')], owned);
    expect(exposure.expose([api('a1')], owned)).toEqual({ written: [], restored: ['DB'], leftAlone: [] });
    expect(env).toEqual({ DB: REF, API: 'a1' });
    expect([...owned]).toEqual(['API']);
    // Once it resolves again, it is written again.
    expect(exposure.expose([db('v3'), api('a1')], owned).written).toEqual(['DB']);
    expect(env.DB).toBe('v3');
  });

  it('does not restore a variable the application changed, nor one another session exposed', () => {
    const { env, exposure } = setup({ DB: REF, API: OTHER_REF });
    const first = new Set<string>();
    const second = new Set<string>();
    exposure.expose([db('v1')], first);
    exposure.expose([api('a1')], second);
    env.DB = 'app';
    expect(exposure.expose([], first)).toEqual({ written: [], restored: [], leftAlone: ['DB'] });
    expect(env).toEqual({ DB: 'app', API: 'a1' });
  });
});

describe('EnvExposure.asConfigured', () => {
  it('shows a variable still holding the written value as its reference, and nothing else changed', () => {
    const { env, exposure, owned } = setup({ DB: REF, API: OTHER_REF, PLAIN: 'p' });
    const untouched = { PLAIN: 'p' };
    expect(exposure.asConfigured(untouched)).toBe(untouched);
    exposure.expose([db('v1'), api('a1')], owned);
    env.API = 'app';
    const view = exposure.asConfigured(env);
    expect(view).toEqual({ DB: REF, API: 'app', PLAIN: 'p' });
    expect(env.DB).toBe('v1'); // a copy: the environment itself keeps the value
    // An `env` copy taken before the write (Nest's .env reading) already holds the reference.
    expect(exposure.asConfigured({ DB: REF })).toEqual({ DB: REF });
  });
});

describe('exposeReferences', () => {
  it('logs names only: written at log level, restored at log level, left alone at debug', () => {
    const { env, exposure, owned } = setup({ DB: REF, API: 'app' });
    const lines: string[] = [];
    const logger = {
      log: (m: string) => lines.push(`log ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string) => lines.push(`error ${m}`),
      debug: (m: string) => lines.push(`debug ${m}`),
    };
    exposeReferences([db('secret-1'), api('secret-2')], owned, logger, exposure);
    exposeReferences([], owned, logger, exposure);
    expect(env).toEqual({ DB: REF, API: 'app' });
    expect(lines).toMatchInlineSnapshot(`
      [
        "log exposeReferencesInEnv: process.env now holds the resolved Key Vault reference of DB",
        "debug exposeReferencesInEnv: left API in process.env alone: the application changed it (neither the reference text nor the value the library wrote)",
        "log exposeReferencesInEnv: process.env holds the reference text of DB again (the secret no longer resolves)",
      ]
    `);
    expect(lines.join('\n')).not.toMatch(/secret-/);
  });
});

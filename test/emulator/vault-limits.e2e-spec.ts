// Key Vault's limits and orders through the real SecretClient: tags (15, 512-character names and values),
// contentType (255 characters), values (25 KB) and the order of listed versions — each with Key Vault's
// answer (docs/emulator.md cites the sources).
import { ManagedIdentityCredential } from '@azure/identity';
import type { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator } from 'keyvault-emulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.fixture.js';
import { raw, secretClient } from './vault-support.js';

const fx = useEmulator();
let client: SecretClient;

beforeAll(() => {
  client = secretClient(fx.emulator, new ManagedIdentityCredential());
});

const INVALID_PROPERTY = {
  error: { code: 'BadParameter', message: 'Property has invalid value\r\n' },
};

const tagsOf = (count: number, nameLength = 8, valueLength = 8): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `${i}`.padStart(nameLength, 'n'),
      `${i}`.padStart(valueLength, 'v'),
    ]),
  );

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.fail('expected the vault to refuse'),
    (error: unknown) => error,
  );

describe('tags: at most 15, names and values of at most 512 characters', () => {
  it('accepts 15 tags of 512-character names and values, on set and on update', async () => {
    const tags = tagsOf(15, 512, 512);
    const set = await client.setSecret('tags-max', 'value', { tags });
    expect(set.properties.tags).toEqual(tags);
    const updated = await client.updateSecretProperties('tags-max', set.properties.version!, {
      tags: tagsOf(15, 512, 1),
    });
    expect(Object.keys(updated.tags!)).toHaveLength(15);
  });

  it.each([
    ['16 tags', tagsOf(16)],
    ['a 513-character tag name', tagsOf(1, 513, 1)],
    ['a 513-character tag value', tagsOf(1, 1, 513)],
  ])('refuses %s on set with 400 BadParameter in Key Vault wording', async (_case, tags) => {
    const error = await failure(client.setSecret('tags-over', 'value', { tags }));
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
      message: 'Property has invalid value\r\n',
    });
    await expect(client.getSecret('tags-over')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses 16 tags on update and keeps the tags it had; the body is Key Vault’s', async () => {
    const set = await client.setSecret('tags-update', 'value', { tags: { kept: 'yes' } });
    const error = await failure(
      client.updateSecretProperties('tags-update', set.properties.version!, { tags: tagsOf(16) }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect((await client.getSecret('tags-update')).properties.tags).toEqual({ kept: 'yes' });

    const response = await raw(fx.emulator, {
      method: 'PUT',
      path: '/secrets/tags-raw?api-version=7.5',
      token: fx.emulator.issueToken(),
      body: { value: 'v', tags: tagsOf(16) },
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(INVALID_PROPERTY);
  });
});

describe('contentType: at most 255 characters', () => {
  it('accepts 255 characters and refuses 256 on set and on update', async () => {
    const set = await client.setSecret('ct', 'value', { contentType: 'c'.repeat(255) });
    expect(set.properties.contentType).toHaveLength(255);
    const onSet = await failure(client.setSecret('ct', 'value', { contentType: 'c'.repeat(256) }));
    expect(onSet).toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
      message: 'Property has invalid value\r\n',
    });
    const onUpdate = await failure(
      client.updateSecretProperties('ct', set.properties.version!, { contentType: 'c'.repeat(256) }),
    );
    expect(onUpdate).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect((await client.getSecret('ct')).properties.contentType).toHaveLength(255);
  });
});

describe('values: at most 25 KB (25,600 bytes in UTF-8)', () => {
  it('refuses a value one byte over with 400 BadParameter, inner code SecretTooLarge, and never echoes it', async () => {
    const error = await failure(client.setSecret('too-big', 'q'.repeat(25_601)));
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
      message: 'Secret is beyond the maximum permitted length of 25600 characters.',
    });
    const response = await raw(fx.emulator, {
      method: 'PUT',
      path: '/secrets/too-big?api-version=7.5',
      token: fx.emulator.issueToken(),
      body: { value: 'q'.repeat(25_601) },
    });
    expect(response.json).toEqual({
      error: {
        code: 'BadParameter',
        message: 'Secret is beyond the maximum permitted length of 25600 characters.',
        innererror: { code: 'SecretTooLarge' },
      },
    });
    expect(response.text).not.toContain('qqqq');
  });

  it('counts bytes: 12,800 two-byte characters fit, one more does not', async () => {
    expect((await client.setSecret('utf8', 'é'.repeat(12_800))).value).toHaveLength(12_800);
    await expect(client.setSecret('utf8', 'é'.repeat(12_801))).rejects.toMatchObject({ statusCode: 400 });
  });

  it('holds a seed to the same limits: the emulator refuses to start on 16 tags', async () => {
    const start = startEmulator({ seed: [{ name: 'tagged', value: 'seed-v', tags: tagsOf(16) }] });
    await expect(start).rejects.toThrow("secret 'tagged': Property has invalid value");
  });
});

describe("versions in Key Vault's order", () => {
  it('lists versions by version id (not by creation), across pages, with the latest somewhere in it', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++)
      created.push((await client.setSecret('ordered', `v${i}`)).properties.version!);
    const listed: string[] = [];
    for await (const page of client.listPropertiesOfSecretVersions('ordered').byPage({ maxPageSize: 2 })) {
      listed.push(...page.map((p) => p.version!));
    }
    expect(listed).toEqual([...created].sort());
    const latest = (await client.getSecret('ordered')).properties.version!;
    expect(latest).toBe(created.at(-1));
    expect(listed).toContain(latest);
  });

  it('continues a listing at the marker: a version added between pages neither skips nor repeats one', async () => {
    for (let i = 0; i < 4; i++) await client.setSecret('marked', `v${i}`);
    const token = fx.emulator.issueToken();
    const first = await raw(fx.emulator, {
      path: '/secrets/marked/versions?api-version=7.5&maxresults=2',
      token,
    });
    const seen: string[] = first.json.value.map((item: { id: string }) => item.id.split('/').pop());
    const added = (await client.setSecret('marked', 'v4')).properties.version!;
    const next = new URL(first.json.nextLink);
    const second = await raw(fx.emulator, { path: next.pathname + next.search, token });
    seen.push(...second.json.value.map((item: { id: string }) => item.id.split('/').pop()));
    let link: string | null = second.json.nextLink;
    while (link) {
      const url = new URL(link);
      const page = await raw(fx.emulator, { path: url.pathname + url.search, token });
      seen.push(...page.json.value.map((item: { id: string }) => item.id.split('/').pop()));
      link = page.json.nextLink;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const all: string[] = [];
    for await (const p of client.listPropertiesOfSecretVersions('marked')) all.push(p.version!);
    // Everything there before the addition is seen once; the added one only if it sorts after the marker
    // (the first id of the second page as it was when the first page was answered).
    const before = all.filter((v) => v !== added);
    for (const version of before) expect(seen).toContain(version);
    expect(seen.includes(added)).toBe(added > before[2]);
  });
});

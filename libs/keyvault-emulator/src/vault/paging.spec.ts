import { describe, expect, it } from 'vitest';
import { buildNextLink, decodeSkipToken, encodeSkipToken, paginate, parseMaxResults } from './paging.js';
import { KeyVaultError } from './vault.errors.js';
import { thrown } from '../testing/thrown.js';

describe('paging', () => {
  it('accepts maxresults 1–25 and defaults to 25', () => {
    expect(parseMaxResults(undefined)).toBe(25);
    expect(parseMaxResults('')).toBe(25);
    expect(parseMaxResults('1')).toBe(1);
    expect(parseMaxResults('25')).toBe(25);
  });

  it.each(['0', '26', '-1', '1.5', 'abc', '100'])('rejects maxresults=%s with 400 BadParameter', (raw) => {
    const error = thrown(() => parseMaxResults(raw)) as KeyVaultError;
    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('BadParameter');
  });

  it('pages 60 items as 25 + 25 + 10 and 7-sized pages exactly', () => {
    const items = Array.from({ length: 60 }, (_, i) => i);
    const first = paginate(items, 0, 25);
    expect(first.items).toHaveLength(25);
    expect(first.nextOffset).toBe(25);
    const second = paginate(items, first.nextOffset!, 25);
    expect(second.items[0]).toBe(25);
    const third = paginate(items, second.nextOffset!, 25);
    expect(third.items).toHaveLength(10);
    expect(third.nextOffset).toBeUndefined();
    let offset: number | undefined = 0;
    const seen: number[] = [];
    while (offset !== undefined) {
      const page: { items: number[]; nextOffset?: number } = paginate(items, offset, 7);
      seen.push(...page.items);
      offset = page.nextOffset;
    }
    expect(seen).toEqual(items);
    expect(paginate(items, 60, 25)).toEqual({ items: [] });
    expect(paginate([], 0, 25)).toEqual({ items: [] });
  });

  it('round-trips skip tokens in Key Vault’s base64 JSON shape', () => {
    const token = encodeSkipToken(50);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({
      NextMarker: '2!50',
      TargetLocation: 0,
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSkipToken(token)).toBe(50);
    expect(decodeSkipToken(undefined)).toBe(0);
    expect(() => decodeSkipToken('not-a-token')).toThrow(KeyVaultError);
  });

  it('builds an absolute nextLink with api-version, $skiptoken and maxresults', () => {
    const link = buildNextLink('https://127.0.0.1:8443', '/secrets', '7.5', 25, 25);
    const url = new URL(link);
    expect(url.origin).toBe('https://127.0.0.1:8443');
    expect(url.pathname).toBe('/secrets');
    expect(url.searchParams.get('api-version')).toBe('7.5');
    expect(decodeSkipToken(url.searchParams.get('$skiptoken')!)).toBe(25);
    expect(url.searchParams.get('maxresults')).toBe('25');
  });
});

import { describe, expect, it } from 'vitest';
import { buildNextLink, decodeSkipToken, encodeSkipToken, paginate, parseMaxResults } from './paging.js';
import { KeyVaultError } from './vault.errors.js';
import { thrown } from '../testing/thrown.js';

const key = (n: number): string => `K${String(n).padStart(3, '0')}`;

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

  it('pages 60 items as 25 + 25 + 10 and 7-sized pages exactly, continuing from the next key', () => {
    const items = Array.from({ length: 60 }, (_, i) => i);
    const first = paginate(items, key, undefined, 25);
    expect(first.items).toHaveLength(25);
    expect(first.nextKey).toBe('K025');
    const second = paginate(items, key, first.nextKey, 25);
    expect(second.items[0]).toBe(25);
    const third = paginate(items, key, second.nextKey, 25);
    expect(third.items).toHaveLength(10);
    expect(third.nextKey).toBeUndefined();
    let next: string | undefined;
    const seen: number[] = [];
    do {
      const page: { items: number[]; nextKey?: string } = paginate(items, key, next, 7);
      seen.push(...page.items);
      next = page.nextKey;
    } while (next !== undefined);
    expect(seen).toEqual(items);
    expect(paginate(items, key, 'K999', 25)).toEqual({ items: [] });
    expect(paginate([], key, undefined, 25)).toEqual({ items: [] });
  });

  it('stays correct when items before or at the marker change between pages', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    const first = paginate(names, (n) => n, undefined, 3);
    expect(first).toEqual({ items: ['A', 'B', 'C'], nextKey: 'D' });
    // B deleted and A0 added before the marker, D (the marker itself) deleted: nothing skipped or repeated.
    const changed = ['A', 'A0', 'C', 'E', 'F'];
    expect(paginate(changed, (n) => n, first.nextKey, 3)).toEqual({ items: ['E', 'F'] });
  });

  it('round-trips skip tokens in Key Vault’s shape, naming the next key', () => {
    const token = encodeSkipToken('SOMESECRET');
    const outer = JSON.parse(Buffer.from(token, 'base64url').toString()) as { NextMarker: string };
    expect(outer).toMatchObject({ TargetLocation: 0 });
    const [version, length, marker] = outer.NextMarker.split('!');
    expect(version).toBe('2');
    expect(Number(length)).toBe(marker.length);
    expect(Buffer.from(marker.replace(/-/g, '='), 'base64').toString()).toBe(
      '000017!secret/SOMESECRET!000028!9999-12-31T23:59:59.9999999Z!',
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSkipToken(token)).toBe('SOMESECRET');
    expect(decodeSkipToken(undefined)).toBeUndefined();
    // A token Key Vault itself wrote (recorded in an Azure SDK test) decodes to the key it names.
    const recorded =
      'eyJOZXh0TWFya2VyIjoiMiE4NCFNREF3TURFM0lYTmxZM0psZEM5VFQwMUZVMFZEVWtWVUlUQXdNREF5T0NFNU9UazVMVEV5TFRNeFZESXpPalU1T2pVNUxqazVPVGs1T1RsYUlRLS0iLCJUYXJnZXRMb2NhdGlvbiI6MH0';
    expect(decodeSkipToken(recorded)).toBe('SOMESECRET');
    expect(() => decodeSkipToken('not-a-token')).toThrow(KeyVaultError);
  });

  it('builds an absolute nextLink with api-version, $skiptoken and maxresults', () => {
    const link = buildNextLink('https://127.0.0.1:8443', '/secrets', '7.5', 'NEXT-ONE', 25);
    const url = new URL(link);
    expect(url.origin).toBe('https://127.0.0.1:8443');
    expect(url.pathname).toBe('/secrets');
    expect(url.searchParams.get('api-version')).toBe('7.5');
    expect(decodeSkipToken(url.searchParams.get('$skiptoken')!)).toBe('NEXT-ONE');
    expect(url.searchParams.get('maxresults')).toBe('25');
  });
});

import { describe, expect, it } from 'vitest';
import { HeldValues } from './held-values.js';

describe('HeldValues.foundIn', () => {
  it('finds a value at the start, in the middle, at the end and as the whole text', () => {
    const held = new HeldValues(6);
    held.add('secret-one');
    for (const text of ['secret-one', 'secret-one tail', 'head secret-one tail', 'head secret-one']) {
      expect(held.foundIn(text)).toBe(true);
    }
    expect(held.foundIn('secret-on')).toBe(false);
    expect(held.foundIn('secret-onx secret-o ne')).toBe(false);
    expect(held.foundIn('short')).toBe(false);
  });

  it('compares on a hash collision instead of trusting the hash', () => {
    // With base 31, "Aa" and "BB" hash alike (65·31 + 97 = 66·31 + 66).
    const held = new HeldValues(2);
    held.add('Aa');
    expect(held.foundIn('BB')).toBe(false);
    expect(held.foundIn('xBBAa')).toBe(true);
    held.add('BB');
    held.delete('Aa');
    expect(held.foundIn('Aa')).toBe(false);
    expect(held.foundIn('-BB-')).toBe(true);
  });

  it('forgets deleted and cleared values, keeps the insertion order when one is added again', () => {
    const held = new HeldValues(6);
    held.add('first-value');
    held.add('second-value');
    held.add('first-value');
    expect([...held]).toEqual(['second-value', 'first-value']);
    held.delete('second-value');
    expect(held.foundIn('a second-value b')).toBe(false);
    expect(held.foundIn('a first-value b')).toBe(true);
    expect(held.size).toBe(1);
    held.clear();
    expect(held.foundIn('a first-value b')).toBe(false);
  });

  it('answers as String.prototype.includes does, for random texts and values (non-ASCII included)', () => {
    const alphabet = 'ab€😀"\\\n';
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const word = (length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const values = Array.from({ length: 40 }, () => word(3 + Math.floor(random() * 4)));
    const held = new HeldValues(3);
    for (const value of values) if (value.length >= 3) held.add(value);
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const text = word(Math.floor(random() * 30));
      const expected = [...held].some((value) => text.includes(value));
      if (expected) found++;
      expect(held.foundIn(text), text).toBe(expected);
    }
    expect(found).toBeGreaterThan(50);
  });
});

/**
 * The values redaction.ts matches, indexed so that "does this text contain any of them?" costs one
 * pass over the text instead of one `includes` per held value: a load of 1,000 secrets holds 2,000
 * forms, and its report alone has thousands of strings to check (issue #10's follow-up measured
 * ~100 ms of CPU after the last response with one `includes` per value).
 *
 * Every value is at least `window` characters long. Each is filed under a rolling hash
 * (Rabin–Karp, arithmetic modulo 2^32) of its first `window` characters; a text is scanned once with
 * the same rolling hash, and only a position whose hash has a bucket is compared, with `startsWith`.
 * A collision costs one comparison, never a wrong answer.
 */

/** Multiplier of the rolling hash (odd, so it is invertible modulo 2^32). */
const BASE = 31;

/** Held values in insertion order (oldest first), with the index of their first characters. */
export class HeldValues {
  private readonly values = new Set<string>();
  private readonly buckets = new Map<number, string[]>();
  /** BASE^(window − 1) modulo 2^32: what the character leaving the window weighed. */
  private readonly outgoingWeight: number;

  /** @param window Length of every value held, at least (the shortest value matched). */
  constructor(private readonly window: number) {
    let weight = 1;
    for (let i = 1; i < window; i++) weight = Math.imul(weight, BASE);
    this.outgoingWeight = weight;
  }

  get size(): number {
    return this.values.size;
  }

  /** Oldest first. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.values.values();
  }

  /** Adds `value` (at least `window` long), or makes it the newest when it is held already. */
  add(value: string): void {
    if (this.values.delete(value)) {
      this.values.add(value);
      return;
    }
    this.values.add(value);
    const hash = this.hashOf(value, 0);
    const bucket = this.buckets.get(hash);
    if (bucket) bucket.push(value);
    else this.buckets.set(hash, [value]);
  }

  delete(value: string): void {
    if (!this.values.delete(value)) return;
    const hash = this.hashOf(value, 0);
    const bucket = this.buckets.get(hash);
    if (!bucket) return;
    const rest = bucket.filter((held) => held !== value);
    if (rest.length === 0) this.buckets.delete(hash);
    else this.buckets.set(hash, rest);
  }

  clear(): void {
    this.values.clear();
    this.buckets.clear();
  }

  /** True when `text` contains a held value. One pass over `text`. */
  foundIn(text: string): boolean {
    const window = this.window;
    if (this.values.size === 0 || text.length < window) return false;
    let hash = this.hashOf(text, 0);
    for (let at = 0; ; at++) {
      const bucket = this.buckets.get(hash);
      if (bucket !== undefined) {
        for (const value of bucket) if (text.startsWith(value, at)) return true;
      }
      if (at + window >= text.length) return false;
      hash =
        (Math.imul(hash - Math.imul(text.charCodeAt(at), this.outgoingWeight), BASE) +
          text.charCodeAt(at + window)) |
        0;
    }
  }

  /** The rolling hash of `text`'s `window` characters from `start`. */
  private hashOf(text: string, start: number): number {
    let hash = 0;
    for (let i = start; i < start + this.window; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
    return hash;
  }
}

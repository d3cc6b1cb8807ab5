import { describe, expect, it } from 'vitest';
import { constantTimeEquals } from './constant-time.util.js';

describe('constantTimeEquals', () => {
  it('is true only for identical strings, whatever the lengths', () => {
    expect(constantTimeEquals('key', 'key')).toBe(true);
    expect(constantTimeEquals('key', 'kez')).toBe(false);
    expect(constantTimeEquals('key', 'key-longer')).toBe(false);
    expect(constantTimeEquals('', 'key')).toBe(false);
  });
});

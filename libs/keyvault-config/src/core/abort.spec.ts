import { describe, expect, it } from 'vitest';
import { abortError } from './abort.js';
import { isAbortError } from './errors.js';

describe('abortError', () => {
  it('is an Error named AbortError that the error mapping recognises', () => {
    const error = abortError('The refresh was stopped.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AbortError');
    expect(error.message).toBe('The refresh was stopped.');
    expect(isAbortError(error)).toBe(true);
    expect(abortError().message).toBe('The operation was aborted.');
  });
});

/**
 * Test helper for the emulator's unit specs and e2e tests (not built into dist: tsconfig.build.json
 * excludes testing/). IMDS answers a token with exactly these fields, every number as a string
 * (unlike App Service's endpoint): the one statement of that shape, checked in process and over HTTP.
 */
import { expect } from 'vitest';

const IMDS_TOKEN_FIELDS = [
  'access_token',
  'client_id',
  'expires_in',
  'expires_on',
  'ext_expires_in',
  'not_before',
  'resource',
  'token_type',
];

/** Fails unless `body` has exactly IMDS's token fields, with its numbers as digit strings. */
export function expectImdsTokenShape(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual([...IMDS_TOKEN_FIELDS].sort());
  for (const key of ['expires_in', 'expires_on', 'ext_expires_in', 'not_before'])
    expect(body[key]).toMatch(/^\d+$/);
}

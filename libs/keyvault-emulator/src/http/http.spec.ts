import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { headerMatches } from './header-check.js';
import { readJsonBody } from './json-body.js';
import { writeJson } from './json-response.js';

describe('headerMatches', () => {
  it('matches only the exact single value', () => {
    expect(headerMatches('secret-value', 'secret-value')).toBe(true);
    expect(headerMatches('secret-valuf', 'secret-value')).toBe(false);
    expect(headerMatches('secret', 'secret-value')).toBe(false);
    expect(headerMatches('', 'secret-value')).toBe(false);
    expect(headerMatches(undefined, 'secret-value')).toBe(false);
    expect(headerMatches(['secret-value', 'secret-value'], 'secret-value')).toBe(false);
  });
});

/** Sends `body` to a one-shot server that reads it with readJsonBody and answers with writeJson. */
async function roundTrip(
  body: string,
  maxBytes = 64,
): Promise<{ status: number; text: string; headers: IncomingMessage['headers'] }> {
  const server = createServer((req, res) => {
    readJsonBody(req, {
      maxBytes,
      tooLarge: () => Object.assign(new Error('too large'), { status: 413 }),
      notJson: () => Object.assign(new Error('not json'), { status: 400 }),
    }).then(
      (parsed) => writeJson(res, 200, parsed === undefined ? undefined : { parsed }),
      (error: Error & { status: number }) => writeJson(res, error.status, { error: error.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('readJsonBody + writeJson', () => {
  it('parses JSON and answers it with a length and the JSON content type', async () => {
    const answer = await roundTrip('{"a":1}');
    expect(answer).toMatchObject({ status: 200, text: '{"parsed":{"a":1}}' });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-length']).toBe(String(answer.text.length));
  });

  it('treats a blank body as none and answers an empty body with length 0', async () => {
    const answer = await roundTrip('  \n');
    expect(answer).toMatchObject({ status: 200, text: '' });
    expect(answer.headers['content-length']).toBe('0');
    expect(answer.headers['content-type']).toBeUndefined();
  });

  it("rejects with the server's own errors, never quoting the body", async () => {
    const notJson = await roundTrip('{"value":"s3cret-canary"');
    expect(notJson).toMatchObject({ status: 400, text: '{"error":"not json"}' });
    expect((await roundTrip(`"${'x'.repeat(100)}"`)).status).toBe(413);
  });
});

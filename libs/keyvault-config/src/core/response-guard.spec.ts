import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { NO_ERROR_BODY, responseProblem, UNREADABLE_RESPONSE } from './response-guard.js';

const VAULT = 'https://v.vault.azure.net';
const VALUE = 'CANARY-guard-value';

function answer(
  status: number,
  bodyAsText: string | undefined,
  path = '/secrets/Db',
): [string, string, PipelineResponse] {
  const request = createPipelineRequest({ url: `${VAULT}${path}?api-version=7.5` });
  return ['GET', request.url, { status, bodyAsText, headers: createHttpHeaders(), request }];
}

describe('responseProblem', () => {
  it("lets Key Vault's own answers through", () => {
    expect(
      responseProblem(...answer(200, JSON.stringify({ id: `${VAULT}/secrets/Db/1`, value: 'x' }))),
    ).toBeUndefined();
    expect(
      responseProblem(...answer(200, JSON.stringify({ value: [{ id: 'a' }], nextLink: null }), '/secrets')),
    ).toBeUndefined();
    expect(
      responseProblem(...answer(403, JSON.stringify({ error: { code: 'Forbidden', message: 'm' } }))),
    ).toBeUndefined();
    expect(responseProblem('PUT', `${VAULT}/secrets/Db`, answer(200, 'not json')[2])).toBeUndefined();
  });

  it.each([
    ['a truncated get', answer(200, `{"value":"${VALUE}","id":"htt`)],
    ['an HTML 200', answer(200, `<html>${VALUE}</html>`)],
    ['an empty 200', answer(200, '')],
    ['a get without id', answer(200, JSON.stringify({ value: VALUE }))],
    ['a list item without id', answer(200, JSON.stringify({ value: [{ attributes: {} }] }), '/secrets')],
    ['a versions page that is not a list', answer(200, '{}', '/secrets/Db/versions')],
  ])('%s is unreadable, and the error carries no byte of the body', (_label, args) => {
    const problem = responseProblem(...args);
    expect(problem?.code).toBe(UNREADABLE_RESPONSE);
    expect(problem?.statusCode).toBe(200);
    expect(JSON.stringify({ ...problem, message: problem?.message })).not.toContain(VALUE);
  });

  it.each([401, 403, 404, 429, 500, 502])(
    'a %i without Key Vault error JSON keeps only its status',
    (status) => {
      for (const body of ['', `<html>${VALUE}</html>`, undefined]) {
        const problem = responseProblem(...answer(status, body));
        expect(problem?.code).toBe(NO_ERROR_BODY);
        expect(problem?.statusCode).toBe(status);
        expect(problem?.message).not.toContain(VALUE);
      }
    },
  );
});

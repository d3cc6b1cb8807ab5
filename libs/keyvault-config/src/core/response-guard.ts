/**
 * Checks every final answer of a vault before the SDK reads it. The SDK copies a body it cannot parse
 * into its error message (a truncated `200` of a get is the secret's value), and reads a bodiless or
 * HTML error page as `undefined.error` — a TypeError that loses the status. This policy, outermost in
 * the pipeline (after retries and throttling), turns both into a RestError carrying only the status
 * and a code of ours, never a byte of the body:
 * - an error status (≥ 400) whose body is not Key Vault's error JSON → `statusCode`, no code;
 * - a `2xx` of a secret read or listing whose body is not the JSON Key Vault sends (not JSON, no
 *   `id`, no `value` array, a list item without `id`) → code {@link UNREADABLE_RESPONSE}.
 */
import { RestError, type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';

/** RestError code of a 2xx whose body is not what Key Vault sends. */
export const UNREADABLE_RESPONSE = 'UnreadableResponse';
/** RestError code of an error status whose body is not Key Vault's error JSON. */
export const NO_ERROR_BODY = 'NoKeyVaultErrorBody';

type Operation = 'get' | 'list' | undefined;

/** What a GET under /secrets is: a listing (`/secrets`, `/secrets/{name}/versions`) or a read. */
function operationOf(method: string, url: string): Operation {
  if (method !== 'GET') return undefined;
  let segments: string[];
  try {
    segments = new URL(url).pathname.split('/').filter(Boolean);
  } catch {
    return undefined;
  }
  if (segments[0] !== 'secrets') return undefined;
  if (segments.length === 1 || segments[2] === 'versions') return 'list';
  return 'get';
}

function parse(text: string | undefined | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const hasId = (v: unknown): boolean => isObject(v) && typeof v.id === 'string' && v.id.length > 0;

/** True when a 2xx body is what Key Vault sends for the operation. */
function readable(operation: Exclude<Operation, undefined>, body: unknown): boolean {
  if (!isObject(body)) return false;
  if (operation === 'get') return hasId(body);
  return Array.isArray(body.value) && body.value.every(hasId);
}

/** The error to throw for a response the SDK must not read, if any. */
export function responseProblem(
  method: string,
  url: string,
  response: PipelineResponse,
): RestError | undefined {
  const { status } = response;
  if (status >= 400) {
    const body = parse(response.bodyAsText);
    if (isObject(body) && isObject(body.error)) return undefined; // Key Vault's own error: the SDK maps it
    return new RestError(`Key Vault answered ${status} without its error body.`, {
      statusCode: status,
      code: NO_ERROR_BODY,
    });
  }
  const operation = operationOf(method, url);
  if (operation === undefined || status < 200 || status >= 300) return undefined;
  if (readable(operation, parse(response.bodyAsText))) return undefined;
  return new RestError(`Key Vault answered ${status} with a body that is not Key Vault's JSON.`, {
    statusCode: status,
    code: UNREADABLE_RESPONSE,
  });
}

/** The policy (position perCall, first, so it judges the answer after every retry). */
export const responseGuardPolicy: PipelinePolicy = {
  name: 'keyVaultConfigResponseGuardPolicy',
  async sendRequest(request, next) {
    const response = await next(request);
    const problem = responseProblem(request.method, request.url, response);
    if (problem) throw problem;
    return response;
  },
};

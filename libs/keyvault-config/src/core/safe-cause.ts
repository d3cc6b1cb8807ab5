/**
 * The one form in which an SDK error may travel in a cause chain. A RestError carries its request (the
 * bearer token) and response (a body that can quote a secret), so only a copy without them is kept.
 */
import { isRestError, sdkErrorShape } from './sdk-error-shape.js';

/**
 * A copy of an SDK error safe to keep as `cause`: name, code and status only. Its message is made of
 * them too: an SDK message can quote the response body (a parse error quotes a truncated secret).
 */
export function safeCause(error: unknown): unknown {
  if (!isRestError(error)) return error;
  const e = sdkErrorShape(error);
  const text = [e.statusCode === undefined ? undefined : `status ${e.statusCode}`, e.code].filter(Boolean);
  const copy = new Error(
    `Key Vault request failed${text.length > 0 ? ` (${text.join(', ')})` : ''}.`,
  ) as Error & {
    code?: string;
    statusCode?: number;
  };
  copy.name = 'RestError';
  copy.code = e.code;
  copy.statusCode = e.statusCode;
  return copy;
}

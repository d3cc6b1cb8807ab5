/**
 * The one `AbortError` the core throws itself (a queued fetch that will never start, a stopped refresh,
 * a credential call given up on): shaped like the SDK's, so `isAbortError` treats both alike.
 */
import { OPERATION_ABORTED } from './messages/index.js';

/** An AbortError like the SDK's (name 'AbortError'). */
export function abortError(message = OPERATION_ABORTED): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

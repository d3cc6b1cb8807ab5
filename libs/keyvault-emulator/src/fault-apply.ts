import type { IncomingMessage, ServerResponse } from 'node:http';
import { delay } from './delay.js';
import type { FaultDecision } from './faults.js';
import { drainBody } from './http/json-body.js';
import { writeHostile } from './http/json-response.js';

/** What a server lends {@link applyFault} for one request. */
export interface FaultTarget {
  req: IncomingMessage;
  res: ServerResponse;
  /** The server's closing signal: a delay ends early and the connection is dropped when it closes. */
  signal: AbortSignal;
  /** Records the request in the counters (status 0: no answer). Idempotent. */
  record(status: number): void;
  /** Writes the server's own error answer for an injected status (and records it). */
  answerStatus(status: number, retryAfterSeconds: number | undefined): void;
}

/**
 * Applies a fault decision to a request, the same way on every server: waits the decision's latency,
 * then resets, hangs or answers the injected status. Resolves true when the request was dealt with
 * (nothing more may be written), false when it must be served normally after the latency.
 */
export async function applyFault(decision: FaultDecision, target: FaultTarget): Promise<boolean> {
  const { req } = target;
  await delay(decision.latencyMs, target.signal);
  if (target.signal.aborted) {
    req.socket.destroy();
    return true;
  }
  switch (decision.action) {
    case 'reset':
      req.socket.destroy();
      target.record(0);
      return true;
    case 'hang':
      // Never answered: the socket only closes when the client gives up or the emulator closes.
      target.record(0);
      req.resume();
      return true;
    case 'status':
      await drainBody(req);
      if (decision.body) {
        // What a proxy or gateway answers: no service headers, no JSON.
        target.record(decision.status ?? 502);
        writeHostile(target.res, decision.status ?? 502, decision.body);
      } else target.answerStatus(decision.status ?? 500, decision.retryAfterSeconds);
      return true;
    default:
      return false;
  }
}

/** The decision for a pending identity failure (`failIdentity`): 500, or a request never answered. */
export function identityFailureDecision(failure: 500 | 'hang'): FaultDecision {
  return failure === 'hang'
    ? { latencyMs: 0, action: 'hang', faultIds: [], kind: 'hang' }
    : { latencyMs: 0, action: 'status', status: failure, faultIds: [], kind: 'status' };
}

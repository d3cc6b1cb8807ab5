/**
 * One token request shared by the concurrent callers of a credential — and bounded: it is given up
 * (its signal aborted, dropped from the shared map so the next caller asks afresh) when its last caller
 * leaves (each caller's own abort signal: a load's deadline, a stopped refresh) or when it has not
 * answered within {@link TOKEN_ATTEMPT_TIMEOUT_MS}. A credential that ignores the abort signal (the SDK's
 * managed-identity credential does) cannot hold anyone: callers are answered by the race, not by it.
 *
 * The flight's signal also reaches the HTTP requests of the credentials the library builds itself,
 * through {@link tokenRequestBoundHttpClient} (AsyncLocalStorage carries it down to the HTTP client),
 * so a hung identity socket is destroyed and cannot keep the process alive — and records what the
 * identity endpoint answered (statuses only), so a TIMEOUT can say whether it failed or never answered.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { abortError } from './abort.js';
import { TOKEN_ATTEMPT_TIMEOUT_MS } from './constants.js';
import { TOKEN_REQUEST_ABORTED, tokenRequestTimedOut, type PendingTokenAnswers } from './messages/index.js';

/** What the identity endpoint answered to one token flight's requests (TIMEOUT's message reads it). */
export interface TokenFlightAnswers extends PendingTokenAnswers {
  statuses: number[];
}

/** What a token flight's requests carry down to the HTTP client. */
interface FlightScope {
  signal: AbortSignal;
  answers: TokenFlightAnswers;
}

const flightScope = new AsyncLocalStorage<FlightScope>();

/**
 * The HTTP client of the credentials the library builds: ties each request made inside a token flight to
 * the flight's signal, so giving the flight up destroys its socket. An HTTP client, not a pipeline
 * policy: `ManagedIdentityCredential` replaces the `additionalPolicies` it is given with its own retry
 * policy (@azure/identity 4.x), while every credential hands `httpClient` down to its pipeline.
 */
export function tokenRequestBoundHttpClient(inner: HttpClient = createDefaultHttpClient()): HttpClient {
  return {
    async sendRequest(request) {
      const flight = flightScope.getStore();
      if (!flight) return inner.sendRequest(request);
      const { signal, answers } = flight;
      request.abortSignal = request.abortSignal ? either(request.abortSignal, signal) : signal;
      answers.sent++;
      try {
        const response = await inner.sendRequest(request);
        answers.statuses.push(response.status);
        return response;
      } catch (error) {
        if (!signal.aborted) answers.failed++;
        throw error;
      }
    },
  };
}

type AbortSignalLike = NonNullable<GetTokenOptions['abortSignal']>;

/** A signal aborted when either is (the request's own may be any AbortSignalLike). */
function either(own: AbortSignalLike, flight: AbortSignal): AbortSignal {
  if (own instanceof AbortSignal) return AbortSignal.any([own, flight]);
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (own.aborted) abort();
  else own.addEventListener('abort', abort, { once: true });
  flight.addEventListener('abort', abort, { once: true });
  return controller.signal;
}

/** `promise`, or an AbortError as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: GetTokenOptions['abortSignal']): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(TOKEN_REQUEST_ABORTED));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(TOKEN_REQUEST_ABORTED));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A token request in flight and the callers waiting for it. */
export class TokenFlight {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private callers = 0;
  private done = false;
  readonly promise: Promise<AccessToken | null>;
  /** What the identity endpoint answered so far (requests through tokenRequestBoundHttpClient). */
  readonly answers: TokenFlightAnswers = { sent: 0, statuses: [], failed: 0 };

  /**
   * @param request asks the credential, with the flight's signal
   * @param onEnd called once when the flight settles or is given up (drop it from the shared map)
   */
  constructor(
    request: (signal: AbortSignal) => Promise<AccessToken | null>,
    private readonly onEnd: () => void,
    timeoutMs = TOKEN_ATTEMPT_TIMEOUT_MS,
  ) {
    const given = new Promise<never>((_, reject) => {
      this.controller.signal.addEventListener('abort', () => reject(this.controller.signal.reason), {
        once: true,
      });
    });
    const scope: FlightScope = { signal: this.controller.signal, answers: this.answers };
    const asked = flightScope.run(scope, () => request(this.controller.signal));
    this.promise = Promise.race([asked, given]).finally(() => this.end());
    this.promise.catch(() => undefined); // each caller observes it through its own race
    asked.catch(() => undefined); // a request answering after the flight was given up
    this.timer = setTimeout(() => this.giveUp(abortError(tokenRequestTimedOut(timeoutMs))), timeoutMs);
    this.timer.unref?.();
  }

  /** True while the flight can still be joined. */
  get open(): boolean {
    return !this.done;
  }

  /** Waits for the token as one more caller, leaving (and maybe giving the flight up) on its abort. */
  async join(signal: GetTokenOptions['abortSignal']): Promise<AccessToken | null> {
    this.callers++;
    try {
      return await raceAbort(this.promise, signal);
    } finally {
      this.callers--;
      if (this.callers === 0) this.giveUp(abortError(TOKEN_REQUEST_ABORTED));
    }
  }

  private giveUp(reason: Error): void {
    if (this.done) return;
    this.controller.abort(reason);
    this.end();
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.onEnd();
  }
}

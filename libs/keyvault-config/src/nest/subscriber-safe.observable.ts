/**
 * An Observable whose subscribers cannot hurt the library. rxjs reports an error thrown by a `next`
 * callback (or an error notification nobody handles — a throwing `map` upstream) by rethrowing it
 * asynchronously, which kills the process; a `changes$` subscriber rebuilding a pool on rotation is
 * exactly the code that throws when a secret is revoked. Every subscription to this Observable — and
 * to any Observable piped from it (`lift` keeps the class) — runs the subscriber's callbacks in a
 * try/catch and logs a failure once, with the key and the error's type, never its message (it may
 * quote a value). The refresh, and the other subscribers, go on.
 */
import { Observable, type Observer, type Operator, type Subscription } from 'rxjs';

/** Logs one subscriber failure: which stream, and the error's type. */
export type SubscriberFailure = (stream: string, errorName: string) => void;

const nameOf = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

export class SubscriberSafeObservable<T> extends Observable<T> {
  constructor(
    private readonly stream: string,
    private readonly onFailure: SubscriberFailure,
    subscribe?: (this: Observable<T>, subscriber: import('rxjs').Subscriber<T>) => unknown,
  ) {
    super(subscribe as never);
  }

  /** Piped Observables stay subscriber-safe (rxjs's documented way for subclasses). */
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const lifted = new SubscriberSafeObservable<R>(this.stream, this.onFailure);
    lifted.source = this;
    lifted.operator = operator;
    return lifted;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null): Subscription {
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
    let failed = false;
    const report = (error: unknown): void => {
      if (failed) return; // once per subscription
      failed = true;
      this.onFailure(this.stream, nameOf(error));
    };
    return super.subscribe({
      next: (value) => {
        try {
          observer.next?.(value);
        } catch (error) {
          report(error);
        }
      },
      error: (error: unknown) => {
        if (!observer.error) return report(error);
        try {
          observer.error(error);
        } catch (thrown) {
          report(thrown);
        }
      },
      complete: () => {
        try {
          observer.complete?.();
        } catch (error) {
          report(error);
        }
      },
    });
  }
}

/** `source` as a {@link SubscriberSafeObservable} named `stream`. */
export function subscriberSafe<T>(
  source: Observable<T>,
  stream: string,
  onFailure: SubscriberFailure,
): Observable<T> {
  return new SubscriberSafeObservable<T>(stream, onFailure, (subscriber) => source.subscribe(subscriber));
}

/**
 * A promise whose work starts when it is first awaited (`then`, `catch`, `finally`, `await`).
 *
 * Why `KeyVaultConfigModule.forRoot` returns one: the call sits in an `@Module({ imports })` decorator,
 * so it runs when `app.module.ts` is imported — long before Nest awaits it. An eager load there
 * 1. rejects with nobody listening (an INVALID_OPTIONS at once, an ACCESS_DENIED sometimes): Node reports
 *    an unhandled rejection and Nest's logger and the app's `bootstrap().catch()` never see the error;
 * 2. reaches the vault in every test that imports `AppModule`, even one that overrides the module with
 *    `KeyVaultConfigModule.forTesting()` (Nest then never awaits the original promise).
 * Deferred, the load starts when Nest's scanner awaits the import, inside `NestFactory.create`, whose
 * exception zone logs the error and (with `abortOnError: false`) rejects with it.
 *
 * It must be a real `Promise` (Nest awaits imports only when `instanceof Promise` holds), hence a
 * subclass whose own executor never settles and whose `then` delegates to the work's promise.
 */
export class DeferredPromise<T> extends Promise<T> {
  /** Derived promises (`then` results) are plain promises, not deferred ones. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #work: Promise<T> | undefined;
  readonly #start: () => Promise<T>;

  constructor(start: () => Promise<T>) {
    super(() => undefined);
    this.#start = start;
  }

  // oxlint-disable-next-line unicorn/no-thenable -- a Promise subclass: delegating `then` is its point
  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#work ??= Promise.resolve().then(this.#start);
    return this.#work.then(onFulfilled, onRejected);
  }
}

/** Options for one call of a {@link MemoizedProvider}. @public */
export interface MemoizedCallOptions {
  /** Drop the cached value and resolve again (after a 401, or after `lk auth login`). */
  forceRefresh?: boolean;
}

/** A provider that resolves once and then returns the cached value. @public */
export interface MemoizedProvider<T> {
  (options?: MemoizedCallOptions): Promise<T>;
  /** Forget the cached value; the next call resolves again. */
  invalidate(): void;
  /** The cached value when one is settled (and not expired), without starting a resolution. */
  peek(): T | undefined;
}

/**
 * Caches a provider's value, as the AWS SDK's `memoize` does:
 * - concurrent callers share one in-flight promise, so a burst of requests resolves once;
 * - `forceRefresh` drops a settled value and starts a new resolution, but joins one already in
 *   flight (several requests that all saw a 401 trigger a single refresh);
 * - a failed resolution is not cached: every waiter of that attempt gets the error, and the next
 *   call tries again;
 * - `isExpired(value)` (optional) makes a cached value count as missing.
 *
 * Use it with a chain as `memoize(() => chain.resolve(ctx))`.
 * @public
 */
export function memoize<T>(
  provider: () => Promise<T>,
  options: { isExpired?: (value: T) => boolean } = {},
): MemoizedProvider<T> {
  let inFlight: Promise<T> | undefined;
  let settled: { value: T } | undefined;
  // Bumped on invalidate/forceRefresh, so an older attempt that finishes late cannot overwrite.
  let generation = 0;

  const start = (): Promise<T> => {
    const mine = ++generation;
    settled = undefined;
    const attempt = (async () => provider())();
    inFlight = attempt;
    attempt.then(
      (value) => {
        if (generation === mine) settled = { value };
        if (inFlight === attempt) inFlight = undefined;
      },
      () => {
        if (inFlight === attempt) inFlight = undefined;
      },
    );
    return attempt;
  };

  const memoized = ((callOptions: MemoizedCallOptions = {}): Promise<T> => {
    if (inFlight) return inFlight;
    if (!callOptions.forceRefresh && settled && !options.isExpired?.(settled.value)) {
      return Promise.resolve(settled.value);
    }
    return start();
  }) as MemoizedProvider<T>;

  memoized.peek = () => (settled && !options.isExpired?.(settled.value) ? settled.value : undefined);

  memoized.invalidate = () => {
    generation++;
    settled = undefined;
    inFlight = undefined;
  };
  return memoized;
}

/**
 * Test lifecycles registered once: a thing made before a block's first test (or before each test)
 * and disposed of after its last (or after each). Each returns a stand-in that forwards to the live
 * thing, so a test reads `server.url` or `home.dir` as if it held the thing itself. Used by the
 * CLI's unit tests and by the repo's e2e helpers (test/helpers); nothing in dist imports it.
 */

/**
 * A stand-in for what `current()` returns: reads (methods bound to it), writes and `in` go to the
 * live object, which exists only while a test runs.
 */
export function standIn<T extends object>(what: string, current: () => T | undefined): T {
  const live = (): T => {
    const t = current();
    if (!t) throw new Error(`${what} exists only inside a test`);
    return t;
  };
  return new Proxy({} as T, {
    get(_target, prop) {
      const t = live();
      const v: unknown = Reflect.get(t, prop);
      return typeof v === 'function' ? v.bind(t) : v;
    },
    set: (_target, prop, value) => Reflect.set(live(), prop, value),
    has: (_target, prop) => Reflect.has(live(), prop),
  });
}

/** `make()` before the enclosing block's first test, `dispose()` after its last. */
export function perBlock<T extends object>(what: string, make: () => T | Promise<T>, dispose: (t: T) => unknown): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await make();
  });
  afterAll(async () => {
    if (current) await dispose(current);
    current = undefined;
  });
  return standIn(what, () => current);
}

/** `make()` before each test of the enclosing block, `dispose()` after it (a failing dispose fails the test). */
export function perTest<T extends object>(what: string, make: () => T | Promise<T>, dispose: (t: T) => unknown): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await make();
  });
  afterEach(async () => {
    const t = current;
    current = undefined;
    if (t) await dispose(t);
  });
  return standIn(what, () => current);
}

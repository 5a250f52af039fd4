/**
 * The lifecycle CLI tests share, registered once per `describe` block instead of written out in
 * each file (used by `*.test.ts` only; tsconfig keeps `src/testing` out of dist). Each hook returns
 * a stand-in that forwards to the live object, so a test reads `server.url` or `deps.io` as if it
 * held the object itself.
 */
import { startMockServer, type MockServer, type MockServerOptions } from '@lk/mock-server';
import { cleanupTestDeps, createTestDeps, type TestDeps, type TestDepsOptions } from './test-deps.js';

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

/**
 * One real mock server (ephemeral port) for the enclosing block: started before its first test,
 * closed after its last. After each test, every {@link TestDeps} still alive (its temporary HOME)
 * is removed, so tests that make their own with `createTestDeps(…)` need no cleanup of their own.
 */
export function useMockServer(options: MockServerOptions = {}): MockServer {
  let server: MockServer | undefined;
  beforeAll(async () => {
    server = await startMockServer(options);
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  afterEach(cleanupTestDeps);
  return standIn('useMockServer: the mock server', () => server);
}

/** Fresh test deps (a new temporary HOME, buffered IO, in-memory keychain) for each test of the enclosing block, removed after it. */
export function useTestDeps(options: TestDepsOptions = {}): TestDeps {
  let deps: TestDeps | undefined;
  beforeEach(async () => {
    deps = await createTestDeps(options);
  });
  afterEach(() => {
    deps?.cleanup();
    deps = undefined;
  });
  return standIn('useTestDeps: the deps', () => deps);
}

/**
 * The lifecycle CLI tests share, registered once per `describe` block instead of written out in
 * each file (used by `*.test.ts` only; tsconfig keeps `src/testing` out of dist).
 */
import { startMockServer, type MockServer, type MockServerOptions } from '@lk/mock-server';
import { perBlock, perTest } from './lifecycle.js';
import { cleanupTestDeps, createTestDeps, type TestDeps, type TestDepsOptions } from './test-deps.js';

/**
 * One real mock server (ephemeral port) for the enclosing block: started before its first test,
 * closed after its last. After each test, every {@link TestDeps} still alive (its temporary HOME)
 * is removed, so tests that make their own with `createTestDeps(…)` need no cleanup of their own.
 */
export function useMockServer(options: MockServerOptions = {}): MockServer {
  afterEach(cleanupTestDeps);
  return perBlock('useMockServer: the mock server', () => startMockServer(options), (s) => s.close());
}

/** Fresh test deps (a new temporary HOME, buffered IO, in-memory keychain) for each test of the enclosing block, removed after it. */
export function useTestDeps(options: TestDepsOptions = {}): TestDeps {
  return perTest('useTestDeps: the deps', () => createTestDeps(options), (d) => d.cleanup());
}

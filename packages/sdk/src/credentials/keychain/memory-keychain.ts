import type { Keychain } from '../types.js';
import { KeychainError, type KeychainFailureKind } from './keychain-error.js';

/** Options for {@link createMemoryKeychain}. @public */
export interface MemoryKeychainOptions {
  /** Entries to start with: `{ [service]: { [account]: password } }`. */
  entries?: Record<string, Record<string, string>>;
  /** Make every call fail the way the OS adapter would, to test how callers handle it. */
  fail?: KeychainFailureKind;
}

/** An in-memory keychain for tests: same interface and errors as the OS adapter. @public */
export interface MemoryKeychain extends Keychain {
  /** How many calls were made (a test can assert the keychain was, or was not, asked). */
  readonly calls: number;
  /** Change the failure mode later (`undefined` to work normally). */
  fail: KeychainFailureKind | undefined;
}

/** @public */
export function createMemoryKeychain(options: MemoryKeychainOptions = {}): MemoryKeychain {
  const store = new Map<string, string>();
  const keyOf = (service: string, account: string) => `${service}\u0000${account}`;
  for (const [service, accounts] of Object.entries(options.entries ?? {})) {
    for (const [account, password] of Object.entries(accounts)) store.set(keyOf(service, account), password);
  }
  let calls = 0;
  const keychain: MemoryKeychain = {
    name: 'memory',
    fail: options.fail,
    get calls() {
      return calls;
    },
    async get(service, account) {
      calls++;
      check(keychain.fail, 'get');
      return store.get(keyOf(service, account));
    },
    async set(service, account, password) {
      calls++;
      check(keychain.fail, 'set');
      store.set(keyOf(service, account), password);
    },
    async delete(service, account) {
      calls++;
      check(keychain.fail, 'delete');
      return store.delete(keyOf(service, account));
    },
  };
  return keychain;
}

function check(kind: KeychainFailureKind | undefined, operation: 'get' | 'set' | 'delete'): void {
  if (kind) throw new KeychainError(kind, operation, `memory keychain: simulated ${kind}`, { hint: 'simulated failure' });
}

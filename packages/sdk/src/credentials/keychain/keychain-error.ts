import { CredentialStoreError } from '../../errors/credential-errors.js';

/**
 * Why a keychain call failed:
 * - `unavailable`: no keychain service here (no D-Bus session, no Secret Service, no binary for
 *   this platform). "Not configured here": the keychain source skips.
 * - `locked`: the keychain exists but is locked or wants an unlock prompt.
 * - `timeout`: no answer within the time box (often an unlock prompt nobody can see, or a stuck D-Bus).
 * - `failure`: anything else.
 * @public
 */
export type KeychainFailureKind = 'unavailable' | 'locked' | 'timeout' | 'failure';

/**
 * A keychain call failed. `code` is `LK_CREDENTIAL_STORE` and `name` `CredentialStoreError`, like
 * every credential-store failure; `kind` says which. Match on `code` and `kind`, not `instanceof`.
 * @public
 */
export class KeychainError extends CredentialStoreError {
  readonly kind: KeychainFailureKind;
  readonly operation: 'get' | 'set' | 'delete';
  /**
   * The keychain's own text (the D-Bus or Secret Service error, the helper's), shortened and
   * without the value being stored; for `lk doctor`, `--json` and debug logs. The message says the
   * problem in plain words and leaves it out (except for an unclassified `failure`, where it is all there is).
   */
  readonly native: string | undefined;

  constructor(
    kind: KeychainFailureKind,
    operation: 'get' | 'set' | 'delete',
    message: string,
    options: { hint?: string; cause?: unknown; native?: string } = {},
  ) {
    super('keychain', message, options);
    this.kind = kind;
    this.operation = operation;
    this.native = options.native;
  }
}

/** True for a keychain error of the given kind, also from another copy of this package. */
export function isKeychainFailure(error: unknown, kind?: KeychainFailureKind): error is KeychainError {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; store?: unknown; kind?: unknown };
  return e.code === 'LK_CREDENTIAL_STORE' && e.store === 'keychain' && (kind === undefined || e.kind === kind);
}

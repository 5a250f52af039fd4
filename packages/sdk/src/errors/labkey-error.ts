/**
 * Every error the SDK throws is a LabKeyError with a stable `code`. Match on `code` (or the guards in
 * `guards.ts`), never on `instanceof`: pnpm can install two copies of this package.
 *
 * Errors never hold a key, raw headers or raw request options. Where a request is attached it is a
 * {@link RedactedRequest}: method, URL without userinfo or secret parameters, header names only.
 */

/** Stable error codes. Each has an anchor in TROUBLESHOOTING.md (lower-case, e.g. `#lk_no_credentials`). @public */
export const ErrorCodes = {
  NO_CREDENTIALS: 'LK_NO_CREDENTIALS',
  API_KEY_REJECTED: 'LK_API_KEY_REJECTED',
  FORBIDDEN: 'LK_FORBIDDEN',
  CSRF: 'LK_CSRF',
  NOT_FOUND: 'LK_NOT_FOUND',
  WRONG_CONTEXT_PATH: 'LK_WRONG_CONTEXT_PATH',
  METHOD_NOT_ALLOWED: 'LK_METHOD_NOT_ALLOWED',
  VALIDATION: 'LK_VALIDATION',
  SERVER_ERROR: 'LK_SERVER_ERROR',
  HTTP: 'LK_HTTP',
  BAD_RESPONSE: 'LK_BAD_RESPONSE',
  NETWORK: 'LK_NETWORK',
  TIMEOUT: 'LK_TIMEOUT',
  ABORTED: 'LK_ABORTED',
  TOO_MANY_REDIRECTS: 'LK_TOO_MANY_REDIRECTS',
  CREDENTIAL_STORE: 'LK_CREDENTIAL_STORE',
  NETRC_SYNTAX: 'LK_NETRC_SYNTAX',
  NETRC_LOCK: 'LK_NETRC_LOCK',
  INVALID_ARGUMENT: 'LK_INVALID_ARGUMENT',
} as const;

/** @public */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** @public */
export const DOCS_BASE_URL = 'https://github.com/lk-labkey/lk/blob/main/packages/sdk/TROUBLESHOOTING.md';

/** @public */
export interface LabKeyErrorOptions {
  /** The next thing to run or check, in words a user can act on. */
  hint?: string;
  cause?: unknown;
}

/** A request as it may appear in an error or log: nothing secret in it. @public */
export interface RedactedRequest {
  method: string;
  /** URL with userinfo removed and secret-looking query parameters replaced by `[REDACTED]`. */
  url: string;
  /** Names only, lower-case; values are never kept. */
  headerNames: string[];
}

/** Base class of every SDK error. @public */
export class LabKeyError extends Error {
  override readonly name: string = 'LabKeyError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly docsUrl: string;

  constructor(code: ErrorCode, message: string, options: LabKeyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.docsUrl = `${DOCS_BASE_URL}#${code.toLowerCase()}`;
  }

  /** A plain, secret-free object for `--json` output and logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    out.docsUrl = this.docsUrl;
    for (const [k, v] of Object.entries(this)) {
      if (!(k in out) && k !== 'cause' && k !== 'stack') out[k] = v;
    }
    return out;
  }
}

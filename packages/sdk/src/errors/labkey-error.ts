/**
 * Every error the SDK throws is a LabKeyError with a stable `code`. Match on `code` (or the guards in
 * `guards.ts`), never on `instanceof`: pnpm can install two copies of this package.
 *
 * Errors never hold a key, raw headers or raw request options. Where a request is attached it is a
 * {@link RedactedRequest}: method, URL without userinfo or secret parameters, header names only.
 */
import type { ResolveStep } from '../credentials/types.js';

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
  CREDENTIAL_SOURCE: 'LK_CREDENTIAL_SOURCE',
  NETRC_SYNTAX: 'LK_NETRC_SYNTAX',
  NETRC_LOCK: 'LK_NETRC_LOCK',
  INVALID_ARGUMENT: 'LK_INVALID_ARGUMENT',
  UNSUPPORTED: 'LK_UNSUPPORTED',
} as const;

/** @public */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The codes that mean "the key is the problem" (none was found, or the server did not accept the
 * one sent): the errors {@link isAuthError} matches, and the only ones the CLI exits 4 for. A CSRF
 * failure is not one: the key was accepted, a proxy lost the token.
 * @public
 */
export const AUTH_ERROR_CODES = Object.freeze([ErrorCodes.NO_CREDENTIALS, ErrorCodes.API_KEY_REJECTED] as const);

/** One of {@link AUTH_ERROR_CODES}. @public */
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/** What every message starts with, so that a log line shows where it came from. */
export const MESSAGE_PREFIX = '[lk-sdk] ';

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

/**
 * Base class of every SDK error. `message` is {@link MESSAGE_PREFIX} followed by `detail`, for
 * plain logging; programs that show the text to people read `detail` (or `summary`), and the
 * facts it is made of from the subclasses' fields, never by parsing `message`.
 * @public
 */
export class LabKeyError extends Error {
  override readonly name: string = 'LabKeyError';
  readonly code: ErrorCode;
  /** What happened and why, in words for people, without the `[lk-sdk]` prefix. May span lines (a trail). */
  readonly detail: string;
  readonly hint: string | undefined;
  readonly docsUrl: string;
  /**
   * The credential sources tried before this error stopped a {@link CredentialChain}, ending in the
   * step that failed; undefined when the error did not come out of a chain.
   */
  readonly trail: readonly ResolveStep[] | undefined;

  /** `detail` is the text without the prefix: the constructor adds it to `message`. */
  constructor(code: ErrorCode, detail: string, options: LabKeyErrorOptions = {}) {
    super(`${MESSAGE_PREFIX}${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = detail;
    this.hint = options.hint;
    this.docsUrl = `${DOCS_BASE_URL}#${code.toLowerCase()}`;
    this.trail = undefined;
  }

  /**
   * The first line of `detail` without a closing period: a clause to put inside another sentence
   * or a one-line report (a NoCredentialsError's trail, on the next lines, is left out).
   */
  get summary(): string {
    const end = this.detail.indexOf('\n');
    const line = end === -1 ? this.detail : this.detail.slice(0, end);
    return line.endsWith('.') ? line.slice(0, -1) : line;
  }

  /** A plain, secret-free object for `--json` output and logs (`detail` is `message` without the prefix, so not repeated). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    out.docsUrl = this.docsUrl;
    for (const [k, v] of Object.entries(this)) {
      if (!(k in out) && k !== 'cause' && k !== 'stack' && k !== 'detail' && v !== undefined) out[k] = v;
    }
    return out;
  }
}

/** Records on `error` the trail that led a credential chain to it (the chain's job only; the field is read-only to everyone else). */
export function recordTrail(error: LabKeyError, trail: readonly ResolveStep[]): void {
  (error as { trail: readonly ResolveStep[] | undefined }).trail = trail;
}

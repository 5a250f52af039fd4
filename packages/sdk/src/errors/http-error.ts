import { ErrorCodes, LabKeyError, type ErrorCode, type LabKeyErrorOptions, type RedactedRequest } from './labkey-error.js';

/** What every HTTP-level error carries besides code and hint. Nothing secret: the request is redacted. @public */
export interface HttpErrorOptions extends LabKeyErrorOptions {
  /** The HTTP status, when a response arrived. */
  status?: number;
  request?: RedactedRequest;
  /** The server's `exception` text, when its body had one. */
  serverException?: string;
  /** The server's `exceptionClass` (Java class name), when its body had one. */
  exceptionClass?: string;
  /** What went wrong, when the detail starts with the request it happened to (see {@link HttpError.problem}). */
  problem?: string;
}

/**
 * A response the SDK could not use, and the base of every error that comes from talking to the
 * server. `status` is undefined when no response arrived (network failure, timeout).
 * @public
 */
export class HttpError extends LabKeyError {
  override readonly name: string = 'HttpError';
  readonly status: number | undefined;
  readonly request: RedactedRequest | undefined;
  readonly serverException: string | undefined;
  readonly exceptionClass: string | undefined;
  /**
   * What went wrong, as a clause without the request it happened to and without a closing period
   * (e.g. `connection refused (nothing listens at that host and port)`), for a caller that names
   * the request itself; the detail when the detail does not start with the request.
   */
  readonly problem: string;

  constructor(detail: string, options: HttpErrorOptions = {}, code: ErrorCode = ErrorCodes.HTTP) {
    super(code, detail, options);
    this.problem = options.problem ?? detail;
    this.status = options.status;
    this.request = options.request;
    this.serverException = options.serverException;
    this.exceptionClass = options.exceptionClass;
  }
}

/**
 * 403: signed in, but this user may not do that here. `keyRole` is the role class the key that was
 * sent is restricted to (LabKey 26.7), when lk knows it: then the key, not the user, lacks the
 * permission. @public
 */
export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  readonly keyRole: string | undefined;
  constructor(message: string, options: HttpErrorOptions & { keyRole?: string | undefined } = {}) {
    super(message, options, ErrorCodes.FORBIDDEN);
    this.keyRole = options.keyRole;
  }
}

/** 401 with LabKey's CSRF message, still failing after one refresh of the token. @public */
export class CsrfError extends HttpError {
  override readonly name = 'CsrfError';
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, options, ErrorCodes.CSRF);
  }
}

/** What a {@link NotFoundError} carries besides the HTTP facts. @public */
export interface NotFoundErrorOptions extends HttpErrorOptions {
  what?: NotFoundError['what'];
  missing?: string;
  suggestions?: readonly string[];
}

/**
 * A 404 from LabKey: the container, schema, query, view or action does not exist (or is not
 * visible to this user). @public
 */
export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError';
  /** What was not found, as far as the server's message (or the request) tells. */
  readonly what: 'container' | 'schema' | 'query' | 'view' | 'action' | 'resource';
  /** The name that was not found (`Peple`, `query-selctRows`), when the SDK knows it. */
  readonly missing: string | undefined;
  /** The closest names the server has (or, for an action, that LabKey has), best first; undefined when none was looked up. */
  readonly suggestions: readonly string[] | undefined;
  constructor(message: string, options: NotFoundErrorOptions = {}) {
    super(message, options, ErrorCodes.NOT_FOUND);
    this.what = options.what ?? 'resource';
    this.missing = options.missing;
    this.suggestions = options.suggestions ? Object.freeze([...options.suggestions]) : undefined;
  }
}

/** An HTML 404 or an HTML login page where a LabKey API answer was expected: the base URL is wrong. @public */
export class WrongContextPathError extends HttpError {
  override readonly name = 'WrongContextPathError';
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, options, ErrorCodes.WRONG_CONTEXT_PATH);
  }
}

/** 405: the action does not accept this method (mutating actions are POST only). @public */
export class MethodNotAllowedError extends HttpError {
  override readonly name = 'MethodNotAllowedError';
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, options, ErrorCodes.METHOD_NOT_ALLOWED);
  }
}

/** One entry of a LabKey validation response (field errors are flattened into this list). @public */
export interface ValidationIssue {
  message: string;
  field?: string;
  id?: string;
  rowNumber?: number;
}

/** 400 with an `errors` list (bad rows, bad form values). @public */
export class ValidationError extends HttpError {
  override readonly name = 'ValidationError';
  readonly errors: ValidationIssue[];
  constructor(message: string, options: HttpErrorOptions & { errors?: ValidationIssue[] } = {}) {
    super(message, options, ErrorCodes.VALIDATION);
    this.errors = options.errors ?? [];
  }
}

/** 5xx, usually with the server's `exceptionClass` (e.g. a SQL parse error is a 500 QueryParseException). @public */
export class ServerError extends HttpError {
  override readonly name = 'ServerError';
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, options, ErrorCodes.SERVER_ERROR);
  }
}

/** A body that is not the JSON expected: HTML, plain text, cut off mid-way. @public */
export class BadResponseError extends HttpError {
  override readonly name: string = 'BadResponseError';
  /** The response's content type, if any. */
  readonly contentType: string | undefined;
  constructor(message: string, options: HttpErrorOptions & { contentType?: string } = {}) {
    super(message, options, ErrorCodes.BAD_RESPONSE);
    this.contentType = options.contentType;
  }
}

/**
 * The response body was longer than the client's `maxResponseBytes`: reading stopped there (the
 * rest was never held in memory). Code `LK_BAD_RESPONSE`.
 * @public
 */
export class ResponseTooLargeError extends BadResponseError {
  override readonly name: string = 'ResponseTooLargeError';
  /** The cap that was reached, in bytes. */
  readonly limitBytes: number;
  constructor(message: string, options: HttpErrorOptions & { contentType?: string; limitBytes: number }) {
    super(message, options);
    this.limitBytes = options.limitBytes;
  }
}

/** The server could not be reached, or the connection broke before a response arrived. @public */
export class NetworkError extends HttpError {
  override readonly name = 'NetworkError';
  /** The system or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly errno: string | undefined;
  /** The server spoke TLS but its certificate is not trusted here (self-signed, unknown CA, expired, another name): `errno` says which. */
  readonly untrustedCertificate: boolean;
  /**
   * The URL says http:// but its port speaks TLS (e.g. `http://host:8443`): the server closed the
   * plain-HTTP request or answered it with TLS bytes, and a TLS handshake to that port succeeds.
   */
  readonly httpToTlsPort: boolean;
  constructor(message: string, options: HttpErrorOptions & { errno?: string; untrustedCertificate?: boolean; httpToTlsPort?: boolean } = {}) {
    super(message, options, ErrorCodes.NETWORK);
    this.errno = options.errno;
    this.untrustedCertificate = options.untrustedCertificate === true;
    this.httpToTlsPort = options.httpToTlsPort === true;
  }
}

/** A connect, headers or body timeout expired. @public */
export class TimeoutError extends HttpError {
  override readonly name = 'TimeoutError';
  /** `total`: the whole request (redirects and retries included) took longer than `timeouts.total`. */
  readonly phase: 'connect' | 'headers' | 'body' | 'total';
  readonly timeoutMs: number | undefined;
  constructor(message: string, options: HttpErrorOptions & { phase: TimeoutError['phase']; timeoutMs?: number }) {
    super(message, options, ErrorCodes.TIMEOUT);
    this.phase = options.phase;
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's AbortSignal fired. @public */
export class AbortedError extends HttpError {
  override readonly name = 'AbortedError';
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, options, ErrorCodes.ABORTED);
  }
}

/** More than the allowed number of redirects (5). @public */
export class TooManyRedirectsError extends HttpError {
  override readonly name = 'TooManyRedirectsError';
  readonly redirects: number;
  constructor(message: string, options: HttpErrorOptions & { redirects: number }) {
    super(message, options, ErrorCodes.TOO_MANY_REDIRECTS);
    this.redirects = options.redirects;
  }
}

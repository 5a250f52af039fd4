// The errors of the real server and the bodies it writes for them. LabKey answers in two shapes:
// an exception thrown by an action (`{exception, exceptionClass, stackTrace, success:false}`) and
// a failure raised before the action runs (`{success:false, exception}`).

export const MSG_BAD_CREDENTIALS = 'The email address and password you entered did not match any accounts on file.';
export const MSG_LOGIN_REQUIRED = 'You must log in to view this content.';
export const MSG_NO_PERMISSION = 'User does not have permission to perform this operation.';
export const MSG_CSRF =
  "This request has an invalid security context. You may have signed in or signed out of this session. Try again by using the 'back' and 'refresh' button in your browser.";

export const NOT_FOUND_EXCEPTION = 'org.labkey.api.view.NotFoundException';
export const UNAUTHORIZED_EXCEPTION = 'org.labkey.api.view.UnauthorizedException';
export const API_USAGE_EXCEPTION = 'org.labkey.api.action.ApiUsageException';
export const ILLEGAL_ARGUMENT_EXCEPTION = 'java.lang.IllegalArgumentException';
export const RUNTIME_EXCEPTION = 'java.lang.RuntimeException';
export const ILLEGAL_STATE_EXCEPTION = 'java.lang.IllegalStateException';

/** The exception class LabKey reports for a status when the thrower names none. */
function defaultClass(status: number): string {
  if (status === 404) return NOT_FOUND_EXCEPTION;
  if (status === 401 || status === 403) return UNAUTHORIZED_EXCEPTION;
  if (status === 400) return API_USAGE_EXCEPTION;
  return ILLEGAL_ARGUMENT_EXCEPTION;
}

/**
 * An exception thrown by an action, with its status (404 for not-found, 401/403 for permission,
 * 400 for usage errors, 500 for everything else). `toBody()` gives LabKey's
 * `{exception, exceptionClass, stackTrace, success:false}`; `stackTrace` is a fake but plausible
 * Java trace.
 */
export class ActionError extends Error {
  readonly status: number;
  readonly exceptionClass: string;

  constructor(status: number, message: string, exceptionClass?: string) {
    super(message);
    this.name = 'ActionError';
    this.status = status;
    this.exceptionClass = exceptionClass ?? defaultClass(status);
  }

  /** The JSON body LabKey writes for this exception. */
  toBody(): Record<string, unknown> {
    return {
      exception: this.message,
      exceptionClass: this.exceptionClass,
      stackTrace: [`${this.exceptionClass}: ${this.message}`, '\tat org.labkey.mock.MockServer.handleAction(MockServer.java:1)'],
      success: false,
    };
  }
}

/**
 * A failure raised outside the action (auth filter, permission check, CSRF, method, body size):
 * written as `{success:false, exception}` only, with its own headers (e.g. WWW-Authenticate).
 */
export class FilterError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** The body of a {@link FilterError} and of the router's own 401s and 404s. */
export function filterErrorBody(message: string): Record<string, unknown> {
  return { success: false, exception: message };
}

/** What the server sends for a thrown error. */
export interface ErrorResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Turn anything thrown while handling a request into the status and body LabKey would send.
 * Errors thrown by a virtual table's own code (see VirtualTable.deleteRows) need not be
 * ActionErrors: one with an HTTP error `status` keeps it, with its `toBody()` or its
 * `exceptionClass`. Anything else is a 500 RuntimeException.
 */
export function errorResult(e: unknown): ErrorResult {
  if (e instanceof FilterError) return { status: e.status, body: filterErrorBody(e.message), headers: e.headers };
  if (e instanceof ActionError) return { status: e.status, body: e.toBody() };
  const like = e as { status?: unknown; toBody?: unknown; message?: unknown; exceptionClass?: unknown } | null;
  if (like && typeof like === 'object' && typeof like.status === 'number' && like.status >= 400 && like.status < 600) {
    if (typeof like.toBody === 'function') return { status: like.status, body: (like.toBody as () => unknown).call(e) };
    const err = new ActionError(like.status, String(like.message ?? ''), typeof like.exceptionClass === 'string' ? like.exceptionClass : undefined);
    return { status: err.status, body: err.toBody() };
  }
  const m = (e as { message?: unknown } | null)?.message;
  return { status: 500, body: new ActionError(500, typeof m === 'string' ? m : String(e), RUNTIME_EXCEPTION).toBody() };
}

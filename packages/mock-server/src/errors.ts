// Error shapes of the real server (labkey-protocol.md §2.6, §2.7).

export const MSG_BAD_CREDENTIALS = 'The email address and password you entered did not match any accounts on file.';
export const MSG_LOGIN_REQUIRED = 'You must log in to view this content.';
export const MSG_NO_PERMISSION = 'User does not have permission to perform this operation.';
export const MSG_CSRF =
  "This request has an invalid security context. You may have signed in or signed out of this session. Try again by using the 'back' and 'refresh' button in your browser.";

export const NOT_FOUND_EXCEPTION = 'org.labkey.api.view.NotFoundException';
export const API_USAGE_EXCEPTION = 'org.labkey.api.action.ApiUsageException';

/**
 * An exception thrown by an action: written as `{exception, exceptionClass, stackTrace, success:false}`
 * with its status (404 for not-found, 500 for most others).
 */
export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly exceptionClass: string = status === 404 ? NOT_FOUND_EXCEPTION : API_USAGE_EXCEPTION,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/**
 * A permission-style failure raised outside the action (auth filter, permission check, CSRF,
 * method): written as `{success:false, exception}` only.
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

/** The body of an action-thrown exception. `stackTrace` is a fake but plausible Java trace. */
export function actionErrorBody(message: string, exceptionClass: string): Record<string, unknown> {
  return {
    exception: message,
    exceptionClass,
    stackTrace: [`${exceptionClass}: ${message}`, '\tat org.labkey.mock.MockServer.handleAction(MockServer.java:1)'],
    success: false,
  };
}

export function filterErrorBody(message: string): Record<string, unknown> {
  return { success: false, exception: message };
}

/** Duck-typed: errors from the query engine carry `status` and `exceptionClass` like ActionError. */
export function isActionErrorLike(e: unknown): e is { status: number; message: string; exceptionClass?: string; body?: unknown } {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { status?: unknown }).status === 'number' &&
    typeof (e as { message?: unknown }).message === 'string' &&
    (e as { name?: unknown }).name !== 'FilterError'
  );
}

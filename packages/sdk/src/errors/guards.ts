/**
 * Type guards that match on `code`, never on `instanceof`: two copies of this package (pnpm, a
 * bundled CLI) make `instanceof` lie. A plain object with a known `code` and `message` passes too.
 */
import { AUTH_ERROR_CODES, ErrorCodes, type ErrorCode, type LabKeyError } from './labkey-error.js';
import type { NoCredentialsError, CredentialStoreError } from './credential-errors.js';
import type { ApiKeyRejectedError } from './api-key-rejected-error.js';
import type * as Http from './http-error.js';

const known = new Set<string>(Object.values(ErrorCodes));

/** True for any error thrown by this SDK (any copy of it). @public */
export function isLabKeyError(e: unknown): e is LabKeyError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    known.has((e as { code: string }).code) &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

function is<T>(code: ErrorCode) {
  return (e: unknown): e is T => isLabKeyError(e) && e.code === code;
}

const httpCodes = new Set<string>([
  ErrorCodes.HTTP,
  ErrorCodes.API_KEY_REJECTED,
  ErrorCodes.FORBIDDEN,
  ErrorCodes.CSRF,
  ErrorCodes.NOT_FOUND,
  ErrorCodes.WRONG_CONTEXT_PATH,
  ErrorCodes.METHOD_NOT_ALLOWED,
  ErrorCodes.VALIDATION,
  ErrorCodes.SERVER_ERROR,
  ErrorCodes.BAD_RESPONSE,
  ErrorCodes.NETWORK,
  ErrorCodes.TIMEOUT,
  ErrorCodes.ABORTED,
  ErrorCodes.TOO_MANY_REDIRECTS,
]);

/** True for every error that came from talking to the server (all the classes below). @public */
export function isHttpError(e: unknown): e is Http.HttpError {
  return isLabKeyError(e) && httpCodes.has(e.code);
}

/** @public */ export const isNoCredentialsError = is<NoCredentialsError>(ErrorCodes.NO_CREDENTIALS);
/** @public */ export const isCredentialStoreError = is<CredentialStoreError>(ErrorCodes.CREDENTIAL_STORE);
/** @public */ export const isApiKeyRejectedError = is<ApiKeyRejectedError>(ErrorCodes.API_KEY_REJECTED);
/** @public */ export const isForbiddenError = is<Http.ForbiddenError>(ErrorCodes.FORBIDDEN);
/** @public */ export const isCsrfError = is<Http.CsrfError>(ErrorCodes.CSRF);
/** @public */ export const isNotFoundError = is<Http.NotFoundError>(ErrorCodes.NOT_FOUND);
/** @public */ export const isWrongContextPathError = is<Http.WrongContextPathError>(ErrorCodes.WRONG_CONTEXT_PATH);
/** @public */ export const isMethodNotAllowedError = is<Http.MethodNotAllowedError>(ErrorCodes.METHOD_NOT_ALLOWED);
/** @public */ export const isValidationError = is<Http.ValidationError>(ErrorCodes.VALIDATION);
/** @public */ export const isServerError = is<Http.ServerError>(ErrorCodes.SERVER_ERROR);
/** @public */ export const isBadResponseError = is<Http.BadResponseError>(ErrorCodes.BAD_RESPONSE);
/** @public */ export const isNetworkError = is<Http.NetworkError>(ErrorCodes.NETWORK);
/** @public */ export const isTimeoutError = is<Http.TimeoutError>(ErrorCodes.TIMEOUT);
/** @public */ export const isAbortedError = is<Http.AbortedError>(ErrorCodes.ABORTED);
/** @public */ export const isTooManyRedirectsError = is<Http.TooManyRedirectsError>(ErrorCodes.TOO_MANY_REDIRECTS);

/** Errors that mean "the key is the problem" (their code is in {@link AUTH_ERROR_CODES}): the CLI exits 4 for these. @public */
export function isAuthError(e: unknown): e is NoCredentialsError | ApiKeyRejectedError {
  return isLabKeyError(e) && (AUTH_ERROR_CODES as readonly string[]).includes(e.code);
}

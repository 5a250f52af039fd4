// The mock's CSRF rule, LabKey's double-submit cookie: the server sets a random token in the
// `X-LABKEY-CSRF` cookie, and a non-GET request to a checked action must send the same value back
// in the `X-LABKEY-CSRF` header or form field.
import type { IncomingMessage } from 'node:http';
import { wwwAuthenticate } from './challenge.js';
import { HEX64, newHex64 } from './crypto-util.js';
import { FilterError, MSG_CSRF } from './errors.js';
import { firstHeader, isBrowserLike } from './http-util.js';

export const CSRF_COOKIE = 'X-LABKEY-CSRF';
export const CSRF_HEADER = 'x-labkey-csrf';

/**
 * The token a request is checked against: its cookie when that is a 64-hex value, otherwise a
 * fresh one, returned with the `Set-Cookie` value that issues it. A request outside the context
 * path (a browser's automatic /favicon.ico) never carries the cookie, which is scoped to the
 * context path: issuing one there would overwrite the token the browser already holds and break
 * the next form post on an open page, so none is issued there.
 */
export function csrfTokenFor(
  cookies: Map<string, string>,
  pathname: string,
  contextPath: string,
): { token: string; setCookie: string | undefined } {
  const held = cookies.get(CSRF_COOKIE);
  if (held && HEX64.test(held)) return { token: held, setCookie: undefined };
  const token = newHex64();
  const insideContext = contextPath === '' || pathname === contextPath || pathname.startsWith(contextPath + '/');
  const setCookie = insideContext ? `${CSRF_COOKIE}=${token}; Path=${contextPath === '' ? '/' : contextPath}; SameSite=Lax` : undefined;
  return { token, setCookie };
}

/** Whether the request sends `token` back, in the header or else as a form/query parameter. */
export function presentsCsrfToken(req: IncomingMessage, params: URLSearchParams, token: string): boolean {
  const presented = firstHeader(req, CSRF_HEADER) ?? params.get(CSRF_COOKIE) ?? undefined;
  return presented !== undefined && presented === token;
}

/** The 401 for a missing or wrong token; a guest's non-browser client also gets the Basic challenge. */
export function csrfRejection(req: IncomingMessage, signedIn: boolean, realm: string): FilterError {
  const extra: Record<string, string> = {};
  if (!signedIn && !isBrowserLike(req) && !firstHeader(req, 'x-onunauthorized')) extra['WWW-Authenticate'] = wwwAuthenticate(realm);
  return new FilterError(401, MSG_CSRF, extra);
}

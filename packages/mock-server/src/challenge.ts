// How the server answers a guest who may not do something: browsers get a plain 401 (LabKey's
// pages then send them to sign in), other clients a 401 with a Basic challenge naming the realm.
import type { IncomingMessage } from 'node:http';
import { FilterError, MSG_LOGIN_REQUIRED, MSG_NO_PERMISSION } from './errors.js';
import { firstHeader, isBrowserLike } from './http-util.js';

/** The `WWW-Authenticate` value for `realm` (quotes and backslashes dropped). */
export function wwwAuthenticate(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '')}"`;
}

/** 401 for a guest without permission; GET and HEAD say that a login is required. */
export function guestUnauthorized(req: IncomingMessage, method: string, realm: string): FilterError {
  // A browser, or a client that sent X-ONUNAUTHORIZED, handles the 401 itself: no challenge.
  if (isBrowserLike(req) || firstHeader(req, 'x-onunauthorized') !== undefined) return new FilterError(401, MSG_NO_PERMISSION);
  const msg = method === 'GET' || method === 'HEAD' ? MSG_LOGIN_REQUIRED : MSG_NO_PERMISSION;
  return new FilterError(401, msg, { 'WWW-Authenticate': wwwAuthenticate(realm) });
}

import type { IncomingMessage } from 'node:http';
import { cryptOf, fingerprintOf } from './crypto-util.js';
import type { UserRecord } from './records.js';
import type { Session, StateStore } from './state.js';
import type { RequestLogEntry } from './types.js';

export const SESSION_COOKIE = 'JSESSIONID';

/** Who a request runs as. */
export interface Principal {
  /** The effective user; null for guest. */
  user: UserRecord | null;
  /** The user who signed in (the admin while impersonating). */
  realUser: UserRecord | null;
  impersonated: boolean;
  /** The HTTP session the request runs in (cookie or session key), if any. */
  session: Session | null;
}

export type AuthForm = RequestLogEntry['authForm'];

export type AuthOutcome =
  | { ok: true; principal: Principal; authForm: AuthForm; fingerprint?: string }
  | { ok: false; authForm: AuthForm; fingerprint?: string };

type Credential =
  | { kind: 'key'; key: string; form: 'basic-apikey' | 'apikey-header' | 'bearer' }
  | { kind: 'password'; email: string; password: string; form: 'basic-password' }
  | { kind: 'malformed'; form: 'basic-password' };

export const GUEST: Principal = Object.freeze({ user: null, realUser: null, impersonated: false, session: null }) as Principal;

/**
 * Read the request's credential in the server's order: `Authorization: Basic` first (user
 * `apikey` means the password is a key), then the `apikey` header, then, only when enabled,
 * `Authorization: Bearer`. When a Basic header is present the `apikey` header is ignored.
 */
function readCredential(req: IncomingMessage, bearer: boolean): Credential | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^basic\s/i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'malformed', form: 'basic-password' };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (user === 'apikey') return { kind: 'key', key: password, form: 'basic-apikey' };
    return { kind: 'password', email: user, password, form: 'basic-password' };
  }
  const header = req.headers.apikey;
  const apikey = Array.isArray(header) ? header[0] : header;
  if (typeof apikey === 'string' && apikey.length > 0) return { kind: 'key', key: apikey, form: 'apikey-header' };
  if (bearer && typeof auth === 'string' && /^bearer\s/i.test(auth)) {
    const token = auth.slice(7).trim();
    if (token) return { kind: 'key', key: token, form: 'bearer' };
  }
  return undefined;
}

export function principalFromSession(state: StateStore, session: Session): Principal {
  const realUser = state.userById(session.userId) ?? null;
  const imp = session.impersonatedUserId !== null ? state.userById(session.impersonatedUserId) ?? null : null;
  if (!realUser) return { ...GUEST, session };
  return { user: imp ?? realUser, realUser, impersonated: imp !== null, session };
}

/**
 * Decide who the request runs as (SecurityManager.attemptAuthentication):
 * 1. read the credential (Basic, then `apikey`, then Bearer when enabled);
 * 2. a live session key switches the request into its session;
 * 3. otherwise a user already in the HTTP session (JSESSIONID) wins;
 * 4. otherwise the credential is checked, and failure is `ok: false` (the caller answers 401,
 *    or treats the request as guest in legacy mode);
 * 5. no credential at all: guest.
 */
export function authenticate(req: IncomingMessage, cookies: Map<string, string>, state: StateStore, opts: { bearer: boolean }): AuthOutcome {
  const cred = readCredential(req, opts.bearer);
  // A key is hashed once: the hash finds it, and its first 8 hex are the log fingerprint.
  const crypt = cred?.kind === 'key' ? cryptOf(cred.key) : undefined;
  const fingerprint =
    cred === undefined ? undefined : crypt !== undefined ? crypt.slice(7, 15) : fingerprintOf(cred.kind === 'password' ? cred.password : '');

  if (cred?.kind === 'key') {
    const s = state.lookupSessionKey(cred.key, crypt);
    if (s) return { ok: true, principal: principalFromSession(state, s), authForm: cred.form, fingerprint };
  }

  const sid = cookies.get(SESSION_COOKIE);
  if (sid) {
    const s = state.getSession(sid);
    if (s) {
      const p = principalFromSession(state, s);
      if (p.user) return { ok: true, principal: p, authForm: 'session-cookie', ...(fingerprint ? { fingerprint } : {}) };
    }
  }

  if (!cred) return { ok: true, principal: GUEST, authForm: 'none' };
  switch (cred.kind) {
    case 'malformed':
      return { ok: false, authForm: cred.form, fingerprint };
    case 'password': {
      if (cred.email.toLowerCase() === 'guest') return { ok: true, principal: GUEST, authForm: cred.form, fingerprint };
      const u = state.checkPassword(cred.email, cred.password);
      if (!u) return { ok: false, authForm: cred.form, fingerprint };
      return { ok: true, principal: { user: u, realUser: u, impersonated: false, session: null }, authForm: cred.form, fingerprint };
    }
    case 'key': {
      const k = state.lookupApiKey(cred.key, crypt);
      if (!k) return { ok: false, authForm: cred.form, fingerprint };
      return { ok: true, principal: { user: k.user, realUser: k.user, impersonated: false, session: null }, authForm: cred.form, fingerprint };
    }
  }
}

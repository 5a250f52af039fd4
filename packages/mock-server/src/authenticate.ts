import type { IncomingMessage } from 'node:http';
import { cryptOf, fingerprintOf } from './crypto-util.js';
import { MSG_DEACTIVATED, MSG_SECONDARY_AUTH, type Generation } from './generations.js';
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
  /** The role class a 26.7 key restricts the request to, or null (the user's own permissions). */
  role: string | null;
}

export type AuthForm = RequestLogEntry['authForm'];

/**
 * `login` is set when the credential itself signed the user in (Basic or an API key): the server
 * then starts a session for it (JSESSIONID), as LabKey does. `message` is the 401 text of a failure.
 */
export type AuthOutcome =
  | { ok: true; principal: Principal; authForm: AuthForm; fingerprint?: string; login?: { crypt: string | undefined } }
  | { ok: false; authForm: AuthForm; fingerprint?: string; message: string };

type Credential =
  | { kind: 'key'; key: string; form: 'basic-apikey' | 'apikey-header' | 'bearer' }
  | { kind: 'password'; email: string; password: string; form: 'basic-password' }
  | { kind: 'malformed'; form: 'basic-password' };

export const GUEST: Principal = Object.freeze({ user: null, realUser: null, impersonated: false, session: null, role: null }) as Principal;

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
  if (!realUser || !realUser.active) return { ...GUEST, session };
  return { user: imp ?? realUser, realUser, impersonated: imp !== null, session, role: session.role ?? null };
}

/**
 * Decide who the request runs as (SecurityManager.attemptAuthentication):
 * 1. read the credential (Basic, then `apikey`, then Bearer when enabled);
 * 2. a live session key switches the request into its session;
 * 3. otherwise a user already in the HTTP session (JSESSIONID) wins;
 * 4. otherwise the credential is checked, and failure is `ok: false` with the generation's 401
 *    text (the caller answers 401, or runs the request as guest before 24.8);
 * 5. no credential at all: guest.
 */
export function authenticate(req: IncomingMessage, cookies: Map<string, string>, state: StateStore, gen: Generation): AuthOutcome {
  const cred = readCredential(req, gen.bearer);
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
      return { ok: false, authForm: cred.form, fingerprint, message: gen.badPasswordMessage };
    case 'password': {
      if (cred.email.toLowerCase() === 'guest') return { ok: true, principal: GUEST, authForm: cred.form, fingerprint };
      const u = state.checkPassword(cred.email, cred.password);
      if (!u) return { ok: false, authForm: cred.form, fingerprint, message: gen.badPasswordMessage };
      if (!u.active) return { ok: false, authForm: cred.form, fingerprint, message: MSG_DEACTIVATED };
      // API keys are exempt from secondary authentication; a password is not.
      if (state.settings.secondaryAuth) return { ok: false, authForm: cred.form, fingerprint, message: MSG_SECONDARY_AUTH };
      return { ok: true, principal: { user: u, realUser: u, impersonated: false, session: null, role: null }, authForm: cred.form, fingerprint, login: { crypt: undefined } };
    }
    case 'key': {
      const k = state.lookupApiKey(cred.key, crypt);
      if (!k) return { ok: false, authForm: cred.form, fingerprint, message: gen.badKeyMessage };
      if (!k.user.active) return { ok: false, authForm: cred.form, fingerprint, message: MSG_DEACTIVATED };
      return {
        ok: true,
        principal: { user: k.user, realUser: k.user, impersonated: false, session: null, role: k.key.role },
        authForm: cred.form,
        fingerprint,
        login: { crypt: k.key.crypt },
      };
    }
  }
}

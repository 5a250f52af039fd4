import { principalFromSession, SESSION_COOKIE } from '../authenticate.js';
import type { UserRecord } from '../records.js';
import type { ActionContext } from '../route.js';
import type { Session } from '../state.js';

function cookiePath(ctx: ActionContext): string {
  return ctx.services.contextPath === '' ? '/' : ctx.services.contextPath;
}

export function setSessionCookie(ctx: ActionContext, s: Session): void {
  ctx.setCookie(`${SESSION_COOKIE}=${s.id}; Path=${cookiePath(ctx)}; HttpOnly; SameSite=Lax`);
}

export function clearSessionCookie(ctx: ActionContext): void {
  ctx.setCookie(`${SESSION_COOKIE}=; Path=${cookiePath(ctx)}; Max-Age=0; HttpOnly; SameSite=Lax`);
}

/** Sign `user` in: a fresh session id every time (no session fixation; an earlier session ends), its cookie, and the request's principal. */
export function signIn(ctx: ActionContext, user: UserRecord): void {
  if (ctx.principal.session) ctx.services.state.invalidateSession(ctx.principal.session.id);
  const s = ctx.services.state.createSession(user.id);
  setSessionCookie(ctx, s);
  ctx.principal = principalFromSession(ctx.services.state, s);
}

/** The request's session, creating one (and its cookie) for the signed-in user when there is none. */
export function ensureSession(ctx: ActionContext): Session {
  const p = ctx.principal;
  if (p.session) return p.session;
  if (!p.realUser) throw new Error('ensureSession needs a signed-in user');
  const s = ctx.services.state.createSession(p.realUser.id);
  setSessionCookie(ctx, s);
  ctx.principal = { ...p, session: s };
  return s;
}

import { SESSION_COOKIE } from '../authenticate.js';
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

// Controller `login`: whoAmI, loginAPI, logoutAPI, stopImpersonating (LoginController.java).
import { principalFromSession } from '../authenticate.js';
import { ActionError, API_USAGE_EXCEPTION, MSG_BAD_CREDENTIALS } from '../errors.js';
import type { ActionContext, RouteDef } from '../route.js';
import { clearSessionCookie, signIn } from './session-cookie.js';

export const whoAmI: RouteDef = {
  name: 'login-whoAmI',
  postOnly: false,
  csrf: false,
  permission: 'none',
  handler(ctx) {
    const u = ctx.principal.user;
    return {
      body: {
        id: u?.id ?? 0,
        displayName: u?.displayName ?? 'guest',
        email: u?.email ?? 'guest',
        CSRF: ctx.csrfToken,
        impersonated: ctx.principal.impersonated,
        success: true,
      },
    };
  },
};

/**
 * POST `email`, `password` → a new session (JSESSIONID). CSRF-exempt, as login pages have no
 * session yet. A wrong password answers 400 in the form-errors shape.
 */
export const loginApi: RouteDef = {
  name: 'login-loginAPI',
  postOnly: true,
  csrf: false,
  permission: 'none',
  handler(ctx) {
    const email = ctx.param('email') ?? '';
    const password = ctx.param('password') ?? '';
    if (!email || !password) {
      const msg = !email ? 'Please sign in using your email address.' : 'Password may not be blank.';
      return { status: 400, body: { success: false, exception: msg, errors: [{ id: 'form', msg, field: !email ? 'email' : 'password', message: msg, severity: 'ERROR' }] } };
    }
    const user = ctx.services.state.checkPassword(email, password);
    if (!user) {
      return { status: 400, body: { success: false, exception: MSG_BAD_CREDENTIALS, errors: [{ id: 'form', msg: MSG_BAD_CREDENTIALS, message: MSG_BAD_CREDENTIALS, severity: 'ERROR' }] } };
    }
    signIn(ctx, user);
    const base = ctx.services.contextPath;
    return {
      body: {
        success: true,
        returnUrl: `${base}/home/project-begin.view`,
        user: { id: user.id, email: user.email, displayName: user.displayName },
      },
    };
  },
};

function logoutHandler(ctx: ActionContext) {
  const s = ctx.principal.session;
  if (s) ctx.services.state.invalidateSession(s.id); // session keys die with the session
  clearSessionCookie(ctx);
  ctx.principal = { user: null, realUser: null, impersonated: false, session: null, role: null };
  return { body: { success: true } };
}

/** Ends the HTTP session (and every session key bound to it). POST with CSRF. */
export const logoutApi: RouteDef = { name: 'login-logoutAPI', aliases: ['login-logout'], postOnly: true, csrf: true, permission: 'none', handler: logoutHandler };

export const stopImpersonating: RouteDef = {
  name: 'login-stopImpersonating',
  postOnly: true,
  csrf: true,
  permission: 'none',
  handler(ctx) {
    const s = ctx.principal.session;
    if (!s || s.impersonatedUserId === null) throw new ActionError(400, 'You are not impersonating anyone.', API_USAGE_EXCEPTION);
    s.impersonatedUserId = null;
    ctx.principal = principalFromSession(ctx.services.state, s);
    return { body: { success: true } };
  },
};

export const loginRoutes = [whoAmI, loginApi, logoutApi, stopImpersonating];

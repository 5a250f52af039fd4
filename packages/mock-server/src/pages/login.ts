// Sign in (login-login.view), sign out (login-logout.post), stop impersonating, and a small start
// page (project-begin.view, where the real server sends people after sign-in).
import { MSG_BAD_CREDENTIALS } from '../errors.js';
import type { ActionContext } from '../route.js';
import { logoutApi, stopImpersonating } from '../routes/login.js';
import { signIn } from '../routes/session-cookie.js';
import { actionUrl, csrfField, esc, frame, rootUrl, safeReturnUrl } from './html.js';
import { definePage } from './page-route.js';

function defaultLanding(ctx: ActionContext): string {
  return actionUrl(ctx, '/home', 'project-begin.view');
}

function renderLogin(ctx: ActionContext, o: { email?: string; error?: string; returnUrl?: string; notice?: string }) {
  const returnUrl = o.returnUrl ?? '';
  const error = o.error
    ? `<div class="alert alert-error" role="alert" id="login-error">${esc(o.error)}</div>`
    : '';
  const notice = o.notice ? `<div class="alert alert-info" role="status">${esc(o.notice)}</div>` : '';
  const already = ctx.principal.user
    ? `<p class="muted">You are signed in as ${esc(ctx.principal.user.email)}. Signing in again replaces that session.</p>`
    : '';
  const body = `<div class="card narrow">
<h1>Sign In</h1>
${notice}${error}${already}
<form method="post" action="${esc(rootUrl(ctx, 'login-login.post'))}" class="stack"${o.error ? ' aria-describedby="login-error"' : ''}>
${csrfField(ctx)}
<input type="hidden" name="returnUrl" value="${esc(returnUrl)}">
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${esc(o.email ?? '')}"${o.email ? '' : ' autofocus'}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${o.email ? ' autofocus' : ''}>
</div>
<div class="buttons"><button type="submit" class="primary">Sign In</button></div>
</form>
<p class="muted small">This is the mock server: the seeded accounts are listed in the README and printed by <code>lk-mock-server</code> at start.</p>
</div>`;
  return frame(ctx, { title: 'Sign In', body, bare: true });
}

/** GET: the form. POST (CSRF-checked): email + password → a fresh session, then returnUrl. */
export const loginPage = definePage({
  name: 'login-login',
  permission: 'none',
  methods: ['GET', 'POST'],
  handler(ctx) {
    const contextPath = ctx.services.contextPath;
    const returnUrl = safeReturnUrl(ctx.params.get('returnUrl'), contextPath);
    if (ctx.method !== 'POST') {
      const notice = ctx.params.get('signedOut') === '1' ? 'You have signed out.' : undefined;
      return renderLogin(ctx, { ...(returnUrl ? { returnUrl } : {}), ...(notice ? { notice } : {}) });
    }
    const email = (ctx.params.get('email') ?? '').trim();
    const password = ctx.params.get('password') ?? '';
    if (!email || !password) {
      return renderLogin(ctx, { email, error: !email ? 'Please sign in using your email address.' : 'Password may not be blank.', ...(returnUrl ? { returnUrl } : {}) });
    }
    const user = ctx.services.state.checkPassword(email, password);
    if (!user) return renderLogin(ctx, { email, error: MSG_BAD_CREDENTIALS, ...(returnUrl ? { returnUrl } : {}) });
    signIn(ctx, user);
    return { redirect: returnUrl ?? defaultLanding(ctx) };
  },
});

/** GET: a confirmation button (signing out changes state, so it is a POST). POST: end the session. */
export const logoutPage = definePage({
  name: 'login-logout',
  permission: 'none',
  methods: ['GET', 'POST'],
  async handler(ctx) {
    if (ctx.method !== 'POST') {
      const body = `<div class="card narrow"><h1>Sign Out</h1>
${ctx.principal.user ? `<p>You are signed in as ${esc(ctx.principal.user.email)}.</p>` : '<p>You are not signed in.</p>'}
<form method="post" action="${esc(rootUrl(ctx, 'login-logout.post'))}">${csrfField(ctx)}<div class="buttons"><button type="submit" class="primary">Sign Out</button></div></form></div>`;
      return frame(ctx, { title: 'Sign Out', body, bare: true });
    }
    await logoutApi.handler(ctx); // ends the session and its session keys, clears the cookie
    return { redirect: rootUrl(ctx, 'login-login.view', { signedOut: '1' }) };
  },
});

/** POST (CSRF-checked): back to the admin's own identity, then to returnUrl. */
export const stopImpersonatingPage = definePage({
  name: 'login-stopImpersonating',
  permission: 'login',
  methods: ['POST'],
  async handler(ctx) {
    if (ctx.principal.impersonated) await stopImpersonating.handler(ctx);
    return { redirect: safeReturnUrl(ctx.params.get('returnUrl'), ctx.services.contextPath) ?? defaultLanding(ctx) };
  },
});

/** The start page of a folder: where the real server lands after sign-in. Links to the key pages. */
export const beginPage = definePage({
  name: 'project-begin',
  permission: 'login',
  handler(ctx) {
    const u = ctx.principal.user!;
    const items: Array<[string, string, string]> = [
      ['External Tool Access', rootUrl(ctx, 'security-externalToolsView.view'), 'Generate API keys for lk, scripts and other clients, and see or delete your keys.'],
    ];
    if (u.siteAdmin) {
      items.push(['Site Settings', rootUrl(ctx, 'admin-customizeSite.view'), 'Turn API keys and session keys on or off, and choose when new keys expire.']);
      items.push(['API Keys', rootUrl(ctx, 'query-executeQuery.view', { schemaName: 'core', 'query.queryName': 'APIKeys' }), "Every user's API keys; revoke any of them."]);
    }
    const body = `<h1>${esc(ctx.container.path === '/' ? 'Home' : ctx.container.path)}</h1>
<p>Welcome, ${esc(u.displayName)}. This mock LabKey Server has the pages you need to manage API keys.</p>
<ul class="cards">${items
      .map(([label, href, text]) => `<li class="card"><h2><a href="${esc(href)}">${esc(label)}</a></h2><p>${esc(text)}</p></li>`)
      .join('')}</ul>`;
    return frame(ctx, { title: 'Home', body, crumbs: [['Home']] });
  },
});

// How a page becomes a route. Pages differ from `.api` actions in one way: a guest
// in a browser is redirected to the sign-in page instead of getting a 401. Non-browser clients
// (curl, undici, the SDK) still get exactly the API answers: 401 with WWW-Authenticate for guests,
// 403 for signed-in users without permission.
import { FilterError, MSG_NO_PERMISSION } from '../errors.js';
import { isBrowserLike } from '../http-util.js';
import type { ActionContext, ActionResult, RouteDef } from '../route.js';
import { messagePage, rootUrl, safeReturnUrl, selfUrl } from './html.js';

export interface PageDef {
  /** `controller-action`, as on the real server. */
  name: string;
  /** Who may open the page: anyone, a signed-in user, or a site administrator. */
  permission: 'none' | 'login' | 'siteAdmin';
  /** Methods the page answers (default GET only); others get 405. */
  methods?: Array<'GET' | 'POST'>;
  handler(ctx: ActionContext): ActionResult | Promise<ActionResult>;
}

/** The sign-in URL that comes back to `returnUrl` afterwards. */
export function loginUrl(ctx: ActionContext, returnUrl: string | undefined): string {
  return rootUrl(ctx, 'login-login.view', returnUrl ? { returnUrl } : undefined);
}

/** A page URL without the one-time notice parameters (?generated=1, ?deleted=N, ?saved=1). */
function withoutNotices(url: string): string {
  const u = new URL(url, 'http://mock.invalid');
  for (const p of ['generated', 'deleted', 'saved']) u.searchParams.delete(p);
  return u.pathname + u.search;
}

export function definePage(def: PageDef): RouteDef {
  const methods = def.methods ?? ['GET'];
  return {
    name: def.name,
    postOnly: false,
    // Every POST to a page is checked by the router's double-submit cookie check (logged as csrf).
    csrf: true,
    // The permission check is the page's own (below), so that a browser guest can be redirected.
    permission: 'none',
    handler(ctx) {
      const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
      const browser = isBrowserLike(ctx.req);
      const user = ctx.principal.user;
      if (def.permission !== 'none' && !user) {
        if (!browser) throw ctx.services.guestUnauthorized(ctx.req, ctx.method);
        // After sign-in, come back here (a GET), or to where a POST wanted to go.
        const back = method === 'GET' ? withoutNotices(selfUrl(ctx)) : safeReturnUrl(ctx.params.get('returnUrl'), ctx.services.contextPath);
        return { redirect: loginUrl(ctx, back) };
      }
      if (def.permission === 'siteAdmin' && !user?.siteAdmin) {
        if (!browser) throw new FilterError(403, MSG_NO_PERMISSION);
        return messagePage(ctx, 403, 'Forbidden', `${MSG_NO_PERMISSION} This page is for site administrators.`);
      }
      if (!(methods as string[]).includes(method)) {
        if (!browser) throw new FilterError(405, `Method Not Allowed: ${ctx.method}`);
        return messagePage(ctx, 405, 'Method Not Allowed', `This page does not accept ${ctx.method} requests.`);
      }
      return def.handler(ctx);
    },
  };
}

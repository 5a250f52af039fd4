// Shared pieces of the mock server's web pages: escaping, URLs, the page frame (header, user menu,
// skip link), dates, and the stylesheet. Every value that reaches HTML goes through `esc`.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../http-util.js';
import type { ActionContext, ActionResult } from '../route.js';
import { PAGE_SCRIPT } from './script.js';
import { PAGE_STYLE } from './style.js';

export const esc = escapeHtml;

/** A container-relative action URL: `{ctx}{/container…}/{controller-action.ext}?params`. */
export function actionUrl(ctx: ActionContext, containerPath: string, action: string, params?: Record<string, string | number>): string {
  const base = ctx.services.contextPath;
  const folder = containerPath === '/' ? '' : containerPath.split('/').filter(Boolean).map((s) => '/' + encodeURIComponent(s)).join('');
  const q = params ? new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString() : '';
  return `${base}${folder}/${action}${q ? '?' + q : ''}`;
}

/** Root-level URL of a page (the user menu links there, whatever folder is open). */
export function rootUrl(ctx: ActionContext, action: string, params?: Record<string, string | number>): string {
  return actionUrl(ctx, '/', action, params);
}

/**
 * A returnUrl the pages will follow: a path on this server under its context path, never another
 * origin (`//evil`, `/\evil`, `https://…`, control characters). Anything else gives undefined.
 */
export function safeReturnUrl(raw: string | null | undefined, contextPath: string): string | undefined {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return undefined;
  let u: URL;
  try {
    u = new URL(raw, 'http://mock.invalid');
  } catch {
    return undefined;
  }
  if (u.origin !== 'http://mock.invalid') return undefined;
  if (contextPath !== '' && u.pathname !== contextPath && !u.pathname.startsWith(contextPath + '/')) return undefined;
  return u.pathname + u.search + u.hash;
}

/** The request's own path and query, for `returnUrl` (GET requests only). */
export function selfUrl(ctx: ActionContext): string {
  return ctx.url.pathname + ctx.url.search;
}

/** Add or replace query parameters on a server-relative URL. */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url, 'http://mock.invalid');
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.pathname + u.search + u.hash;
}

/** `2026-11-27 08:28` (UTC), inside a `<time>` element carrying the exact instant. */
export function timeHtml(d: Date | null, none = 'Never'): string {
  if (!d) return `<span class="muted">${esc(none)}</span>`;
  const iso = d.toISOString();
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(iso.slice(0, 10) + ' ' + iso.slice(11, 16))}</time>`;
}

/** The expiry cell: Never, the date, or an "Expired" badge (by the mock's clock) before the date. */
export function expiresHtml(exp: Date | null, now: Date): string {
  if (!exp) return '<span class="muted">Never</span>';
  if (exp.getTime() <= now.getTime()) return `<span class="badge badge-expired">Expired</span> ${timeHtml(exp)}`;
  return timeHtml(exp);
}

export function isExpired(exp: Date | null, now: Date): boolean {
  return exp !== null && exp.getTime() <= now.getTime();
}

/** Human text for an expiration setting in seconds (-1 = never). */
export function expirationText(seconds: number): string {
  if (seconds === -1) return 'never expire';
  const days = seconds / 86400;
  if (Number.isInteger(days)) return `expire ${days} day${days === 1 ? '' : 's'} after they are created`;
  return `expire ${seconds} seconds after they are created`;
}

export function csrfField(ctx: ActionContext): string {
  return `<input type="hidden" name="X-LABKEY-CSRF" value="${esc(ctx.csrfToken)}">`;
}

export interface FrameOptions {
  title: string;
  /** The page's main content (already escaped HTML). */
  body: string;
  status?: number;
  /** Plain breadcrumb trail: [label, url?]. */
  crumbs?: Array<[string, string?]>;
  /** Hide the user menu (sign-in page). */
  bare?: boolean;
}

/**
 * The whole document. Pages are never cached and refuse framing; scripts and styles run only with
 * this response's nonce, so an injected `<script>` could not run even if escaping ever failed.
 */
export function frame(ctx: ActionContext, o: FrameOptions): ActionResult {
  const nonce = randomBytes(16).toString('base64');
  const p = ctx.principal;
  const user = p.user;
  const home = actionUrl(ctx, '/home', 'project-begin.view');
  let menu = '';
  if (!o.bare && user) {
    const admin = user.siteAdmin;
    const links: Array<[string, string]> = [['External Tool Access', rootUrl(ctx, 'security-externalToolsView.view')]];
    if (admin) {
      links.push(['Site Settings', rootUrl(ctx, 'admin-customizeSite.view')]);
      links.push(['API Keys', rootUrl(ctx, 'query-executeQuery.view', { schemaName: 'core', 'query.queryName': 'APIKeys' })]);
    }
    menu = `<nav class="user-menu" aria-label="User menu">
<ul>${links.map(([label, href]) => `<li><a href="${esc(href)}">${esc(label)}</a></li>`).join('')}</ul>
<span class="signed-in">Signed in as <strong>${esc(user.email)}</strong></span>
<form method="post" action="${esc(rootUrl(ctx, 'login-logout.post'))}" class="inline">${csrfField(ctx)}<button type="submit" class="link-button">Sign Out</button></form>
</nav>`;
  } else if (!o.bare) {
    menu = `<nav class="user-menu" aria-label="User menu"><a href="${esc(rootUrl(ctx, 'login-login.view', { returnUrl: selfUrl(ctx) }))}">Sign In</a></nav>`;
  }
  const banner =
    !o.bare && p.impersonated && p.realUser && user
      ? `<div class="impersonation" role="region" aria-label="Impersonation">You are impersonating <strong>${esc(user.email)}</strong> (signed in as ${esc(p.realUser.email)}).
<form method="post" action="${esc(rootUrl(ctx, 'login-stopImpersonating.post'))}" class="inline">${csrfField(ctx)}<input type="hidden" name="returnUrl" value="${esc(selfUrl(ctx))}"><button type="submit">Stop Impersonating</button></form></div>`
      : '';
  const crumbs = o.crumbs?.length
    ? `<nav aria-label="Breadcrumb" class="crumbs"><ol>${o.crumbs
        .map(([label, href]) => `<li>${href ? `<a href="${esc(href)}">${esc(label)}</a>` : esc(label)}</li>`)
        .join('')}</ol></nav>`
    : '';
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${esc(ctx.csrfToken)}">
<link rel="icon" href="data:,">
<title>${esc(o.title)} | LabKey Mock Server</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<a class="brand" href="${esc(home)}">LabKey <span>Mock Server</span></a>
${menu}
</header>
${banner}
<main id="main" tabindex="-1">
${crumbs}
${o.body}
</main>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>`;
  return {
    status: o.status ?? 200,
    html,
    headers: {
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    },
  };
}

/** A plain message page (403, 404, 405). */
export function messagePage(ctx: ActionContext, status: number, title: string, message: string): ActionResult {
  return frame(ctx, { title, status, body: `<h1>${esc(title)}</h1><p class="message" role="alert">${esc(message)}</p>` });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, GUEST, SESSION_COOKIE, type Principal } from './authenticate.js';
import { guestUnauthorized } from './challenge.js';
import type { Container, ContainerTree } from './containers.js';
import { csrfRejection, csrfTokenFor, presentsCsrfToken } from './csrf.js';
import { ActionError, errorResult, FilterError, filterErrorBody, MSG_NO_PERMISSION, RUNTIME_EXCEPTION } from './errors.js';
import type { Generation } from './generations.js';
import { BodyBudget, MAX_BODY_BYTES, firstHeader, parseCookies, readBody, sendJson, sendText } from './http-util.js';
import { hasPerm } from './permissions.js';
import type { ActionContext, ActionResult, RouteDef, RouteServices } from './route.js';
import type { StateStore } from './state.js';
import type { MockClock, RequestLogEntry } from './types.js';
import { parseActionPath, type ParsedActionUrl } from './url.js';

export interface ServerConfig {
  contextPath: string;
  /** The LabKey release the server behaves as (generations.ts). */
  generation: Generation;
  control: boolean;
  realm: string;
  maxLogEntries: number;
}

/** Handles the `/_mock/` control endpoint (see control.ts); returns the status it sent. */
export type ControlHandler = (server: MockLabKey, req: IncomingMessage, res: ServerResponse, subpath: string) => Promise<number>;

/**
 * The request pipeline, in the real server's order:
 * CSRF cookie → authentication (bad credentials: 401 on any URL, before routing) → URL parsing
 * → container (404) → action (404) → permission (401 guest / 403) → CSRF check on non-GET
 * requests to checked actions (401) → method (405 for GET on POST-only actions) → the action.
 */
export class MockLabKey {
  private readonly routes = new Map<string, RouteDef>();
  readonly requests: RequestLogEntry[] = [];
  /** Set when query rows changed; the persistence hook saves and clears it. */
  dataDirty = false;
  controlHandler: ControlHandler | undefined;
  /** The request bodies held at once, all requests together (503 past the limit). */
  readonly bodyBudget = new BodyBudget();
  afterRequest: (() => void) | undefined;

  constructor(
    readonly config: ServerConfig,
    readonly state: StateStore,
    readonly clock: MockClock,
    readonly containers: ContainerTree,
  ) {
    this.services = {
      state,
      clock,
      containers,
      contextPath: config.contextPath,
      guestUnauthorized: (req, method) => guestUnauthorized(req, method, config.realm),
      markDataChanged: () => {
        this.dataDirty = true;
      },
    };
  }

  /** What the routes get to use (see RouteServices). */
  private readonly services: RouteServices;

  /** Routes are found by `controller-action`, case-insensitively (names and aliases). */
  register(route: RouteDef): void {
    for (const n of [route.name, ...(route.aliases ?? [])]) this.routes.set(n.toLowerCase(), route);
  }

  /** Web pages (src/pages/): they answer `.view`/`.post` URLs before an API route of the same name. */
  private readonly pages = new Map<string, RouteDef>();
  registerPage(route: RouteDef): void {
    this.pages.set(route.name.toLowerCase(), route);
  }

  /** The `node:http` request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      // Last resort: never leave a request hanging, never echo request data.
      if (!res.headersSent) sendJson(res, 500, new ActionError(500, err instanceof Error ? err.message : 'internal error', RUNTIME_EXCEPTION).toBody());
      else res.destroy();
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = this.clock.now();
    // Like Tomcat, every answer carries the server's time; here it is the mock's (movable) clock, so
    // a client that judges expiry by the server's Date sees what the server sees.
    res.setHeader('Date', started.toUTCString());
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    const entry: RequestLogEntry = { time: started, method, path: url.pathname, authForm: 'none', status: 0, csrf: 'none' };
    const control = this.controlSubpath(url.pathname);
    if (control !== undefined) {
      entry.status = await this.handleControl(req, res, control);
      this.log(entry);
      return;
    }
    try {
      await this.handleAction(req, res, method, url, entry);
    } finally {
      if (entry.status === 0) entry.status = res.statusCode;
      this.log(entry);
      this.afterRequest?.();
    }
  }

  /** The part after `/_mock/` when the path is the control endpoint (at the root or under the context path). */
  private controlSubpath(pathname: string): string | undefined {
    const ctx = this.config.contextPath;
    const isControl =
      pathname.startsWith('/_mock/') || pathname === '/_mock' || (ctx !== '' && (pathname.startsWith(ctx + '/_mock/') || pathname === ctx + '/_mock'));
    return isControl ? pathname.slice(pathname.indexOf('/_mock') + '/_mock'.length).replace(/^\/+/, '') : undefined;
  }

  private async handleControl(req: IncomingMessage, res: ServerResponse, subpath: string): Promise<number> {
    if (this.config.control && this.controlHandler) return this.controlHandler(this, req, res, subpath);
    sendJson(res, 404, filterErrorBody('The /_mock/ control endpoint is disabled; start the mock server with control: true (--control).'));
    return 404;
  }

  private async handleAction(req: IncomingMessage, res: ServerResponse, method: string, url: URL, entry: RequestLogEntry): Promise<void> {
    const pathname = url.pathname;
    const headers: Record<string, string | string[]> = {};
    const cookies = parseCookies(req.headers.cookie);
    const setCookies: string[] = [];
    const csrf = csrfTokenFor(cookies, pathname, this.config.contextPath);
    if (csrf.setCookie) setCookies.push(csrf.setCookie);

    const respond = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      if (setCookies.length) headers['Set-Cookie'] = setCookies;
      const compact = url.searchParams.get('respFormat') === 'json_compact';
      sendJson(res, status, body, { ...headers, ...extra }, compact);
      entry.status = status;
    };

    try {
      const gen = this.config.generation;
      const auth = authenticate(req, cookies, this.state, gen);
      entry.authForm = auth.authForm;
      if (auth.fingerprint) entry.credentialFingerprint = auth.fingerprint;
      let principal: Principal;
      if (auth.ok) principal = auth.principal;
      else if (gen.silentGuest) principal = GUEST;
      else {
        respond(401, filterErrorBody(auth.message));
        return;
      }
      if (auth.ok && auth.login && principal.realUser) {
        // Basic or key authentication logs the user in for a server session (section 10.1).
        const s = this.state.createSession(principal.realUser.id, auth.login.crypt ? { crypt: auth.login.crypt, role: principal.role } : undefined);
        principal = { ...principal, session: s };
        setCookies.push(`${SESSION_COOKIE}=${s.id}; Path=${this.config.contextPath === '' ? '/' : this.config.contextPath}; HttpOnly; SameSite=Lax`);
      }
      if (principal.user) entry.user = principal.user.email;

      const found = this.findRoute(pathname, entry);
      if ('notFound' in found) {
        respond(404, filterErrorBody(found.notFound));
        return;
      }
      const { parsed, container, route } = found;

      // Permission first: a guest without permission gets the permission 401, not the CSRF one.
      this.checkPermission(route, principal, container, req, method);

      let body: Buffer = Buffer.alloc(0);
      if (method !== 'GET' && method !== 'HEAD') body = await readBody(req, MAX_BODY_BYTES, this.bodyBudget);
      const { params, json } = parseParams(url, req, body);

      if (route.csrf && method !== 'GET' && method !== 'HEAD') {
        const ok = presentsCsrfToken(req, params, csrf.token);
        entry.csrf = ok ? 'valid' : 'invalid';
        if (!ok) throw csrfRejection(req, principal.user !== null, this.config.realm);
      }
      if (route.postOnly && (method === 'GET' || method === 'HEAD')) throw new FilterError(405, `Method Not Allowed: ${method}`);

      const actx = this.actionContext({ req, method, url, parsed, container, principal, params, json, csrfToken: csrf.token }, setCookies);
      const result: ActionResult = await route.handler(actx);
      if (actx.principal.user) entry.user = actx.principal.user.email;
      else delete entry.user;
      if (setCookies.length) headers['Set-Cookie'] = setCookies;
      if ('redirect' in result) {
        res.statusCode = 302;
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        res.setHeader('Location', result.redirect);
        res.end();
        entry.status = 302;
      } else if ('html' in result) {
        sendText(res, result.status ?? 200, 'text/html;charset=UTF-8', result.html, { ...headers, ...(result.headers ?? {}) });
        entry.status = result.status ?? 200;
      } else {
        respond(result.status ?? 200, result.body, result.headers ?? {});
      }
    } catch (err) {
      if (res.headersSent) throw err;
      const r = errorResult(err);
      respond(r.status, r.body, r.headers);
    }
  }

  /** URL → container → action; a miss gives the message of LabKey's 404 for it. */
  private findRoute(pathname: string, entry: RequestLogEntry): { parsed: ParsedActionUrl; container: Container; route: RouteDef } | { notFound: string } {
    const parsed = parseActionPath(pathname, this.config.contextPath);
    if (!parsed) return { notFound: `No LabKey Server action at ${pathname}` };
    entry.controller = parsed.controller;
    entry.action = parsed.action;
    const container = this.containers.bySegments(parsed.containerSegments);
    if (!container) {
      entry.container = '/' + parsed.containerSegments.join('/');
      return { notFound: this.containers.notFoundMessage(parsed.containerSegments) };
    }
    entry.container = container.path;
    const routeKey = parsed.controller + '-' + parsed.action.toLowerCase();
    const route = (/^(view|post)$/i.test(parsed.extension) ? this.pages.get(routeKey) : undefined) ?? this.routes.get(routeKey);
    if (route) return { parsed, container, route };
    const known = [...this.routes.keys(), ...this.pages.keys()].some((k) => k.startsWith(parsed.controller + '-'));
    return {
      notFound: known
        ? `Unable to find action '${parsed.action}' to handle request in controller '${parsed.controller}'.`
        : `No LabKey Server module registered to handle request for controller: ${parsed.controller}`,
    };
  }

  private actionContext(
    base: Pick<ActionContext, 'req' | 'method' | 'url' | 'parsed' | 'container' | 'principal' | 'params' | 'json' | 'csrfToken'>,
    setCookies: string[],
  ): ActionContext {
    const { json, params } = base;
    const actx: ActionContext = {
      ...base,
      param(name: string) {
        if (json && Object.prototype.hasOwnProperty.call(json, name)) {
          const v = json[name];
          if (v === null || v === undefined) return undefined;
          return typeof v === 'object' ? JSON.stringify(v) : String(v);
        }
        return params.get(name) ?? undefined;
      },
      apiVersion: 0,
      services: this.services,
      setCookie(c: string) {
        setCookies.push(c);
      },
    };
    actx.apiVersion = readApiVersion(actx);
    return actx;
  }

  /** 401 for guests (with WWW-Authenticate for non-browser clients), 403 for signed-in users. */
  private checkPermission(route: RouteDef, p: Principal, c: Container, req: IncomingMessage, method: string): void {
    const need = route.permission;
    if (need === 'none') return;
    let allowed: boolean;
    if (need === 'login') allowed = p.user !== null;
    else if (need === 'siteAdmin') allowed = p.user?.siteAdmin === true && p.role === null;
    else allowed = hasPerm(p.user, c, need, p.role);
    if (allowed) return;
    if (p.user) throw new FilterError(403, MSG_NO_PERMISSION);
    throw guestUnauthorized(req, method, this.config.realm);
  }

  private log(entry: RequestLogEntry): void {
    this.requests.push(entry);
    const max = this.config.maxLogEntries;
    if (this.requests.length > max) this.requests.splice(0, this.requests.length - max);
  }
}

export function parseParams(url: URL, req: IncomingMessage, body: Buffer): { params: URLSearchParams; json: Record<string, unknown> | undefined } {
  const params = new URLSearchParams(url.searchParams);
  let json: Record<string, unknown> | undefined;
  if (body.length === 0) return { params, json };
  const ct = (firstHeader(req, 'content-type') ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (ct.includes('application/json') || (ct === '' && /^\s*[{[]/.test(text))) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new ActionError(400, `Error parsing JSON body: ${(e as Error).message}`, 'org.json.JSONException');
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
    else throw new ActionError(400, 'The JSON body must be an object.', 'org.json.JSONException');
  } else if (ct.includes('application/x-www-form-urlencoded') || ct === '') {
    for (const [k, v] of new URLSearchParams(text)) params.append(k, v);
  }
  return { params, json };
}

function readApiVersion(ctx: ActionContext): number {
  let raw: unknown;
  if (ctx.json && ctx.json.apiVersion !== undefined) raw = ctx.json.apiVersion;
  else if (ctx.params.has('apiVersion')) raw = ctx.params.get('apiVersion');
  else raw = firstHeader(ctx.req, 'labkey-apiversion');
  const n = typeof raw === 'number' ? raw : Number.parseFloat(String(raw ?? ''));
  return Number.isFinite(n) ? n : 0;
}

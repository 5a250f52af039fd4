import type { IncomingMessage } from 'node:http';
import type { Principal } from './authenticate.js';
import type { Container, ContainerTree } from './containers.js';
import type { FilterError } from './errors.js';
import type { StateStore } from './state.js';
import type { MockClock } from './types.js';
import type { ParsedActionUrl } from './url.js';

/** What an action may use of the server: its state, clock and folders, and two server rules. */
export interface RouteServices {
  readonly state: StateStore;
  readonly clock: MockClock;
  readonly containers: ContainerTree;
  /** '' (root context) or e.g. '/labkey'. */
  readonly contextPath: string;
  /** The answer to a guest without permission: 401, with a Basic challenge for non-browser clients. */
  guestUnauthorized(req: IncomingMessage, method: string): FilterError;
  /** Query rows changed: the data file (when there is one) is saved after this request. */
  markDataChanged(): void;
}

/**
 * What an action needs before it runs:
 * - 'none': anyone, guests included;
 * - 'login': any signed-in user (guest → 401);
 * - 'read' | 'insert' | 'update' | 'delete' | 'admin': that permission in the URL's container;
 * - 'siteAdmin': a site administrator (guest → 401, others → 403).
 */
export type RoutePermission = 'none' | 'login' | 'read' | 'insert' | 'update' | 'delete' | 'admin' | 'siteAdmin';

export interface ActionContext {
  req: IncomingMessage;
  method: string;
  url: URL;
  parsed: ParsedActionUrl;
  container: Container;
  principal: Principal;
  /** Query-string parameters plus form-encoded body parameters. */
  params: URLSearchParams;
  /** The parsed JSON body, when the body was JSON. */
  json: Record<string, unknown> | undefined;
  /** A scalar parameter: from the JSON body first, then the query string or form. */
  param(name: string): string | undefined;
  /** apiVersion from the JSON body, then a parameter, then the LABKEY-apiVersion header; 0 if none. */
  apiVersion: number;
  csrfToken: string;
  services: RouteServices;
  /** Add a Set-Cookie header to the response. */
  setCookie(cookie: string): void;
}

export type ActionResult =
  | { status?: number; body: unknown; headers?: Record<string, string> }
  | { status?: number; html: string; headers?: Record<string, string> }
  | { redirect: string };

export interface RouteDef {
  /** Canonical name, e.g. 'login-whoAmI'. */
  name: string;
  /** Other action names reaching this route (e.g. getQuery for selectRows). */
  aliases?: string[];
  /** POST only (GET → 405). */
  postOnly: boolean;
  /** Non-GET requests must carry the CSRF token. */
  csrf: boolean;
  permission: RoutePermission;
  handler(ctx: ActionContext): ActionResult | Promise<ActionResult>;
}

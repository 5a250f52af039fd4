// Controller `query`: routing, permissions, CSRF and methods here; the work is the query engine's
// (src/query/). selectRows/getQuery and executeSql are CSRF-exempt; the mutating actions
// (insertRows, updateRows, deleteRows, saveRows, truncateTable, moveRows) are POST only and
// CSRF-checked.
import type { Principal } from '../authenticate.js';
import type { Container } from '../containers.js';
import { ActionError, FilterError, ILLEGAL_ARGUMENT_EXCEPTION, MSG_NO_PERMISSION, NOT_FOUND_EXCEPTION } from '../errors.js';
import { hasPerm, type Perm } from '../permissions.js';
import { forbidden, ValidationFailure } from '../query/errors.js';
import type { ActionContext, ActionResult, RouteDef } from '../route.js';
import { WAF_PREFIX } from '../query/sql.js';
import type { ApiResult, Params, QueryEngine, QueryUser } from '../query/types.js';

export function queryUserOf(p: Principal): QueryUser {
  const u = p.user;
  if (!u) return { id: 0, email: 'guest', displayName: 'guest', isSiteAdmin: false, impersonated: false, guest: true };
  return { id: u.id, email: u.email, displayName: u.displayName, isSiteAdmin: u.siteAdmin && p.role === null, impersonated: p.impersonated, guest: false };
}

/** Query string + form body + the top-level keys of a JSON body (stringified; arrays → several values). */
export function mergedParams(ctx: ActionContext): Params {
  const out: Params = {};
  const add = (k: string, v: string) => (out[k] ??= []).push(v);
  for (const [k, v] of ctx.params) add(k, v);
  if (ctx.json) {
    for (const [k, v] of Object.entries(ctx.json)) {
      if (v === undefined) continue;
      delete out[k]; // the JSON body wins over the query string for the same name
      if (Array.isArray(v)) for (const e of v) add(k, e !== null && typeof e === 'object' ? JSON.stringify(e) : String(e));
      else add(k, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
  }
  return out;
}

function toResult(r: ApiResult): ActionResult {
  return { status: r.status, body: r.body };
}

/** Container permission for a write, except on `core` tables, which apply their own rules. */
function checkWrite(ctx: ActionContext, perms: Perm[], schemaNames: unknown[]): void {
  const onlyCore = schemaNames.length > 0 && schemaNames.every((s) => typeof s === 'string' && s.toLowerCase() === 'core');
  if (onlyCore) return;
  for (const p of perms) if (!hasPerm(ctx.principal.user, ctx.container, p, ctx.principal.role)) throw new FilterError(403, MSG_NO_PERMISSION);
}

/** The JSON a row command reads: the JSON body, or the `json` field of a multipart/form post. */
function jsonBody(ctx: ActionContext): Record<string, unknown> | undefined {
  if (ctx.json) return ctx.json;
  const j = ctx.params.get('json');
  if (j) {
    try {
      const v = JSON.parse(j);
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch {
      /* no JSON: the caller reports what is missing */
    }
  }
  return undefined;
}

function writeBody(ctx: ActionContext): Record<string, unknown> {
  const j = jsonBody(ctx);
  if (j) return j;
  const out: Record<string, unknown> = {};
  for (const [k, v] of ctx.params) out[k] = v;
  return out;
}

/** `JSONObject.optString(key, null)`: absent or null → null; anything else as text. */
function optString(json: Record<string, unknown>, key: string): string | null {
  const v = json[key];
  if (v === undefined || v === null) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * LabKey's `ContainerManager.isValidTargetContainer`: a move stays inside one project: to the
 * same folder, from a project to its child, from a child to its project or to a sibling.
 */
function validMoveTarget(current: Container, target: Container): boolean {
  if (current.type === 'root' || target.type === 'root') return false;
  if (current === target) return true;
  const isProject = (c: Container) => c.type === 'project';
  if (isProject(current)) return target.parent === current;
  const parent = current.parent!;
  return isProject(parent) && (parent === target || parent === target.parent);
}

/**
 * moveRows' form validation (`MoveRowsAction.validateForm` → `ContainerManager.getMoveTargetContainer`),
 * before any row is read: each failure is a 400 in the form-errors shape.
 */
function moveTarget(ctx: ActionContext, json: Record<string, unknown>): Container {
  const target = optString(json, 'targetContainerPath');
  if (target === null) throw ValidationFailure.spring('A target container must be specified for the move operation.');
  const c = ctx.services.containers.find(target);
  if (!c) throw ValidationFailure.spring(`The target container was not found: ${target}.`);
  if (!hasPerm(ctx.principal.user, c, 'insert', ctx.principal.role)) {
    const q = optString(json, 'queryName');
    throw ValidationFailure.spring(`You do not have permission to move rows from ${q === null ? 'this table' : `'${q}'`} to the target container: ${target}.`);
  }
  if (!validMoveTarget(ctx.container, c)) throw ValidationFailure.spring(`Invalid target container for the move operation: ${target}.`);
  return c;
}

/**
 * The container a row command runs in (`BaseSaveRowsAction.getContainerForCommand`): the body's
 * `containerPath` when given (500 "Unknown container: …" when there is none such), else the
 * URL's; the user needs some access to it (403 otherwise).
 */
function commandContainer(ctx: ActionContext, json: Record<string, unknown>): Container {
  const path = optString(json, 'containerPath')?.trim() || null;
  let c = ctx.container;
  if (path !== null) {
    const found = ctx.services.containers.find(path);
    if (!found) throw new ActionError(500, `Unknown container: ${path}`, ILLEGAL_ARGUMENT_EXCEPTION);
    c = found;
  }
  const { user, role } = ctx.principal;
  if (!(['read', 'delete', 'insert', 'update'] as const).some((p) => hasPerm(user, c, p, role))) throw forbidden(queryUserOf(ctx.principal));
  return c;
}

/**
 * Before 23.9 LabKey did not decode WAF-encoded SQL (protocol §4.3): to it the prefix is only a
 * comment, and the base64 text after it is parsed as SQL, which fails. The prefix is turned into
 * a comment the engine does not decode, so that text reaches the parser as it would have.
 */
function undecodedWaf(params: Params): Params {
  const sql = params.sql?.[0];
  if (sql?.startsWith(WAF_PREFIX)) params.sql = [`/* ${sql.slice(2)}`];
  return params;
}

/** What the server's generation changes in this controller (generations.ts). */
export interface QueryRouteOptions {
  /** executeSql decodes WAF-encoded SQL (23.9 and later). */
  wafSql: boolean;
  /** `query-moveRows.api` exists (24.1 and later); before, it is an unknown action (404). */
  moveRows: boolean;
}

export function queryRoutes(getEngine: () => QueryEngine | undefined, { wafSql, moveRows }: QueryRouteOptions = { wafSql: true, moveRows: true }): RouteDef[] {
  const engine = (): QueryEngine => {
    const e = getEngine();
    if (!e) throw new FilterError(501, 'The query engine is not available in this build of the mock server.');
    return e;
  };
  const read = (name: string, aliases: string[], call: (e: QueryEngine, ctx: ActionContext) => ApiResult | Promise<ApiResult>): RouteDef => ({
    name,
    aliases,
    postOnly: false,
    csrf: false,
    permission: 'read',
    handler: async (ctx) => toResult(await call(engine(), ctx)),
  });
  const readReq = (ctx: ActionContext) => {
    const params = mergedParams(ctx);
    // apiVersion: JSON body, then parameter, then the LABKEY-apiVersion header.
    if (params.apiVersion === undefined) {
      const h = ctx.req.headers['labkey-apiversion'];
      if (typeof h === 'string' && h !== '') params.apiVersion = [h];
    }
    const { session, user, role } = ctx.principal;
    return {
      params,
      container: ctx.container.path,
      user: queryUserOf(ctx.principal),
      // The session's saved queries (executeSql saveInSession=true), kept on the session itself.
      ...(session ? { session: (session.queries ??= new Map()) } : {}),
      canUpdate: hasPerm(user, ctx.container, 'update', role),
    };
  };
  const write = (name: string, aliases: string[], perms: Perm[], call: (e: QueryEngine, ctx: ActionContext, body: Record<string, unknown>) => ApiResult): RouteDef => ({
    name,
    aliases,
    postOnly: true,
    csrf: true,
    permission: 'login',
    handler(ctx) {
      const body = writeBody(ctx);
      // A body's containerPath runs the command against another container: resolve and check it here.
      if (typeof body.containerPath === 'string' && body.containerPath !== '') {
        const c = ctx.services.containers.find(body.containerPath);
        if (!c) throw new ActionError(404, ctx.services.containers.notFoundMessage(body.containerPath.split('/').filter(Boolean)), NOT_FOUND_EXCEPTION);
        ctx.container = c;
      }
      const schemas = Array.isArray(body.commands) ? (body.commands as Array<Record<string, unknown>>).map((c) => c?.schemaName) : [body.schemaName];
      checkWrite(ctx, perms, schemas);
      const r = call(engine(), ctx, body);
      if (r.status < 300) ctx.services.markDataChanged();
      return toResult(r);
    },
  });
  const writeReq = (ctx: ActionContext, body: Record<string, unknown>) => ({ body, container: ctx.container.path, user: queryUserOf(ctx.principal) });
  // TruncateTableAction is @RequiresPermission(AdminPermission.class): Delete in the folder is not enough.
  const truncateTable: RouteDef = {
    name: 'query-truncateTable',
    postOnly: true,
    csrf: true,
    permission: 'admin',
    handler(ctx) {
      const r = engine().truncateTable({ params: mergedParams(ctx), container: ctx.container.path, user: queryUserOf(ctx.principal) });
      if (r.status < 300) ctx.services.markDataChanged();
      return toResult(r);
    },
  };
  // MoveRowsAction is @RequiresPermission(ReadPermission.class); MoveEntities is checked on the table.
  const moveRowsRoute: RouteDef = {
    name: 'query-moveRows',
    postOnly: true,
    csrf: true,
    permission: 'read',
    handler(ctx) {
      const json = jsonBody(ctx);
      if (!json) throw ValidationFailure.spring('Empty request');
      moveTarget(ctx, json);
      const c = commandContainer(ctx, json);
      const movePermitted = hasPerm(ctx.principal.user, c, 'update', ctx.principal.role);
      // The engine answers every move with an error (see query/move.ts): nothing to mark changed.
      return toResult(engine().moveRows({ body: json, container: c.path, user: queryUserOf(ctx.principal), movePermitted }));
    },
  };
  return [
    read('query-selectRows', ['query-getQuery'], (e, ctx) => e.selectRows(readReq(ctx))),
    read('query-executeSql', [], (e, ctx) => {
      const req = readReq(ctx);
      return e.executeSql(wafSql ? req : { ...req, params: undecodedWaf(req.params) });
    }),
    read('query-getQueries', [], (e, ctx) => e.getQueries(readReq(ctx))),
    read('query-getSchemas', [], (e, ctx) => e.getSchemas(readReq(ctx))),
    read('query-getQueryDetails', [], (e, ctx) => e.getQueryDetails(readReq(ctx))),
    write('query-insertRows', [], ['insert'], (e, ctx, b) => e.insertRows(writeReq(ctx, b))),
    write('query-updateRows', [], ['update'], (e, ctx, b) => e.updateRows(writeReq(ctx, b))),
    write('query-deleteRows', ['query-delRows'], ['delete'], (e, ctx, b) => e.deleteRows(writeReq(ctx, b))),
    write('query-saveRows', [], ['insert', 'update', 'delete'], (e, ctx, b) => e.saveRows(writeReq(ctx, b))),
    truncateTable,
    ...(moveRows ? [moveRowsRoute] : []),
  ];
}

// Controller `query`: routing, permissions, CSRF and methods here; the work is the query engine's
// (src/query/). selectRows/getQuery and executeSql are CSRF-exempt; the mutating actions are POST
// only and CSRF-checked.
import type { Principal } from '../authenticate.js';
import { ActionError, FilterError, MSG_NO_PERMISSION, NOT_FOUND_EXCEPTION } from '../errors.js';
import { hasPerm, type Perm } from '../permissions.js';
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

function writeBody(ctx: ActionContext): Record<string, unknown> {
  if (ctx.json) return ctx.json;
  // Multipart/form posts carry the JSON in a `json` field.
  const j = ctx.params.get('json');
  if (j) {
    try {
      const v = JSON.parse(j);
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch {
      /* fall through: the engine reports the missing rows */
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of ctx.params) out[k] = v;
  return out;
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

/** @param wafSql whether executeSql decodes WAF-encoded SQL (the generation's `wafSql`) */
export function queryRoutes(getEngine: () => QueryEngine | undefined, wafSql = true): RouteDef[] {
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
    return { params, container: ctx.container.path, user: queryUserOf(ctx.principal) };
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
  ];
}

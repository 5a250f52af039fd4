// The API Keys admin list, at the URL the real Admin Console links to:
//   {ctx}/query-executeQuery.view?schemaName=core&query.queryName=APIKeys
// (every user's keys; site admins only; others get the query-not-found page, as on LabKey),
// and the grid's delete post, query-deleteQueryRows.post (schemaName, query.queryName, `.select`
// row ids, returnUrl), which also serves the Delete buttons of External Tool Access
// (core.UserAPIKeys: your own keys, refused while impersonating).
import type { ActionContext } from '../route.js';
import { actionUrl, esc, frame, messagePage, rootUrl, safeReturnUrl, selfUrl, withParams } from './html.js';
import { keyTable } from './key-table.js';
import { definePage } from './page-route.js';

const KEY_QUERIES = new Set(['apikeys', 'userapikeys']);

function queryNotFound(ctx: ActionContext, schema: string, query: string) {
  return messagePage(ctx, 404, 'Not Found', `The query '${query}' in schema '${schema}' doesn't exist, or is not shown by the mock server's pages (which show core.APIKeys and core.UserAPIKeys; read other queries with query-selectRows.api).`);
}

export const executeQueryPage = definePage({
  name: 'query-executeQuery',
  permission: 'login',
  handler(ctx) {
    const schema = ctx.params.get('schemaName') ?? '';
    const query = ctx.params.get('query.queryName') ?? ctx.params.get('queryName') ?? '';
    const user = ctx.principal.user!;
    const q = query.toLowerCase();
    if (schema.toLowerCase() !== 'core' || !KEY_QUERIES.has(q)) return queryNotFound(ctx, schema, query);
    const all = q === 'apikeys';
    if (all && !user.siteAdmin) return queryNotFound(ctx, schema, query);
    if (!all && ctx.principal.impersonated) return messagePage(ctx, 403, 'Forbidden', "API keys can't be listed while impersonating.");
    const state = ctx.services.state;
    const rows = all ? state.listApiKeys() : state.listApiKeys(user.email);
    const n = Number(ctx.params.get('deleted'));
    const notice =
      ctx.params.has('deleted') && Number.isInteger(n) && n >= 0
        ? `<div class="alert alert-info" role="status" id="deleted-notice">${n === 1 ? 'Deleted 1 API key.' : `Deleted ${n} API keys.`}</div>`
        : '';
    // Come back to this very list (its own parameters), without the last deletion's notice.
    const back = new URL(selfUrl(ctx), 'http://mock.invalid');
    back.searchParams.delete('deleted');
    const body = `<h1>${all ? 'API Keys' : 'Your API Keys'}</h1>
${notice}
<p>${
      all
        ? "Every user's API keys (schema <code>core</code>, query <code>APIKeys</code>). Deleting a key revokes it: the next request with it is refused. Session keys are not listed: they live only in their browser session."
        : 'Your own API keys (schema <code>core</code>, query <code>UserAPIKeys</code>).'
    }</p>
${keyTable(ctx, {
  rows,
  now: ctx.services.clock.now(),
  caption: all ? 'API keys of all users' : 'Your API keys',
  returnUrl: back.pathname + back.search,
  mode: all ? 'all' : 'own',
  empty: all ? 'No user has an API key.' : 'You have no API keys.',
})}`;
    const crumbs: Array<[string, string?]> = [['Home', actionUrl(ctx, '/home', 'project-begin.view')]];
    if (all) crumbs.push(['Admin Console'], ['API Keys']);
    else crumbs.push(['External Tool Access', rootUrl(ctx, 'security-externalToolsView.view')], ['Your API Keys']);
    return frame(ctx, { title: all ? 'API Keys' : 'Your API Keys', body, crumbs });
  },
});

export const deleteQueryRowsPage = definePage({
  name: 'query-deleteQueryRows',
  permission: 'login',
  methods: ['POST'],
  handler(ctx) {
    const schema = ctx.params.get('schemaName') ?? '';
    const query = ctx.params.get('query.queryName') ?? ctx.params.get('queryName') ?? '';
    const q = query.toLowerCase();
    const p = ctx.principal;
    const user = p.user!;
    const state = ctx.services.state;
    if (schema.toLowerCase() !== 'core' || !KEY_QUERIES.has(q)) return queryNotFound(ctx, schema, query);
    const all = q === 'apikeys';
    if (all && !user.siteAdmin) return queryNotFound(ctx, schema, query);
    if (!all && p.impersonated) return messagePage(ctx, 403, 'Forbidden', 'You do not have permission to delete the selected row.');
    const ids: number[] = [];
    for (const v of ctx.params.getAll('.select')) {
      const id = Number(v);
      if (!Number.isInteger(id) || id <= 0) return messagePage(ctx, 400, 'Bad Request', `Not a row id: ${v}`);
      ids.push(id);
    }
    // core.UserAPIKeys: all or nothing, only the caller's own keys (as the query API does).
    if (!all) {
      for (const id of ids) {
        const k = state.keyByRowId(id);
        if (k && k.userId !== user.id) return messagePage(ctx, 403, 'Forbidden', 'You do not have permission to delete the selected row.');
      }
    }
    let deleted = 0;
    for (const id of ids) if (state.revokeApiKey(id)) deleted++;
    const fallback = all
      ? rootUrl(ctx, 'query-executeQuery.view', { schemaName: 'core', 'query.queryName': 'APIKeys' })
      : rootUrl(ctx, 'security-externalToolsView.view');
    const back = safeReturnUrl(ctx.params.get('returnUrl'), ctx.services.contextPath) ?? fallback;
    return { redirect: withParams(back, { deleted: String(deleted) }) };
  },
});

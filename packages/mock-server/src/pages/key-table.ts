// The table of API keys shown on External Tool Access (one user's keys, one Delete button each) and
// on the admin API Keys list (every user's keys, checkboxes, select all, delete selected).
import type { ActionContext } from '../route.js';
import type { ApiKeyRow } from '../types.js';
import { actionUrl, csrfField, esc, expiresHtml, isExpired, timeHtml } from './html.js';

export interface KeyTableOptions {
  rows: ApiKeyRow[];
  now: Date;
  caption: string;
  /** Where a deletion comes back to. */
  returnUrl: string;
  /** 'own': External Tool Access (core.UserAPIKeys); 'all': the admin list (core.APIKeys). */
  mode: 'own' | 'all';
  /** Shown instead of the table when there are no rows. */
  empty: string;
}

function keyLabel(r: ApiKeyRow): string {
  const created = r.Created.toISOString();
  return `${r.Description ? `"${r.Description}"` : 'without description'}, created ${created.slice(0, 10)} ${created.slice(11, 16)}`;
}

function deleteAction(ctx: ActionContext): string {
  return actionUrl(ctx, '/', 'query-deleteQueryRows.post');
}

export function keyTable(ctx: ActionContext, o: KeyTableOptions): string {
  if (o.rows.length === 0) return `<p class="empty" id="keys-empty">${esc(o.empty)}</p>`;
  const state = ctx.services.state;
  const all = o.mode === 'all';
  const head = [
    all ? `<th scope="col" class="select"><input type="checkbox" id="select-all" aria-label="Select all keys"></th>` : '',
    all ? '<th scope="col">User</th>' : '',
    '<th scope="col">Description</th>',
    '<th scope="col">Created</th>',
    '<th scope="col">Expires</th>',
    '<th scope="col">Last used</th>',
    all ? '' : '<th scope="col"><span class="visually-hidden">Actions</span></th>',
  ].join('');
  const body = o.rows
    .map((r) => {
      const expired = isExpired(r.Expiration, o.now);
      const owner = state.userById(r.CreatedBy);
      const label = keyLabel(r);
      const desc = r.Description ? esc(r.Description) : '<span class="muted">(no description)</span>';
      const cells = [
        all ? `<td class="select"><input type="checkbox" name=".select" value="${r.RowId}" form="delete-keys" aria-label="Select key ${esc(label)}${owner ? ` of ${esc(owner.email)}` : ''}"></td>` : '',
        all ? `<td>${esc(owner ? owner.email : `user ${r.CreatedBy}`)}</td>` : '',
        `<td class="description">${desc}</td>`,
        `<td>${timeHtml(r.Created)}</td>`,
        `<td>${expiresHtml(r.Expiration, o.now)}</td>`,
        `<td>${timeHtml(r.LastUsed)}</td>`,
        all
          ? ''
          : `<td class="actions"><form method="post" action="${esc(deleteAction(ctx))}" data-confirm="${esc(`Delete the API key ${label}? Programs that use it stop working at once.`)}">${csrfField(ctx)}<input type="hidden" name="schemaName" value="core"><input type="hidden" name="query.queryName" value="UserAPIKeys"><input type="hidden" name=".select" value="${r.RowId}"><input type="hidden" name="returnUrl" value="${esc(o.returnUrl)}"><button type="submit" class="danger" aria-label="${esc(`Delete API key ${label}`)}">Delete</button></form></td>`,
      ].join('');
      return `<tr data-row-id="${r.RowId}"${expired ? ' class="expired"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  const table = `<div class="table-wrap"><table class="grid" id="keys">
<caption>${esc(o.caption)} <span class="muted small">(times in UTC)</span></caption>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
  if (!all) return table;
  return `<form method="post" action="${esc(deleteAction(ctx))}" id="delete-keys" data-confirm-selected="key">
${csrfField(ctx)}<input type="hidden" name="schemaName" value="core"><input type="hidden" name="query.queryName" value="APIKeys"><input type="hidden" name="returnUrl" value="${esc(o.returnUrl)}">
<div class="toolbar"><button type="submit" class="danger" id="delete-selected">Delete Selected</button> <span class="muted small" id="selection-count" aria-live="polite"></span></div>
</form>
${table}`;
}

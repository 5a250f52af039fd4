// core.Users, core.UserAPIKeys and core.APIKeys, served from the mock's state through the query
// engine's virtual tables. Crypt is never exposed; session keys never appear.
import { ActionError, UNAUTHORIZED_EXCEPTION } from './errors.js';
import type { Generation } from './generations.js';
import type { ColumnDef, QueryEngine, QueryUser, VirtualTable } from './query/types.js';
import type { StateStore } from './state.js';
import type { ApiKeyRow } from './types.js';

const KEY_COLUMNS: ColumnDef[] = [
  { name: 'RowId', type: 'int', keyField: true, hidden: true, autoIncrement: true, nullable: false, caption: 'Row Id' },
  { name: 'CreatedBy', type: 'int', caption: 'Created By', lookup: { schemaName: 'core', queryName: 'Users', keyColumn: 'UserId', displayColumn: 'DisplayName' } },
  { name: 'Created', type: 'date' },
  { name: 'Expiration', type: 'date' },
  { name: 'LastUsed', type: 'date', caption: 'Last Used' },
  { name: 'Description', type: 'string' },
  { name: 'RestrictionRole', type: 'string', caption: 'Restriction Role' },
];

/** The key tables' columns in a generation: Description and LastUsed from 24.x, RestrictionRole in 26.7. */
function keyColumns(gen: Generation): ColumnDef[] {
  return KEY_COLUMNS.filter(
    (c) => (gen.keyDescription || (c.name !== 'Description' && c.name !== 'LastUsed')) && (gen.restrictionRoleColumn || c.name !== 'RestrictionRole'),
  );
}

function keyRow(r: ApiKeyRow): Record<string, unknown> {
  return { RowId: r.RowId, CreatedBy: r.CreatedBy, Created: r.Created, Expiration: r.Expiration, LastUsed: r.LastUsed, Description: r.Description, RestrictionRole: r.RestrictionRole };
}

function rowIdOf(k: Record<string, unknown>): number | undefined {
  for (const [name, v] of Object.entries(k)) if (name.toLowerCase() === 'rowid') return Number(v);
  return undefined;
}

function forbiddenWhileImpersonating(u: QueryUser): boolean {
  return u.impersonated;
}

export function registerCoreTables(engine: QueryEngine, state: StateStore, gen: Generation): void {
  const columns = keyColumns(gen);
  const users: VirtualTable = {
    title: 'Users',
    description: 'Contains all users who are members of the current folder',
    columns: [
      { name: 'UserId', type: 'int', keyField: true, nullable: false, caption: 'User Id' },
      { name: 'DisplayName', type: 'string', caption: 'Display Name' },
      { name: 'Email', type: 'string' },
      { name: 'FirstName', type: 'string', caption: 'First Name' },
      { name: 'LastName', type: 'string', caption: 'Last Name' },
      { name: 'Active', type: 'boolean' },
    ],
    visible: (u) => (u.guest ? 'forbidden' : true),
    rows: () =>
      state.allUsers().map((u) => ({ UserId: u.id, DisplayName: u.displayName, Email: u.email, FirstName: null, LastName: null, Active: u.active })),
  };

  /** Any signed-in user's own keys; not listed; refused while impersonating. */
  const userKeys: VirtualTable = {
    title: 'User API Keys',
    listed: false,
    columns: columns.map((c) => (c.name === 'CreatedBy' ? { ...c, hidden: true } : c)),
    visible: (u) => (u.guest || forbiddenWhileImpersonating(u) ? 'forbidden' : true),
    rows: (u) => state.listApiKeys().filter((r) => r.CreatedBy === u.id).map(keyRow),
    deleteRows(u, keys) {
      if (u.guest || u.impersonated) throw new ActionError(u.guest ? 401 : 403, 'You do not have permission to delete the selected row.', UNAUTHORIZED_EXCEPTION);
      const ids = keys.map(rowIdOf);
      // All-or-nothing: any row that is not the caller's refuses the whole request.
      for (const id of ids) {
        const k = id === undefined || Number.isNaN(id) ? undefined : state.keyByRowId(id);
        if (k && k.userId !== u.id) throw new ActionError(403, 'You do not have permission to delete the selected row.', UNAUTHORIZED_EXCEPTION);
      }
      const out: Record<string, unknown>[] = [];
      for (const id of ids) if (id !== undefined && state.revokeApiKey(id)) out.push({ RowId: id });
      return out;
    },
    truncate() {
      // LabKey's UserApiKeysUpdateService refuses truncation outright.
      throw new ActionError(500, 'Truncation of table core.UserApiKeys is not supported.', 'java.lang.UnsupportedOperationException');
    },
  };

  /** Every key; only for users with User Management (site admins); others get query-not-found. */
  const allKeys: VirtualTable = {
    title: 'API Keys',
    columns,
    visible: (u) => (u.isSiteAdmin ? true : 'not-found'),
    rows: () => state.listApiKeys().map(keyRow),
    deleteRows(u, keys) {
      if (!u.isSiteAdmin) throw new ActionError(403, 'You do not have permission to delete the selected row.', UNAUTHORIZED_EXCEPTION);
      const out: Record<string, unknown>[] = [];
      for (const k of keys) {
        const id = rowIdOf(k);
        if (id !== undefined && state.revokeApiKey(id)) out.push({ RowId: id });
      }
      return out;
    },
    // The real table's update service is a DefaultQueryUpdateService: a truncate deletes every row
    // of core.APIKeys (the table has no container column), so every user's keys are revoked.
    truncate() {
      let n = 0;
      for (const r of state.listApiKeys()) if (state.revokeApiKey(r.RowId)) n++;
      return n;
    },
  };

  engine.registerVirtualTable('core', 'Users', users);
  engine.registerVirtualTable('core', 'UserAPIKeys', userKeys);
  engine.registerVirtualTable('core', 'APIKeys', allKeys);
}

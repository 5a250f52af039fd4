/**
 * Queries saved in an HTTP session by executeSql `saveInSession=true`, as LabKey's
 * `QueryServiceImpl.saveSessionQuery` / `getSessionQuery` keep them: per session, container and
 * schema; named `<schemaName as sent>_temp_<n>` with `n` from a server-wide counter
 * (`UniqueID.getServerSessionScopedUID`); the same SQL saved again in the same place keeps its
 * name. `getAllQueryDefs` gives session queries the highest priority, and `getQueryDef` matches
 * names case-insensitively. Schema keys compare case-insensitively (`QueryKey.equals`).
 * @module
 */
import type { SessionQueries, SessionQuery } from './types.js';

/**
 * Most characters of SQL the saved queries of all sessions hold together. LabKey keeps them for
 * as long as each session lives; the mock, where any key holder can open sessions without end
 * (one per cookie-less request), forgets the oldest saved queries past this instead.
 */
export const SAVED_SQL_BUDGET = 64 * 1024 * 1024;

function placeKey(container: string, schemaName: string): string {
  return `${container.toLowerCase()}|${schemaName.toLowerCase()}`;
}

/** The server's saved queries: their names' counter, and the budget over every session's. */
export class SavedQueries {
  private uid = 0;
  /** Every query saved, oldest first, with the session list it sits in (it may have ended since). */
  private readonly order: { list: SessionQuery[]; sq: SessionQuery }[] = [];
  private size = 0;

  constructor(private readonly budget: number = SAVED_SQL_BUDGET) {}

  /** Save `sql` in `store` (or find it already saved there); returns the query and its name. */
  save(store: SessionQueries, container: string, schemaName: string, sql: string): SessionQuery {
    const key = placeKey(container, schemaName);
    let list = store.get(key);
    if (!list) store.set(key, (list = []));
    const same = list.find((sq) => sq.sql === sql);
    if (same) return same;
    const sq: SessionQuery = { name: `${schemaName}_temp_${++this.uid}`, sql };
    list.push(sq);
    this.order.push({ list, sq });
    this.size += sql.length;
    // The newest is always kept, whatever its size (a request body is bounded already).
    while (this.size > this.budget && this.order.length > 1) {
      const old = this.order.shift()!;
      this.size -= old.sq.sql.length;
      const i = old.list.indexOf(old.sq);
      if (i >= 0) old.list.splice(i, 1);
    }
    return sq;
  }
}

/** The query named `name` (any case) saved in `store` for this container and schema, if any. */
export function findSessionQuery(store: SessionQueries | undefined, container: string, schemaName: string, name: string): SessionQuery | undefined {
  const lower = name.toLowerCase();
  return store?.get(placeKey(container, schemaName))?.find((sq) => sq.name.toLowerCase() === lower);
}

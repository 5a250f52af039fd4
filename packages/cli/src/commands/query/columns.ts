/** `lk query columns SCHEMA QUERY`: a query's columns: name, type, key, hidden, lookup target (query-getQueryDetails.api). */
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { command } from '../shared/command.js';
import { addDiscoveryOptions, writeDiscoveryRows, type DiscoveryOptions } from './discovery-output.js';

export const columnsCommand = command(
  (parent) =>
    addDiscoveryOptions(
      parent
        .command('columns')
        .description('list the columns of a query (name, type, key, hidden, lookup), e.g. `lk query columns lists People`')
        .argument('<schema>', 'schema name, e.g. lists or core')
        .argument('<query>', 'query (table) name, e.g. People'),
    ),
  runColumns,
);

export async function runColumns(schemaName: string, queryName: string, opts: DiscoveryOptions, deps: Deps): Promise<number> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const d = await c.getQueryDetails({ schemaName, queryName });
    const rows = d.columns.map((col) => ({
      Name: col.name,
      Type: col.type ?? '',
      Key: col.keyField,
      Hidden: col.hidden,
      Lookup: col.lookup ? `${col.lookup.schemaName}.${col.lookup.queryName}${col.lookup.keyColumn ? `.${col.lookup.keyColumn}` : ''}` : '',
      Caption: col.caption ?? '',
    }));
    await writeDiscoveryRows(deps, rows, opts, `(no columns in ${schemaName}.${queryName})`);
    return rows.length;
  });
}

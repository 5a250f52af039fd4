/** `lk query queries SCHEMA`: the queries (tables, saved queries) of a schema (query-getQueries.api). */
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { command } from '../shared/command.js';
import { rememberNames } from '../completion/cache.js';
import { addDiscoveryOptions, writeDiscoveryRows, type DiscoveryOptions } from './discovery-output.js';

export const queriesCommand = command(
  (parent) =>
    addDiscoveryOptions(
      parent
        .command('queries')
        .description('list the queries (tables and saved queries) of a schema, e.g. `lk query queries lists`')
        .argument('<schema>', 'schema name, e.g. lists or core'),
    ),
  runQueries,
);

export async function runQueries(schemaName: string, opts: DiscoveryOptions, deps: Deps): Promise<number> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const queries = await c.getQueries({ schemaName });
    await rememberNames(deps, server.url, queries.map((q) => q.name), schemaName);
    const rows = queries.map((q) => ({ Name: q.name, Title: q.title ?? '', Description: q.description ?? '', UserDefined: q.isUserDefined, Hidden: q.hidden }));
    await writeDiscoveryRows(deps, rows, opts, `(no queries in ${schemaName})`);
    return rows.length;
  });
}

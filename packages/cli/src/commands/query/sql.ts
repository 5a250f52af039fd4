/** `lk query sql "SQL" --schema S`: a LabKey SQL query, streamed page by page. */
import type { AuthScheme } from '../../config.js';
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { addQueryOptions, collectMetadata, streamRows, type OutputOptions } from './shared.js';
import { command } from '../shared/command.js';

export interface SqlOptions extends OutputOptions {
  server?: string;
  container?: string;
  auth?: AuthScheme;
  schema: string;
}

export const sqlCommand = command(
  (parent) =>
    addQueryOptions(
      parent
        .command('sql')
        .description('run LabKey SQL, e.g. `lk query sql "SELECT Name FROM People" --schema lists`')
        .argument('<sql>', 'the LabKey SQL statement')
        .requiredOption('--schema <name>', 'schema the query runs in, e.g. lists'),
    ),
  runSql,
);

export async function runSql(sql: string, opts: SqlOptions, deps: Deps): Promise<number> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const { metadata, onMetadata } = collectMetadata();
    const query = { schemaName: opts.schema, sql, maxRows: opts.maxRows, pageSize: opts.pageSize, onMetadata };
    const pages = { rows: () => c.executeSqlPages<Record<string, unknown>>(query), raw: () => c.executeSqlRawPages<Record<string, unknown>>({ ...query, oneRequest: opts.pageSize === undefined }) };
    return streamRows(deps, pages, { ...opts, metadata });
  });
}

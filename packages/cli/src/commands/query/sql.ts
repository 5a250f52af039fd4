/** `lk query sql "SQL" --schema S`: a LabKey SQL query, streamed page by page. */
import type { Command } from 'commander';
import type { AuthScheme } from '../../config.js';
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { addQueryOptions, streamRows, type OutputOptions } from './shared.js';

export interface SqlOptions extends OutputOptions {
  server?: string;
  container?: string;
  auth?: AuthScheme;
  schema: string;
}

export function sqlCommand(deps: Deps): (parent: Command) => Command {
  return (parent) => {
    const cmd = parent
      .command('sql')
      .description('run LabKey SQL, e.g. `lk query sql "SELECT Name FROM People" --schema lists`')
      .argument('<sql>', 'the LabKey SQL statement')
      .requiredOption('--schema <name>', 'schema the query runs in, e.g. lists');
    addQueryOptions(cmd);
    return cmd.action(async (sql: string, opts: SqlOptions) => {
      await runSql(sql, opts, deps);
    });
  };
}

export async function runSql(sql: string, opts: SqlOptions, deps: Deps): Promise<number> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const rows = c.executeSqlIter<Record<string, unknown>>({ schemaName: opts.schema, sql, maxRows: opts.maxRows, pageSize: opts.pageSize });
    return streamRows(deps, rows, opts);
  });
}

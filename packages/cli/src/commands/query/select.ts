/** `lk query select SCHEMA QUERY`: rows of a table or saved query, streamed page by page. */
import type { Filter } from '@lk/sdk';
import type { AuthScheme } from '../../config.js';
import type { Deps } from '../../deps.js';
import { usageError } from '../../cli-error.js';
import { errorText } from '../../handle-error.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { addQueryOptions, collectMetadata, splitList, streamRows, type OutputOptions } from './shared.js';
import { command } from '../shared/command.js';

export interface SelectOptions extends OutputOptions {
  server?: string;
  container?: string;
  auth?: AuthScheme;
  columns?: string;
  filter: string[];
  sort?: string;
}

export const selectCommand = command(
  (parent) =>
    addQueryOptions(
      parent
        .command('select')
        .description('print the rows of a query, e.g. `lk query select lists People --filter "Age~gt=30"`')
        .argument('<schema>', 'schema name, e.g. lists or core')
        .argument('<query>', 'query (table) name, e.g. People')
        .option('--columns <list>', 'comma-separated columns, e.g. Name,Age (given twice, both lists)', joinLists)
        .option('--filter <COL~OP=VALUE>', 'filter, repeatable, e.g. Age~gt=30 or Name~in=a;b', (v: string, acc: string[]) => [...acc, v], [] as string[])
        .option('--sort <list>', 'comma-separated columns, - for descending, e.g. -Age,Name (given twice, both lists)', joinLists),
    ),
  runSelect,
);

/** `--columns A --columns B` is `--columns A,B` (commander keeps only the last value of a plain option). */
function joinLists(v: string, prev: string | undefined): string {
  return prev === undefined ? v : `${prev},${v}`;
}

export async function runSelect(schemaName: string, queryName: string, opts: SelectOptions, deps: Deps): Promise<number> {
  const sdk = await deps.sdk();
  const filters: Filter[] = opts.filter.map((f) => {
    try {
      return sdk.parseFilter(f);
    } catch (e) {
      throw usageError(`Bad --filter "${f}": ${errorText(e)}`, 'Write it as COLUMN~OPERATOR=VALUE, e.g. Age~gt=30, Name~eq=Ann, Name~in=Ann;Bob, Email~isblank.');
    }
  });
  const server = await resolveServer(deps, opts.server);
  const columns = splitList(opts.columns);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const { metadata, onMetadata } = collectMetadata();
    const query = { schemaName, queryName, columns, filters, sort: splitList(opts.sort), maxRows: opts.maxRows, pageSize: opts.pageSize, onMetadata };
    const pages = { rows: () => c.selectRowsPages<Record<string, unknown>>(query), raw: () => c.selectRowsRawPages<Record<string, unknown>>({ ...query, oneRequest: opts.pageSize === undefined }) };
    return streamRows(deps, pages, { ...opts, columns, metadata });
  });
}

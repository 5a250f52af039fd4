import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { registerGroup } from '../shared/command.js';

/** The `lk query` group: select, sql, and discovery (schemas, queries, columns). */
export function registerQuery(program: Command, deps: Deps, args?: readonly string[]): Promise<Command> {
  return registerGroup(
    program,
    deps,
    'query',
    'read data: rows of a query, or LabKey SQL; list schemas, queries and columns',
    [
      ['select', async () => (await import('./select.js')).selectCommand],
      ['sql', async () => (await import('./sql.js')).sqlCommand],
      ['schemas', async () => (await import('./schemas.js')).schemasCommand],
      ['queries', async () => (await import('./queries.js')).queriesCommand],
      ['columns', async () => (await import('./columns.js')).columnsCommand],
    ],
    args,
  );
}

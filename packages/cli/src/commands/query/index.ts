import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { selectCommand } from './select.js';
import { sqlCommand } from './sql.js';

/** The `lk query` group: select, sql. */
export function registerQuery(program: Command, deps: Deps): Command {
  const query = program.command('query').description('read data: rows of a query, or LabKey SQL');
  selectCommand(deps)(query);
  sqlCommand(deps)(query);
  return query;
}

import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { selectCommand } from './select.js';
import { sqlCommand } from './sql.js';
import { schemasCommand } from './schemas.js';
import { queriesCommand } from './queries.js';
import { columnsCommand } from './columns.js';
import { registerGroup } from '../shared/command.js';

/** The `lk query` group: select, sql, and discovery (schemas, queries, columns). */
export function registerQuery(program: Command, deps: Deps): Command {
  return registerGroup(program, deps, 'query', 'read data: rows of a query, or LabKey SQL; list schemas, queries and columns', [
    selectCommand,
    sqlCommand,
    schemasCommand,
    queriesCommand,
    columnsCommand,
  ]);
}

/** `lk query schemas`: the schemas of a folder (query-getSchemas.api). */
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { command } from '../shared/command.js';
import { rememberNames } from '../completion/cache.js';
import { addDiscoveryOptions, writeDiscoveryRows, type DiscoveryOptions } from './discovery-output.js';

export const schemasCommand = command(
  (parent) => addDiscoveryOptions(parent.command('schemas').description('list the schemas of a folder, e.g. `lk query schemas --container /home`')),
  runSchemas,
);

export async function runSchemas(opts: DiscoveryOptions, deps: Deps): Promise<number> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const schemas = await c.getSchemas();
    await rememberNames(deps, server.url, schemas.map((s) => s.name));
    const rows = schemas.map((s) => ({ Name: s.name, Description: s.description ?? '', Hidden: s.hidden }));
    await writeDiscoveryRows(deps, rows, opts, '(no schemas)');
    return rows.length;
  });
}

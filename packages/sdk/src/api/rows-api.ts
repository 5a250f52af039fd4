import type { Core } from '../request.js';
import { InvalidArgumentError } from '../errors/credential-errors.js';
import type { ContainerInfo, GetContainersOptions, ModifyRowsOptions, ModifyRowsResult } from './types.js';

/** insertRows / updateRows / deleteRows: JSON POSTs with the CSRF token. */
export async function modifyRows<R>(
  core: Core,
  defaultContainer: string,
  action: 'insertRows' | 'updateRows' | 'deleteRows',
  o: ModifyRowsOptions<R>,
): Promise<ModifyRowsResult<R>> {
  if (!o.schemaName || !o.queryName) throw new InvalidArgumentError(`${action} needs schemaName and queryName.`);
  if (!Array.isArray(o.rows) || o.rows.length === 0) throw new InvalidArgumentError(`${action} needs at least one row.`);
  const body: Record<string, unknown> = { schemaName: o.schemaName, queryName: o.queryName, rows: o.rows };
  if (o.transacted === false) body.transacted = false;
  if (o.auditUserComment !== undefined) body.auditUserComment = o.auditUserComment;
  const j = await core.call<Record<string, unknown>>({
    controller: 'query',
    action,
    container: o.container ?? defaultContainer,
    method: 'POST',
    json: body,
    mutating: true,
    idempotent: false,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return {
    rows: (Array.isArray(j.rows) ? j.rows : []) as R[],
    rowsAffected: typeof j.rowsAffected === 'number' ? j.rowsAffected : 0,
    command: String(j.command ?? action.replace('Rows', '')),
    schemaName: String(j.schemaName ?? o.schemaName),
    queryName: String(j.queryName ?? o.queryName),
  };
}

function toContainer(o: Record<string, unknown>): ContainerInfo {
  const children = Array.isArray(o.children) ? (o.children as Record<string, unknown>[]).map(toContainer) : [];
  return { ...o, name: String(o.name ?? ''), path: String(o.path ?? ''), children } as ContainerInfo;
}

/** `project-getContainers.api` (works for guests; the answer is filtered by permission). */
export async function getContainers(core: Core, defaultContainer: string, o: GetContainersOptions = {}): Promise<ContainerInfo> {
  const params: Record<string, string | number | boolean> = {};
  if (o.includeSubfolders !== undefined) params.includeSubfolders = o.includeSubfolders;
  if (o.depth !== undefined) params.depth = o.depth;
  if (o.includeEffectivePermissions !== undefined) params.includeEffectivePermissions = o.includeEffectivePermissions;
  if (o.includeStandardProperties !== undefined) params.includeStandardProperties = o.includeStandardProperties;
  const j = await core.call<Record<string, unknown>>({
    controller: 'project',
    action: 'getContainers',
    container: o.container ?? defaultContainer,
    method: 'GET',
    params,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return toContainer(j);
}

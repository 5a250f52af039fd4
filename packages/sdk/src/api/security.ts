import type { Core } from '../request.js';
import { Secret } from '../redact/secret.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import { BadResponseError, NotFoundError } from '../errors/http-error.js';
import { InvalidArgumentError, UnsupportedError } from '../errors/credential-errors.js';
import { describeKeyRole, findKeyRole, KEY_ROLE_NAMES, keyRoleName, type ApiKeyRole } from './key-roles.js';
import { selectRows } from './query.js';
import type { ApiKeyRow, CreateApiKeyOptions, CreatedApiKey, WhoAmI } from './types.js';
import type { KeyInfo } from '../auth/diagnose-rejection.js';

/** `login-whoAmI.api` in the root container. A guest answer although a key was sent throws ApiKeyRejectedError (`legacy-guest`). */
export async function whoAmI(core: Core, signal?: AbortSignal): Promise<WhoAmI> {
  const j = await core.call<Record<string, unknown>>({ controller: 'login', action: 'whoAmI', container: '/', method: 'GET', ...(signal ? { signal } : {}) });
  return {
    id: Number(j.id),
    email: String(j.email ?? ''),
    displayName: String(j.displayName ?? ''),
    impersonated: j.impersonated === true,
    CSRF: String(j.CSRF ?? ''),
  };
}

/**
 * LabKey dates (`yyyy-MM-dd HH:mm:ss.SSS`, server local time, no zone; `yyyy/MM/dd` before 2019)
 * to ISO. Without a zone the string is read in this machine's time zone; the mock and most
 * deployments in tests share it.
 */
export function labkeyDateToIso(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return new Date(v).toISOString();
  const s = String(v).replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3');
  const d = /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? new Date(s) : new Date(s.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}

function get(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const k in row) if (k.toLowerCase() === lower) return row[k];
  return undefined;
}

function toApiKeyRow(r: Record<string, unknown>): ApiKeyRow {
  const createdBy = get(r, 'CreatedBy');
  const desc = get(r, 'Description');
  const role = get(r, 'RestrictionRole');
  return {
    rowId: Number(get(r, 'RowId')),
    createdBy: typeof createdBy === 'number' ? createdBy : createdBy == null ? undefined : Number(createdBy),
    created: labkeyDateToIso(get(r, 'Created')) ?? undefined,
    expiration: labkeyDateToIso(get(r, 'Expiration')),
    lastUsed: labkeyDateToIso(get(r, 'LastUsed')),
    description: desc == null ? null : String(desc),
    // Undefined when the server has no such column (before 26.7).
    role: role === undefined ? undefined : role === null || role === '' ? null : String(role),
  };
}

/** Which columns a generation has varies (Description and LastUsed from 24.x, RestrictionRole in 26.7): the server drops the others, and that is no warning. */
const KEY_COLUMNS = ['RowId', 'CreatedBy', 'Created', 'Expiration', 'LastUsed', 'Description', 'RestrictionRole'];

/** core.UserAPIKeys: the signed-in user's own keys (never the keys themselves). */
export function listApiKeys(core: Core, container: string, signal?: AbortSignal): Promise<ApiKeyRow[]> {
  return listKeyTable(core, container, 'UserAPIKeys', signal);
}

/** core.APIKeys in the root container: every user's keys (site administrators only; others get NotFoundError). */
export async function listAllApiKeys(core: Core, signal?: AbortSignal): Promise<ApiKeyRow[]> {
  const rows = await listKeyTable(core, '/', 'APIKeys', signal);
  // CreatedBy is a user id: the owners' emails from core.Users (one request), else the ids alone.
  const emails = new Map<number, string>();
  try {
    const users = await selectRows<Record<string, unknown>>(core, '/', { schemaName: 'core', queryName: 'Users', columns: ['UserId', 'Email'], maxRows: -1, ...(signal ? { signal } : {}) }, false);
    for (const u of users.rows) if (typeof get(u, 'Email') === 'string') emails.set(Number(get(u, 'UserId')), get(u, 'Email') as string);
  } catch {
    /* the ids stay */
  }
  return rows.map((r) => (r.createdBy !== undefined && emails.has(r.createdBy) ? { ...r, createdByEmail: emails.get(r.createdBy) } : r));
}

async function listKeyTable(core: Core, container: string, queryName: 'UserAPIKeys' | 'APIKeys', signal?: AbortSignal): Promise<ApiKeyRow[]> {
  const r = await selectRows<Record<string, unknown>>(core, container, {
    schemaName: 'core',
    queryName,
    columns: KEY_COLUMNS,
    sort: '-RowId',
    maxRows: -1,
    ...(signal ? { signal } : {}),
    // Columns the SDK picked, some of which a server may lack: no warning for them.
  }, false);
  return r.rows.map(toApiKeyRow);
}

/**
 * `security-createApiKey.api`, then core.UserAPIKeys right after, to learn the new key's row id and
 * expiry (the newest row with that description). Session keys are not in that table; their info
 * carries only the fingerprint.
 */
export async function createApiKey(core: Core, container: string, o: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
  const type = o.type ?? 'apikey';
  const body: Record<string, unknown> = { type };
  if (o.description !== undefined) body.description = o.description;
  let role: ApiKeyRole | undefined;
  if (o.role !== undefined) {
    // Asked first: a server before 26.7 would ignore `role` and make an unrestricted key.
    const roles = await getApiKeyRoles(core, container, o.signal);
    role = findKeyRole(roles, o.role);
    if (!role) {
      const offered = roles.map((r) => r.name ?? r.uniqueName);
      throw new InvalidArgumentError(`${core.opts.baseUrl} cannot restrict a key to the role ${JSON.stringify(o.role)}; it offers ${offered.join(', ')}.`, {
        hint: `Use one of: ${offered.join(', ')}.`,
      });
    }
    body.role = role.uniqueName;
  }
  const j = await core.call<Record<string, unknown>>({
    controller: 'security',
    action: 'createApiKey',
    container,
    method: 'POST',
    json: body,
    mutating: true,
    idempotent: false,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (typeof j.apikey !== 'string' || j.apikey.length === 0) {
    throw new BadResponseError('createApiKey answered without a key.', { status: 200, hint: 'Run `lk doctor`; the server may be too old.' });
  }
  const apiKey = new Secret(j.apikey);
  const info: KeyInfo = { fingerprint: fingerprintKey(apiKey), server: core.opts.baseUrl };
  if (o.description !== undefined) info.description = o.description.trim().slice(0, 256);
  if (type === 'apikey' && o.role !== undefined) info.role = role!.uniqueName;
  else if (type === 'apikey' && role === undefined) info.role = null;
  if (type === 'apikey') {
    // The key exists now and is shown only once: a failed lookup must not lose it, so the key is
    // returned with what is known (no row id or expiry) and the failure goes to the debug log.
    let rows: ApiKeyRow[];
    try {
      rows = await listApiKeys(core, container, o.signal);
    } catch (e) {
      core.debugSink()?.(`created a key (fingerprint ${info.fingerprint}) but could not read core.UserAPIKeys: ${(e as { code?: string }).code ?? 'error'}`);
      return { apiKey, info };
    }
    const want = o.description?.trim().slice(0, 256);
    const mine = rows
      .filter((r) => want === undefined || r.description === want)
      .sort((a, b) => b.rowId - a.rowId)[0];
    if (mine) {
      info.rowId = mine.rowId;
      info.rowIdFrom = 'created';
      if (mine.created) info.createdAt = mine.created;
      info.expiresAt = mine.expiration;
      if (mine.description !== null) info.description = mine.description;
      if (mine.role !== undefined) info.role = mine.role;
    }
  }
  return { apiKey, info };
}

/** Deletes a key row (core.UserAPIKeys, or core.APIKeys with `all` for administrators). Takes effect at once. */
export async function revokeApiKey(core: Core, container: string, rowId: number, o: { all?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  await core.call({
    controller: 'query',
    action: 'deleteRows',
    container: o.all ? '/' : container,
    method: 'POST',
    json: { schemaName: 'core', queryName: o.all ? 'APIKeys' : 'UserAPIKeys', rows: [{ RowId: rowId }] },
    mutating: true,
    idempotent: false,
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/**
 * `security-getApiKeyRoles.api` (LabKey 26.7): the roles a key can be restricted to. A server
 * without the action (before 26.7) throws UnsupportedError `key-roles`.
 */
export async function getApiKeyRoles(core: Core, container: string, signal?: AbortSignal): Promise<ApiKeyRole[]> {
  let j: Record<string, unknown>;
  try {
    j = await core.call<Record<string, unknown>>({ controller: 'security', action: 'getApiKeyRoles', container, method: 'GET', ...(signal ? { signal } : {}) });
  } catch (e) {
    if (e instanceof NotFoundError && e.what === 'action') {
      throw new UnsupportedError(
        `${core.opts.baseUrl} cannot restrict keys to a role: it has no security-getApiKeyRoles action, so it is older than LabKey 26.7 (which brought role-restricted keys). No key was created.`,
        { feature: 'key-roles', hint: `Create the key without a role (it then has all of its user's permissions), or ask the administrator to upgrade to LabKey 26.7. Roles on 26.7: ${KEY_ROLE_NAMES.join(', ')}.`, cause: e },
      );
    }
    throw e;
  }
  // A JSON array (the SDK hands it over as `list`), or an object holding one.
  const list = Array.isArray(j.list) ? j.list : Array.isArray(j.roles) ? j.roles : [];
  return list
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && typeof (r as { uniqueName?: unknown }).uniqueName === 'string')
    .map((r) => {
      const uniqueName = String(r.uniqueName);
      return { uniqueName, displayName: typeof r.displayName === 'string' ? r.displayName : describeKeyRole(uniqueName), name: keyRoleName(uniqueName) };
    });
}

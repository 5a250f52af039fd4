import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KeyRecord, UserRecord } from './records.js';
import type { SiteSettings } from './types.js';

/** The serialised form written to `--data FILE`. */
export interface PersistedState {
  format: 'lk-mock-server/1';
  settings: SiteSettings;
  nextUserId: number;
  nextKeyRowId: number;
  users: UserRecord[];
  keys: Array<Omit<KeyRecord, 'created' | 'expiration' | 'lastUsed'> & { created: string; expiration: string | null; lastUsed: string | null }>;
  /** The query engine's lists (its own format). */
  query?: unknown;
}

/** The persistent part of the mock's state: what a data file holds besides the lists. */
export interface StateSnapshot {
  settings: SiteSettings;
  nextUserId: number;
  nextKeyRowId: number;
  users: UserRecord[];
  keys: KeyRecord[];
}

/** The data file's form of a state (dates as ISO strings; records copied). */
export function encodeState(s: StateSnapshot, query?: unknown): PersistedState {
  return {
    format: 'lk-mock-server/1',
    settings: { ...s.settings },
    nextUserId: s.nextUserId,
    nextKeyRowId: s.nextKeyRowId,
    users: s.users.map((u) => ({ ...u })),
    keys: s.keys.map((k) => ({
      rowId: k.rowId,
      userId: k.userId,
      crypt: k.crypt,
      created: k.created.toISOString(),
      expiration: k.expiration ? k.expiration.toISOString() : null,
      lastUsed: k.lastUsed ? k.lastUsed.toISOString() : null,
      description: k.description,
      role: k.role,
    })),
    ...(query === undefined ? {} : { query }),
  };
}

/**
 * A state read back from its data-file form. Throws on another format or a key whose hash is not
 * `sha256:<64 hex>`. The next ids are never below an id in use (nor below 1001 for users, 1 for keys).
 */
export function decodeState(p: PersistedState): StateSnapshot {
  if (!p || p.format !== 'lk-mock-server/1') throw new Error(`not an lk-mock-server data file (format ${JSON.stringify((p as { format?: unknown })?.format)})`);
  const users: UserRecord[] = p.users.map((u) => ({
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    siteAdmin: Boolean(u.siteAdmin),
    salt: u.salt,
    passwordHash: u.passwordHash,
    // Files written before deactivation existed have no `active`: those users are active.
    active: u.active !== false,
  }));
  const keys: KeyRecord[] = p.keys.map((k) => {
    if (!/^sha256:[0-9a-f]{64}$/.test(k.crypt)) throw new Error(`data file: key row ${k.rowId} has a malformed hash`);
    return {
      rowId: k.rowId,
      userId: k.userId,
      crypt: k.crypt,
      created: new Date(k.created),
      expiration: k.expiration ? new Date(k.expiration) : null,
      lastUsed: k.lastUsed ? new Date(k.lastUsed) : null,
      description: k.description ?? null,
      role: typeof k.role === 'string' ? k.role : null,
    };
  });
  let nextUserId = Math.max(1001, Number(p.nextUserId) || 0);
  for (const u of users) nextUserId = Math.max(nextUserId, u.id + 1);
  let nextKeyRowId = Math.max(1, Number(p.nextKeyRowId) || 0);
  for (const k of keys) nextKeyRowId = Math.max(nextKeyRowId, k.rowId + 1);
  return { settings: p.settings, nextUserId, nextKeyRowId, users, keys };
}

/** Read a data file; undefined when it does not exist. A malformed file is an error, never ignored. */
export function readDataFile(file: string): PersistedState | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as PersistedState;
  } catch (e) {
    throw new Error(`lk-mock-server: data file ${file} is not valid JSON (${(e as Error).message}); fix or remove it`);
  }
}

/** Write to a temporary file in the same directory, fsync, then rename over the target. */
export function writeDataFileAtomic(file: string, data: PersistedState): void {
  // A fresh name opened with O_EXCL: a file or symlink planted at a guessable name is never written through.
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(data));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* ignore */
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

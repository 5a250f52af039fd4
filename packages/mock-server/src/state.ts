import { timingSafeEqual } from 'node:crypto';
import { cryptOf, hashPassword, newHex64, newSalt, safeEqual } from './crypto-util.js';
import { decodeState, encodeState, type PersistedState } from './persist.js';
import { generationFor, type Generation } from './generations.js';
import type { SessionQueries } from './query/types.js';
import type { KeyRecord, UserRecord } from './records.js';
import type { ApiKeyRow, MockClock, MockState, MockUser, SiteSettings } from './types.js';

/** An HTTP session (JSESSIONID). Impersonation and session keys live here, as on the server. */
export interface Session {
  id: string;
  /** The user who logged in (the admin, while impersonating). */
  userId: number;
  /** The user being impersonated, or null. */
  impersonatedUserId: number | null;
  /** Clock time of the last request in this session (ms since epoch). */
  lastAccess: number;
  /** Crypts of session keys bound to this session. */
  keys: Set<string>;
  /** The crypt of the API key whose authentication started this session, if one did. */
  startedByKey?: string;
  /** The role the key that started it was restricted to (26.7), if any. */
  role?: string | null;
  /** Queries executeSql saved here (`saveInSession=true`): they end with the session. */
  queries?: SessionQueries;
}

export type KeyLookup =
  | { kind: 'session-key'; session: Session }
  | { kind: 'api-key'; key: KeyRecord; user: UserRecord };

/** Real server: LastUsed is written at most once per 10 minutes per key. */
export const LAST_USED_GRANULARITY_MS = 10 * 60 * 1000;
export const DESCRIPTION_MAX = 256;
export const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60 * 1000;

export class StateStore implements MockState {
  private _settings: SiteSettings = { allowApiKeys: false, apiKeyExpirationSeconds: -1, allowSessionKeys: false };
  private readonly usersById = new Map<number, UserRecord>();
  private readonly usersByEmail = new Map<string, UserRecord>();
  private readonly keysByCrypt = new Map<string, KeyRecord>();
  private readonly keysByRowId = new Map<number, KeyRecord>();
  private readonly sessions = new Map<string, Session>();
  private readonly sessionKeys = new Map<string, string>(); // crypt -> session id
  private nextUserId = 1001;
  private nextKeyRowId = 1;
  /** Set whenever something persistent changed; the server saves and clears it. */
  dirty = false;
  /** Called when something persistent changes (the server schedules a save). */
  onChange: (() => void) | undefined;

  private markDirty(): void {
    this.dirty = true;
    this.onChange?.();
  }

  constructor(
    readonly clock: MockClock,
    readonly sessionTimeoutMs: number = DEFAULT_SESSION_TIMEOUT_MS,
    readonly generation: Generation = generationFor(undefined),
  ) {}

  get labkeyVersion(): string {
    return this.generation.version;
  }

  /**
   * A new key in the generation's format (protocol §2.3): before 23.3 `apikey|` + 32 hex for an API
   * key and `session|` + 32 hex for a session key; 64 hex for both since.
   */
  private newKey(kind: 'apikey' | 'session' = 'apikey'): string {
    return this.generation.keyFormat === 'prefixed' ? `${kind}|${newHex64().slice(0, 32)}` : newHex64();
  }

  // ---- settings -------------------------------------------------------------------------

  get settings(): SiteSettings {
    return { ...this._settings };
  }

  updateSettings(patch: Partial<SiteSettings>): void {
    const next = { ...this._settings };
    if (patch.allowApiKeys !== undefined) next.allowApiKeys = Boolean(patch.allowApiKeys);
    if (patch.allowSessionKeys !== undefined) next.allowSessionKeys = Boolean(patch.allowSessionKeys);
    if (patch.secondaryAuth !== undefined) next.secondaryAuth = Boolean(patch.secondaryAuth);
    if (patch.apiKeyExpirationSeconds !== undefined) {
      const s = Number(patch.apiKeyExpirationSeconds);
      if (!Number.isInteger(s) || (s !== -1 && s <= 0)) {
        throw new RangeError(`apiKeyExpirationSeconds must be -1 (never) or a positive whole number of seconds, got ${String(patch.apiKeyExpirationSeconds)}`);
      }
      next.apiKeyExpirationSeconds = s;
    }
    this._settings = next;
    this.markDirty();
  }

  // ---- users ----------------------------------------------------------------------------

  addUser(u: { email: string; password: string; displayName?: string; siteAdmin?: boolean }): { id: number } {
    const email = u.email.trim();
    if (!email.includes('@')) throw new TypeError(`addUser: '${email}' is not an email address`);
    if (this.usersByEmail.has(email.toLowerCase())) throw new Error(`addUser: ${email} already exists`);
    const salt = newSalt();
    const rec: UserRecord = {
      id: this.nextUserId++,
      email,
      displayName: u.displayName ?? email.split('@')[0]!,
      siteAdmin: Boolean(u.siteAdmin),
      salt,
      passwordHash: hashPassword(u.password, salt),
      active: true,
    };
    this.usersById.set(rec.id, rec);
    this.usersByEmail.set(email.toLowerCase(), rec);
    this.markDirty();
    return { id: rec.id };
  }

  user(email: string): MockUser | undefined {
    const r = this.usersByEmail.get(email.trim().toLowerCase());
    return r ? publicUser(r) : undefined;
  }

  setUserActive(email: string, active: boolean): void {
    this.requireUser(email).active = Boolean(active);
    this.markDirty();
  }

  userRecord(email: string): UserRecord | undefined {
    return this.usersByEmail.get(email.trim().toLowerCase());
  }

  userById(id: number): UserRecord | undefined {
    return this.usersById.get(id);
  }

  allUsers(): UserRecord[] {
    return [...this.usersById.values()].sort((a, b) => a.id - b.id);
  }

  /** Email/password check. Unknown emails still cost a hash, so timing does not reveal them. */
  checkPassword(email: string, password: string): UserRecord | undefined {
    const rec = this.usersByEmail.get(email.trim().toLowerCase());
    const salt = rec?.salt ?? 'no-such-user';
    const h = hashPassword(password, salt);
    const ok = safeEqual(h, rec?.passwordHash ?? '0'.repeat(64));
    return ok && rec ? rec : undefined;
  }

  // ---- API keys -------------------------------------------------------------------------

  issueApiKey(email: string, opts: { description?: string; expirationSeconds?: number; role?: string } = {}): { key: string; rowId: number } {
    const u = this.requireUser(email);
    const key = this.newKey();
    const seconds = opts.expirationSeconds ?? this._settings.apiKeyExpirationSeconds;
    const created = this.clock.now();
    const expiresAt = seconds === -1 || seconds === undefined ? null : new Date(created.getTime() + seconds * 1000);
    const { rowId } = this.storeKey(u.id, key, opts.description, expiresAt, created, opts.role ?? null);
    return { key, rowId };
  }

  seedApiKey(email: string, rawKey: string, opts: { description?: string; expiresAt?: Date | null } = {}): { rowId: number } {
    const u = this.requireUser(email);
    if (rawKey.length === 0) throw new TypeError('seedApiKey: the key is empty');
    return this.storeKey(u.id, rawKey, opts.description, opts.expiresAt ?? null);
  }

  /** The key created by security-createApiKey: expiry fixed now from the site setting. */
  createKeyForUser(userId: number, description: string | undefined, role: string | null = null): string {
    const key = this.newKey();
    const s = this._settings.apiKeyExpirationSeconds;
    // One clock reading for both Created and Expiration, so Expiration - Created is exactly the setting.
    const created = this.clock.now();
    const expiresAt = s === -1 ? null : new Date(created.getTime() + s * 1000);
    this.storeKey(userId, key, description, expiresAt, created, role);
    return key;
  }

  private storeKey(
    userId: number,
    rawKey: string,
    description: string | undefined,
    expiresAt: Date | null,
    created: Date = this.clock.now(),
    role: string | null = null,
  ): { rowId: number } {
    const crypt = cryptOf(rawKey);
    if (this.keysByCrypt.has(crypt)) throw new Error('a key with the same hash is already stored');
    const desc = description === undefined ? null : description.trim().slice(0, DESCRIPTION_MAX) || null;
    const rec: KeyRecord = {
      rowId: this.nextKeyRowId++,
      userId,
      crypt,
      created,
      expiration: expiresAt,
      lastUsed: null,
      description: desc,
      role,
    };
    this.keysByCrypt.set(crypt, rec);
    this.keysByRowId.set(rec.rowId, rec);
    this.markDirty();
    return { rowId: rec.rowId };
  }

  revokeApiKey(rowId: number): boolean {
    const rec = this.keysByRowId.get(rowId);
    if (!rec) return false;
    this.keysByRowId.delete(rowId);
    this.keysByCrypt.delete(rec.crypt);
    // 26.7: deleting a key ends the sessions it started; before, they live until idle.
    if (this.generation.revokeEndsSessions) {
      for (const sess of [...this.sessions.values()]) if (sess.startedByKey === rec.crypt) this.invalidateSession(sess.id);
    }
    this.markDirty();
    return true;
  }

  keyByRowId(rowId: number): KeyRecord | undefined {
    return this.keysByRowId.get(rowId);
  }

  listApiKeys(email?: string): ApiKeyRow[] {
    let userId: number | undefined;
    if (email !== undefined) {
      const u = this.usersByEmail.get(email.trim().toLowerCase());
      if (!u) return [];
      userId = u.id;
    }
    const out: ApiKeyRow[] = [];
    for (const k of this.keysByRowId.values()) {
      if (userId === undefined || k.userId === userId) out.push(toRow(k));
    }
    return out.sort((a, b) => a.RowId - b.RowId);
  }

  keyCount(): number {
    return this.keysByCrypt.size;
  }

  /**
   * Resolve a presented key: first as a live session key, then as a stored API key by its hash
   * (one Map lookup, then a constant-time comparison of the hashes), checking expiry on the clock.
   * The whole string is the secret: nothing is parsed or stripped out of it.
   */
  lookupKey(raw: string): KeyLookup | undefined {
    const crypt = cryptOf(raw);
    const session = this.lookupSessionKey(raw, crypt);
    if (session) return { kind: 'session-key', session };
    return this.lookupApiKey(raw, crypt);
  }

  /** The live session a session key is bound to, if any (a dead session's keys are dropped). */
  lookupSessionKey(raw: string, crypt: string = cryptOf(raw)): Session | undefined {
    const sid = this.sessionKeys.get(crypt);
    if (sid === undefined) return undefined;
    const session = this.getSession(sid);
    if (!session) this.sessionKeys.delete(crypt);
    return session;
  }

  /** A stored, unexpired API key and its owner; records LastUsed (at most once per 10 minutes). */
  lookupApiKey(raw: string, crypt: string = cryptOf(raw)): { kind: 'api-key'; key: KeyRecord; user: UserRecord } | undefined {
    const rec = this.keysByCrypt.get(crypt);
    if (!rec) return undefined;
    const a = Buffer.from(rec.crypt, 'latin1');
    const b = Buffer.from(crypt, 'latin1');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    const now = this.clock.now();
    if (rec.expiration !== null && rec.expiration.getTime() <= now.getTime()) return undefined;
    const user = this.usersById.get(rec.userId);
    if (!user) return undefined;
    if (rec.lastUsed === null || now.getTime() - rec.lastUsed.getTime() >= LAST_USED_GRANULARITY_MS) {
      rec.lastUsed = now;
      this.markDirty();
    }
    return { kind: 'api-key', key: rec, user };
  }

  // ---- sessions -------------------------------------------------------------------------

  private sessionsCreated = 0;

  createSession(userId: number, startedBy?: { crypt: string; role: string | null }): Session {
    // Idle sessions are dropped when next looked up; sweep now and then so abandoned ones go too.
    if (++this.sessionsCreated % 256 === 0) this.sweepSessions();
    const s: Session = { id: newHex64().slice(0, 32).toUpperCase(), userId, impersonatedUserId: null, lastAccess: this.clock.now().getTime(), keys: new Set() };
    if (startedBy) {
      s.startedByKey = startedBy.crypt;
      s.role = startedBy.role;
    }
    this.sessions.set(s.id, s);
    return s;
  }

  /** A live session, touched; a session idle longer than the timeout is invalidated (and its keys with it). */
  getSession(id: string): Session | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.clock.now().getTime();
    if (now - s.lastAccess > this.sessionTimeoutMs) {
      this.invalidateSession(id);
      return undefined;
    }
    s.lastAccess = now;
    return s;
  }

  /** Invalidate every session idle longer than the timeout (and its session keys). */
  sweepSessions(): void {
    const now = this.clock.now().getTime();
    for (const s of [...this.sessions.values()]) if (now - s.lastAccess > this.sessionTimeoutMs) this.invalidateSession(s.id);
  }

  invalidateSession(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    for (const c of s.keys) this.sessionKeys.delete(c);
    s.keys.clear();
    this.sessions.delete(id);
  }

  /** A session key bound to this session: memory only, never in core.APIKeys. */
  createSessionKey(session: Session): string {
    const key = this.newKey('session');
    const crypt = cryptOf(key);
    session.keys.add(crypt);
    this.sessionKeys.set(crypt, session.id);
    return key;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  // ---- persistence (the file format is persist.ts's) -----------------------------------

  /** Users, settings and keys (never sessions) in the data file's form, with the engine's lists as `query`. */
  serialize(query?: unknown): PersistedState {
    return encodeState(
      { settings: { ...this._settings }, nextUserId: this.nextUserId, nextKeyRowId: this.nextKeyRowId, users: this.allUsers(), keys: [...this.keysByRowId.values()] },
      query,
    );
  }

  /** Replace users, settings and keys with a persisted state (sessions are never persisted). */
  load(p: PersistedState): void {
    const snap = decodeState(p);
    this.usersById.clear();
    this.usersByEmail.clear();
    this.keysByCrypt.clear();
    this.keysByRowId.clear();
    this._settings = { ...this._settings, ...snap.settings };
    for (const rec of snap.users) {
      this.usersById.set(rec.id, rec);
      this.usersByEmail.set(rec.email.toLowerCase(), rec);
    }
    for (const rec of snap.keys) {
      this.keysByCrypt.set(rec.crypt, rec);
      this.keysByRowId.set(rec.rowId, rec);
    }
    this.nextUserId = snap.nextUserId;
    this.nextKeyRowId = snap.nextKeyRowId;
    this.dirty = false;
  }

  private requireUser(email: string): UserRecord {
    const u = this.usersByEmail.get(email.trim().toLowerCase());
    if (!u) throw new Error(`no user ${email}`);
    return u;
  }
}

export function publicUser(r: UserRecord): MockUser {
  return { id: r.id, email: r.email, displayName: r.displayName, siteAdmin: r.siteAdmin, active: r.active };
}

function toRow(k: KeyRecord): ApiKeyRow {
  return { RowId: k.rowId, CreatedBy: k.userId, Created: new Date(k.created), Expiration: k.expiration ? new Date(k.expiration) : null, LastUsed: k.lastUsed ? new Date(k.lastUsed) : null, Description: k.description, RestrictionRole: k.role };
}

/**
 * Format-preserving netrc writer.
 *
 * Text functions are pure: they parse the text (so a file that cannot be parsed is never
 * edited), change only the bytes of the target entry, and leave everything else as it was:
 * comments, blank lines, macdefs, other machines, `default`, and line endings (new text uses CRLF
 * when the file's first line break is CRLF).
 *
 * - set: the FIRST `machine` entry for the host is edited in place, token by token (a value is
 *   replaced inside its own token; a missing login/password/account is inserted after the token
 *   it follows). Later entries for the same host are dead (no reader sees them) and are left
 *   alone; `lk doctor` reports them (`duplicate-machine` warning). A new entry goes just before
 *   the first `default` (after it, curl would never read it), else at the end of the file; an
 *   existing entry found after `default` is edited and then moved, bytes unchanged, before it.
 * - remove: EVERY `machine` entry for the host is removed, so that a dead duplicate cannot come
 *   back to life. An entry alone on its lines takes its lines with it; otherwise only the entry
 *   and the spaces next to it go.
 *
 * File functions do the same under a lock file, with an atomic replace (see {@link updateNetrcFile}).
 */
import { open, rename, unlink, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isSecret, type Secret } from '../../redact/secret.js';
import { CredentialStoreError, InvalidArgumentError, NetrcSyntaxError } from '../../errors/credential-errors.js';
import { NetrcValueError, type NetrcValueProblem } from '../../errors/netrc-value-error.js';
import { netrcHostKey, netrcHostname, parseNetrc, type NetrcEntry, type NetrcField } from './parse-netrc.js';
import { netrcWriteTarget, readNetrcForWrite } from './netrc-file.js';
import { acquireNetrcLock, netrcTempName, removeDeadWritersTempFiles, type NetrcLockOptions } from './netrc-lock.js';

/**
 * What to store for a host. `login` or `account` left undefined keeps the entry's current value
 * (so a key rotation can pass only `password`); `account: null` removes the account.
 * @public
 */
export interface NetrcCredentials {
  login?: string;
  password: Secret | string;
  account?: string | null;
}

/** @public */
export interface NetrcWriteOptions extends NetrcLockOptions {}

/** What a file write did. @public */
export interface NetrcWriteResult {
  /** The file written (the symlink's target when `path` is a symlink). */
  path: string;
  /** True when the file's content changed. */
  changed: boolean;
  /** True when the file did not exist and was created. */
  created: boolean;
  /** True when the old mode let group or others read the file and it is now 0600. */
  modeTightened: boolean;
  /** The permission bits before the write (undefined when the file was created). */
  previousMode: number | undefined;
  /** True when a lock left by a dead writer had to be broken first. */
  recoveredStaleLock: boolean;
}

const KEYWORDS = new Set(['machine', 'default', 'login', 'password', 'account', 'port', 'macdef']);

function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

// Every Unicode space (JavaScript's \s), plus NEL, the Mongolian vowel separator and zero-width space.
const NON_ASCII_SPACE = /[\u0085\u00a0\u1680\u180e\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;
// C0 and C1 controls and DEL (line breaks, tab, VT and FF are reported as such first).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `v` cannot be written as a bare netrc token that every reader (Python `netrc`, curl and
 * libcurl, LabKey's Java client) reads the same, or undefined when it can.
 * @internal
 */
export function netrcValueProblem(v: string): NetrcValueProblem | undefined {
  if (v === '') return 'empty';
  if (/[\r\n]/.test(v)) return 'line-break';
  if (/[ \t\v\f]/.test(v)) return 'whitespace';
  if (NON_ASCII_SPACE.test(v)) return 'non-ascii-space';
  if (CONTROL.test(v)) return 'control';
  if (v.includes('"')) return 'quote';
  if (v.includes('\\')) return 'backslash';
  if (v.startsWith('#')) return 'comment-start';
  if (KEYWORDS.has(v)) return 'keyword';
  return undefined;
}

function checkValue(field: 'login' | 'password' | 'account', v: string): void {
  const problem = netrcValueProblem(v);
  if (problem) throw new NetrcValueError(field, problem);
}

function machineToken(host: string): string {
  const h = netrcHostname(host);
  if (netrcValueProblem(h) !== undefined || /[#,]/.test(h)) {
    throw new InvalidArgumentError('netrc machine must be a hostname', {
      hint: 'Pass the server hostname, e.g. labkey.example.org (or its URL).',
    });
  }
  return h;
}

function reveal(p: Secret | string): string {
  return isSecret(p) ? p.reveal() : String(p);
}

function machinesFor(entries: NetrcEntry[], key: string): NetrcEntry[] {
  return entries.filter((e) => e.kind === 'machine' && netrcHostKey(e.machine!) === key);
}

const isBlank = (s: string): boolean => /^[ \t\r]*$/.test(s);
const isSepChar = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * The range to delete for the token run [start, end): whole lines when the run is alone on them,
 * else the run plus the spaces on one side.
 */
function cutRange(text: string, start: number, end: number): [number, number] {
  const ls = text.lastIndexOf('\n', start - 1) + 1;
  let le = text.indexOf('\n', end);
  if (le < 0) le = text.length;
  const before = text.slice(ls, start);
  const after = text.slice(end, le);
  if (isBlank(before) && isBlank(after)) return [ls, le === text.length ? le : le + 1];
  if (isBlank(before)) {
    let e = end;
    while (text[e] === ' ' || text[e] === '\t') e++;
    return [start, e];
  }
  let s = start;
  while (s > ls && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  return [s, end];
}

/**
 * The ranges that remove `entries` (in file order) from `text`. Entries that share the spaces
 * between them (several on one line) are cut as one run, so the line goes when nothing else is on it.
 */
function cutEntries(text: string, entries: NetrcEntry[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let runStart = -1;
  let runEnd = -1;
  let runCut: [number, number] | undefined;
  for (const e of entries) {
    const cut = cutRange(text, e.start, e.end);
    if (runCut && cut[0] < runCut[1]) {
      runEnd = e.end;
      runCut = cutRange(text, runStart, runEnd);
      continue;
    }
    if (runCut) out.push(runCut);
    runStart = e.start;
    runEnd = e.end;
    runCut = cut;
  }
  if (runCut) out.push(runCut);
  return out;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits to `text` in one pass (linear in the text). Where an edit would
 * glue two tokens together (a quoted token followed directly by another, `"old"# note`, then
 * its quotes replaced by a bare value), a space is put between them.
 */
function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let at = 0;
  let prevChar: string | undefined;
  for (const e of sorted) {
    const kept = text.slice(at, e.start);
    parts.push(kept);
    if (kept.length) prevChar = kept[kept.length - 1];
    let t = e.text;
    if (t.length && !isSepChar(t[0]) && prevChar !== undefined && !isSepChar(prevChar)) t = ' ' + t;
    const last = t.length ? t[t.length - 1] : prevChar;
    const next = text[e.end];
    if (next !== undefined && !isSepChar(next) && last !== undefined && !isSepChar(last)) {
      // the next edit may start right here and begin with a separator of its own: that is fine too
      t += ' ';
    }
    parts.push(t);
    if (t.length) prevChar = t[t.length - 1];
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function lineStartOf(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function indentOf(text: string, at: number): string {
  const ls = lineStartOf(text, at);
  return /^[ \t]*/.exec(text.slice(ls, at))![0];
}

/** Layout used for new text: the style of the last machine entry, else one keyword a line. */
function styleFor(text: string, entries: NetrcEntry[]): { multiLine: boolean; indent: string } {
  let last: NetrcEntry | undefined;
  for (let i = entries.length - 1; i >= 0 && !last; i--) {
    const e = entries[i]!;
    if (e.kind === 'machine' && e.fields.length > 1) last = e;
  }
  if (!last) return { multiLine: true, indent: '' };
  const second = last.fields.find((f) => f.line > last.line);
  if (!second) return { multiLine: false, indent: '' };
  return { multiLine: true, indent: indentOf(text, second.start) };
}

function entryText(host: string, fields: Array<[string, string]>, style: { multiLine: boolean; indent: string }, eol: string): string {
  const parts = [`machine ${host}`, ...fields.map(([k, v]) => `${k} ${v}`)];
  return style.multiLine ? parts.map((p, i) => (i === 0 ? p : style.indent + p)).join(eol) : parts.join(' ');
}

/** Where a new entry goes: before the first `default`, else the end (with the separators needed). */
function insertNewEntry(text: string, entries: NetrcEntry[], newText: string, eol: string, macdefOpenAtEnd: boolean): string {
  const dflt = entries.find((e) => e.kind === 'default');
  if (dflt) {
    const ls = lineStartOf(text, dflt.start);
    const at = isBlank(text.slice(ls, dflt.start)) ? ls : dflt.start;
    return text.slice(0, at) + newText + eol + text.slice(at);
  }
  let prefix = text;
  if (prefix !== '' && !prefix.endsWith('\n')) prefix += eol;
  // A macro body runs to the next empty line: close it, or the new entry would be part of it.
  if (macdefOpenAtEnd) prefix += eol;
  return prefix + newText + eol;
}

type ValueKey = 'login' | 'password' | 'account';
const ORDER: readonly ValueKey[] = ['login', 'password', 'account'];

/**
 * The edits that leave `target` as `machine`, `login`, `password`, `account` with the wanted
 * values (undefined: keep the current one; null: remove), and no `port` or repeated keyword.
 */
function entryEdits(text: string, target: NetrcEntry, wanted: Record<ValueKey, string | null | undefined>, eol: string): Edit[] {
  const edits: Edit[] = [];
  const fields = target.fields;
  const lastIndex = new Map<string, number>();
  fields.forEach((f, i) => lastIndex.set(f.key, i));
  // Keep, in place, the last occurrence of each value keyword while they come in ORDER; every other
  // field (port, an earlier repeat, one out of order, one to remove) is taken out.
  const kept = new Map<ValueKey, NetrcField>();
  const removed = new Set<number>();
  let rank = -1;
  for (let i = 1; i < fields.length; i++) {
    const f = fields[i]!;
    const r = ORDER.indexOf(f.key as ValueKey);
    if (r >= 0 && lastIndex.get(f.key) === i && r > rank && wanted[f.key as ValueKey] !== null) {
      kept.set(f.key as ValueKey, f);
      rank = r;
    } else {
      removed.add(i);
    }
  }
  for (const i of removed) {
    const field = fields[i]!;
    // Take the field and the separators before it, back to the previous token of the entry;
    // with a comment or an unknown token in between, just the field and its spaces on that line.
    const prev = fields[i - 1]!;
    if (/^[ \t\r\n]*$/.test(text.slice(prev.end, field.start))) {
      edits.push({ start: prev.end, end: field.end, text: '' });
    } else {
      let s = field.start;
      while (s > prev.end && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
      edits.push({ start: s, end: field.end, text: '' });
    }
  }
  const multi = target.endLine > target.line;
  const secondLine = fields.find((f) => f.line > target.line);
  const indent = secondLine ? indentOf(text, secondLine.start) : '';
  const current = (key: ValueKey): string | undefined => {
    // the value as written (quotes and all), for a field that is moved rather than changed
    const i = lastIndex.get(key);
    if (i === undefined) return undefined;
    const f = fields[i]!;
    return text.slice(f.valueStart, f.valueEnd);
  };
  const currentValue = { login: target.login, password: target.password?.reveal(), account: target.account };
  const inserts = new Map<number, string>();
  for (let r = 0; r < ORDER.length; r++) {
    const key = ORDER[r]!;
    const want = wanted[key];
    if (want === null) continue;
    const field = kept.get(key);
    if (field) {
      if (want !== undefined && currentValue[key] !== want) edits.push({ start: field.valueStart, end: field.valueEnd, text: want });
      continue;
    }
    const value = want ?? current(key);
    if (value === undefined) continue;
    // Missing (or moved): insert after the kept field that precedes it in ORDER, else the machine.
    let anchor: NetrcField = fields[0]!;
    for (let j = r - 1; j >= 0; j--) {
      const f = kept.get(ORDER[j]!);
      if (f) {
        anchor = f;
        break;
      }
    }
    const piece = `${multi ? eol + indent : ' '}${key} ${value}`;
    inserts.set(anchor.valueEnd, (inserts.get(anchor.valueEnd) ?? '') + piece);
  }
  for (const [at, t] of inserts) edits.push({ start: at, end: at, text: t });
  return edits;
}

/**
 * The edit shared by {@link setNetrcEntryText} and {@link tidyNetrcEntryText}: one entry for
 * the host, in order, with `wanted` applied, before `default`.
 */
function rewriteHost(text: string, machine: string, wanted: Record<ValueKey, string | null | undefined>): string {
  const netrc = parseNetrc(text);
  const eol = eolOf(text);
  const mine = machinesFor(netrc.entries, netrcHostKey(machine));
  const target = mine[0];

  if (!target) {
    if (wanted.password === undefined) return text;
    const fields: Array<[string, string]> = [];
    for (const key of ORDER) {
      const v = wanted[key];
      if (v !== undefined && v !== null) fields.push([key, v]);
    }
    const open = netrc.warnings.some((w) => w.code === 'macdef-unterminated');
    return insertNewEntry(text, netrc.entries, entryText(machine, fields, styleFor(text, netrc.entries), eol), eol, open);
  }

  // Edit the first entry in place, and cut every later one for the host, in one pass.
  const edits = entryEdits(text, target, wanted, eol);
  for (const [start, end] of cutEntries(text, mine.slice(1))) edits.push({ start, end, text: '' });
  const out = applyEdits(text, edits);
  // An entry after `default` is invisible to curl: the key just stored would not be used.
  const dflt = netrc.entries.find((e) => e.kind === 'default');
  if (dflt && dflt.start < target.start) return moveNetrcEntryBeforeDefaultText(out, target.index);
  return out;
}

/**
 * Returns `text` with the credentials for `host` set: the first entry for the host edited in
 * place (in the order machine, login, password, account; `port` and repeats taken out) and every
 * later entry for the host removed, or a new entry before `default`. `host` may be a URL (only
 * its hostname is used). Returns `text` itself when nothing changes.
 *
 * Throws NetrcSyntaxError when `text` cannot be parsed (nothing is edited), NetrcValueError
 * (code `LK_INVALID_ARGUMENT`, with `field` and `problem`) for a value that some netrc reader
 * would split or misread, and InvalidArgumentError for a host that is not a hostname.
 * @public
 */
export function setNetrcEntryText(text: string, host: string, creds: NetrcCredentials): string {
  const machine = machineToken(host);
  const password = reveal(creds.password);
  checkValue('password', password);
  if (creds.login !== undefined) checkValue('login', creds.login);
  if (creds.account !== undefined && creds.account !== null) checkValue('account', creds.account);
  return rewriteHost(text, machine, { login: creds.login, password, account: creds.account });
}

/**
 * Returns `text` with the entry for `host` made readable by every reader without changing its
 * values: later duplicates removed, fields in the order machine, login, password, account, no
 * `port` or repeated keyword, moved before `default`. For `lk doctor --fix`. Returns `text`
 * itself when there is nothing to do (or no entry for the host).
 * Throws NetrcSyntaxError when `text` cannot be parsed, InvalidArgumentError for a bad host.
 * @public
 */
export function tidyNetrcEntryText(text: string, host: string): string {
  return rewriteHost(text, machineToken(host), { login: undefined, password: undefined, account: undefined });
}

/**
 * Returns `text` without any `machine` entry for `host` (every duplicate goes, so no dead entry
 * comes back to life). `default` is never removed. Returns `text` itself when there is none.
 * Throws NetrcSyntaxError when `text` cannot be parsed, InvalidArgumentError for a bad host.
 * @public
 */
export function removeNetrcEntryText(text: string, host: string): string {
  const key = netrcHostKey(machineToken(host));
  const mine = machinesFor(parseNetrc(text).entries, key);
  if (mine.length === 0) return text;
  return applyEdits(
    text,
    cutEntries(text, mine).map(([start, end]) => ({ start, end, text: '' })),
  );
}

/** Which entry: its index in `entries`, or the entry itself (matched by its `start` offset). @public */
export type NetrcEntryRef = number | { start: number };

function resolveRef(text: string, ref: NetrcEntryRef): { entries: NetrcEntry[]; entry: NetrcEntry } {
  const { entries } = parseNetrc(text);
  const entry = typeof ref === 'number' ? entries[ref] : entries.find((e) => e.start === ref.start);
  if (!entry) throw new InvalidArgumentError('no netrc entry at that position (was the file changed since it was read?)');
  return { entries, entry };
}

/**
 * Renames one `machine` entry in place (only the machine token changes), e.g. for `lk doctor
 * --fix` turning `machine https://host:8443/labkey` into `machine host`. `newMachine` may be a
 * URL: its hostname is used. Throws InvalidArgumentError when the reference is not a machine
 * entry of `text`, NetrcSyntaxError when `text` cannot be parsed.
 * @public
 */
export function renameNetrcMachineText(text: string, ref: NetrcEntryRef, newMachine: string): string {
  const { entry } = resolveRef(text, ref);
  if (entry.kind !== 'machine') throw new InvalidArgumentError('cannot rename a `default` entry');
  const f = entry.fields[0]!;
  return text.slice(0, f.valueStart) + machineToken(newMachine) + text.slice(f.valueEnd);
}

/**
 * Moves one entry, bytes unchanged, to just before the first `default` entry (where curl can
 * see it). Returns `text` itself when the entry is already before `default` or there is no
 * `default`. Throws as {@link renameNetrcMachineText} does.
 * @public
 */
export function moveNetrcEntryBeforeDefaultText(text: string, ref: NetrcEntryRef): string {
  const { entries, entry } = resolveRef(text, ref);
  const dflt = entries.find((e) => e.kind === 'default');
  if (!dflt || entry.start < dflt.start || entry.kind === 'default') return text;
  const raw = text.slice(entry.start, entry.end);
  const [s, e] = cutRange(text, entry.start, entry.end);
  const without = text.slice(0, s) + text.slice(e);
  const ls = lineStartOf(without, dflt.start);
  const at = isBlank(without.slice(ls, dflt.start)) ? ls : dflt.start;
  return without.slice(0, at) + raw + eolOf(text) + without.slice(at);
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable. Not possible on Windows (EISDIR/EPERM): the rename is still atomic.
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Applies `edit` to a netrc file atomically, under the file's lock. The generic form of
 * {@link setNetrcEntry}; `lk doctor --fix` passes {@link renameNetrcMachineText} and friends.
 *
 * Steps: follow symlinks to the real file (at most 8; the end must be a regular file of the user's
 * or nothing, see netrc-file.ts); take `<file>.lock` (waiting for other writers,
 * breaking a stale lock); read; edit; write a temp file in the same folder (mode 0600 from
 * creation), fsync it, rename it over the file, fsync the folder; release the lock. The read,
 * edit and rename all happen under the lock, so concurrent writers never lose each other's
 * entries, and a writer killed at any moment leaves the old or the new file, never a mix.
 * When the content does not change, nothing is written (a loose mode is still tightened).
 * A missing file is created (its folder must exist); an edit that leaves a missing file empty
 * creates nothing.
 *
 * Throws: NetrcSyntaxError, naming the file, when it cannot be parsed (it is left as it was);
 * NetrcLockError when another writer holds the lock past `lockTimeoutMs`; UnsafeNetrcFileError,
 * before anything is read, when the path is a device, FIFO, socket, folder, another user's file,
 * a link loop or larger than MAX_NETRC_BYTES;
 * CredentialStoreError when the folder is missing or the file cannot be read or written.
 * @public
 */
export async function updateNetrcFile(path: string, edit: (text: string) => string, options: NetrcWriteOptions = {}): Promise<NetrcWriteResult> {
  const target = await netrcWriteTarget(path);
  const dir = dirname(target);
  for (let attempt = 0; ; attempt++) {
    const lock = await acquireNetrcLock(target, options);
    let tmp: string | undefined;
    try {
      await removeDeadWritersTempFiles(target);
      let text = '';
      let previousMode: number | undefined;
      let created = false;
      let read;
      try {
        read = await readNetrcForWrite(target);
      } catch (e) {
        if (!(e instanceof Error) || !('syscall' in e)) throw e;
        throw new CredentialStoreError('netrc', `Cannot read ${target} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
          file: target,
          hint: `Check that you own ${target}: ls -l ${target}`,
          cause: e,
        });
      }
      if (read) ({ text, mode: previousMode } = read);
      else created = true;
      const next = editNaming(target, edit, text);
      const modeTightened = previousMode !== undefined && process.platform !== 'win32' && (previousMode & 0o077) !== 0;
      const base = { path: target, previousMode, modeTightened, recoveredStaleLock: lock.recoveredStale };
      if (next === text) {
        if (created) return { ...base, changed: false, created: false, modeTightened: false };
        if (previousMode !== 0o600 && process.platform !== 'win32') await chmod(target, 0o600);
        return { ...base, changed: false, created: false };
      }
      tmp = netrcTempName(target, 'new');
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.chmod(0o600); // exact, whatever the umask
        await fh.writeFile(next, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (!(await lock.stillHeld())) {
        // Our lock was broken as stale while we worked (we were stopped for a long time): start over.
        if (attempt >= 3) throw new CredentialStoreError('netrc', `Lost the lock on ${target} while writing`, { file: target });
        continue;
      }
      await rename(tmp, target);
      tmp = undefined;
      await fsyncDir(dir);
      return { ...base, changed: true, created };
    } catch (e) {
      // File-system failures become CredentialStoreError; anything else (our typed errors, an
      // error thrown by `edit`) goes out as it is.
      if (!(e instanceof Error) || !('syscall' in e)) throw e;
      throw new CredentialStoreError('netrc', `Cannot write ${target} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
        file: target,
        hint: `Check that you can write to ${dir}.`,
        cause: e,
      });
    } finally {
      if (tmp) await unlink(tmp).catch(() => undefined);
      await lock.release();
    }
  }
}

/** Runs `edit`; a NetrcSyntaxError from parsing the text (which has no file name) names `file`. */
function editNaming(file: string, edit: (text: string) => string, text: string): string {
  try {
    return edit(text);
  } catch (e) {
    if (!(e instanceof NetrcSyntaxError) || e.file !== undefined) throw e;
    throw new NetrcSyntaxError(e.problem, { file, line: e.line, column: e.column, kind: e.kind }, { hint: e.hint, cause: e });
  }
}

/**
 * Sets the credentials for `host` in the netrc file at `path` ({@link setNetrcEntryText} under
 * {@link updateNetrcFile}): creates the file if missing, keeps every other byte, leaves it 0600.
 * Throws as {@link updateNetrcFile} does, and InvalidArgumentError for a bad host or value.
 * @public
 */
export async function setNetrcEntry(path: string, host: string, creds: NetrcCredentials, options?: NetrcWriteOptions): Promise<NetrcWriteResult> {
  // Validate before taking the lock, so bad input never touches the file system.
  setNetrcEntryText('', host, creds);
  return updateNetrcFile(path, (text) => setNetrcEntryText(text, host, creds), options);
}

/**
 * Removes every entry for `host` from the netrc file at `path` ({@link removeNetrcEntryText}
 * under {@link updateNetrcFile}). A missing file stays missing (`changed: false`).
 * Throws as {@link updateNetrcFile} does.
 * @public
 */
export async function removeNetrcEntry(path: string, host: string, options?: NetrcWriteOptions): Promise<NetrcWriteResult> {
  removeNetrcEntryText('', host);
  return updateNetrcFile(path, (text) => removeNetrcEntryText(text, host), options);
}

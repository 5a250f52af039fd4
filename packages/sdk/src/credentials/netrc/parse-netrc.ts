/**
 * netrc tokenizer and parser. Follows curl's reader (lib/netrc.c) and netrc(5), with the rules
 * written out here because every popular JavaScript parser gets some of them wrong (the npm
 * package `netrc-parser`, for one, revives comments and cuts passwords at `#`):
 *
 * - Tokens are separated by space, tab, CR and LF (and a UTF-8 BOM at the very start is ignored).
 *   Commas are NOT separators: curl and Python keep them inside tokens, and a password may hold
 *   one. A machine name holding a comma is reported as a warning instead.
 * - A token that starts with `"` runs to the next unescaped `"`; inside it `\n`, `\r`, `\t` are
 *   newline, CR and tab (as in curl) and `\x` is `x` for any other character. A quoted token may
 *   not run past the end of its line: that is an unterminated quote.
 * - In an unquoted token a backslash is literal (curl). The writer quotes any value holding one,
 *   so Python's reader (which treats it as an escape) reads the same value.
 * - `#` starts a comment only at the start of a token in keyword position; the comment runs to
 *   the end of the line. `password ab#cd` keeps `ab#cd`, and `# machine x` is never an entry.
 * - A value is the next token, whatever it is (CPython 3.11 and curl): `password #pass` is the
 *   password `#pass` (and `password #pass #comment` the same, the second `#` starting a comment),
 *   and `login machine password default` is the login `machine` and the password `default`.
 *   curl 7.88 differs on the first: it reads `#pass` as a comment and takes the next token as the
 *   password (the package README lists where each reader differs).
 * - `macdef NAME`: the rest of that line and the following lines up to the next empty line
 *   (two consecutive line breaks, as in curl and Python; a line of spaces is not empty) are a
 *   macro body and are skipped. A macdef ends the entry before it.
 * - `machine NAME` and `default` start entries; `login`, `password`, `account`, `port` take a
 *   value. Within one entry a repeated keyword overrides the earlier one (curl, Python), with a
 *   warning. Unknown tokens are skipped one by one and reported as warnings.
 * - An entry with neither login nor password yields nothing and is passed over by lookups: a
 *   later entry for the same host (or `default`) applies, as in curl.
 * - A keyword whose value is missing (end of file) is a {@link NetrcSyntaxError}; so is an
 *   unterminated quote.
 *
 * Nothing here keeps the file's text: passwords live only in {@link Secret}s, and warnings and
 * errors carry positions, never token values.
 */
import { Secret } from '../../redact/secret.js';
import { InvalidArgumentError, NetrcSyntaxError } from '../../errors/credential-errors.js';

/** The netrc keywords lk reads. @public */
export type NetrcKeyword = 'machine' | 'default' | 'login' | 'password' | 'account' | 'port' | 'macdef';

const KEYWORDS: ReadonlySet<string> = new Set<NetrcKeyword>([
  'machine',
  'default',
  'login',
  'password',
  'account',
  'port',
  'macdef',
]);

/**
 * One keyword of an entry and where it sits, for the writer and `lk doctor`. Offsets are
 * character (UTF-16 code unit) offsets into the parsed text; `line` and `column` are 1-based.
 * No value is held here. @public
 */
export interface NetrcField {
  key: Exclude<NetrcKeyword, 'macdef'>;
  line: number;
  column: number;
  /** Offset of the keyword. */
  start: number;
  /** Offset just past the value (past the keyword for `default`). */
  end: number;
  /** Offset of the value token as written (its opening quote when quoted). */
  valueStart: number;
  /** Offset just past the value token (past its closing quote). */
  valueEnd: number;
  /** True when the value was written as a quoted token. */
  quoted: boolean;
}

/** One `machine` or `default` entry. @public */
export interface NetrcEntry {
  kind: 'machine' | 'default';
  /** The machine name, unquoted and unescaped (absent for `default`). */
  machine?: string;
  /** The machine value exactly as written in the file (quotes included), for `lk doctor`. */
  machineRaw?: string;
  login?: string;
  /** Held as a {@link Secret}: printing an entry never prints a key. */
  password?: Secret;
  account?: string;
  port?: string;
  /** Position of the `machine`/`default` keyword, 1-based. */
  line: number;
  column: number;
  /** Offset of the `machine`/`default` keyword. */
  start: number;
  /** Offset just past the entry's last value. Everything in [start, end) belongs to the entry. */
  end: number;
  /** Line of the entry's last token (the entry spans lines line..endLine). */
  endLine: number;
  /** Index of this entry in {@link Netrc.entries}. */
  index: number;
  /** The entry's keywords in file order (a repeated keyword appears twice; the last one counts). */
  fields: NetrcField[];
}

/** Why a part of the file was skipped or looks wrong. Messages never contain token values. @public */
export type NetrcWarningCode =
  | 'unknown-token'
  | 'token-outside-entry'
  | 'duplicate-token'
  | 'duplicate-machine'
  | 'entry-after-default'
  | 'machine-not-hostname'
  | 'empty-entry'
  | 'macdef-unterminated';

/** A parse warning, with the 1-based position of the token it is about. @public */
export interface NetrcWarning {
  code: NetrcWarningCode;
  message: string;
  file?: string;
  line: number;
  column: number;
}

/** What {@link Netrc.lookup} returns: missing tokens are `''`. @public */
export interface NetrcLookup {
  login: string;
  password: Secret;
  account: string;
  /** The entry that matched (a `machine` entry, or `default`). */
  entry: NetrcEntry;
}

/** A parsed netrc file. It holds no raw text; passwords are {@link Secret}s. @public */
export interface Netrc {
  file?: string;
  entries: NetrcEntry[];
  warnings: NetrcWarning[];
  /**
   * The entry that applies to a host or URL: the first `machine` entry whose name equals the
   * hostname (case-insensitive; IPv6 brackets ignored) and that has a login or a password (an
   * empty entry is passed over, as in curl), else the first `default` entry, else undefined. Only the hostname is compared: never the port, never userinfo.
   * Throws InvalidArgumentError when given a URL (`scheme://…`) that cannot be parsed.
   */
  find(hostOrUrl: string): NetrcEntry | undefined;
  /**
   * Credentials for a host or URL, chosen as {@link Netrc.find} does. Returns undefined when no
   * entry applies, or when only a `default` with neither login nor password does.
   * Throws InvalidArgumentError when given a URL that cannot be parsed.
   */
  lookup(hostOrUrl: string): NetrcLookup | undefined;
  /**
   * Every `machine` entry for a host or URL, in file order, empty ones included (hostnames
   * compared as {@link Netrc.find} does). For `lk doctor` and the writer: duplicates show here.
   */
  entriesFor(hostOrUrl: string): NetrcEntry[];
}

/** @public */
export interface ParseNetrcOptions {
  /** File name used in errors and warnings. */
  file?: string;
}

interface Token {
  text: string;
  quoted: boolean;
  start: number;
  end: number;
  line: number;
  column: number;
}

// Character codes: the scanner compares codes, not one-character strings (it runs over every byte).
const SP = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const HASH = 35;
const BACKSLASH = 92;
const isSep = (c: number): boolean => c === SP || c === TAB || c === LF || c === CR;

class Scanner {
  i = 0;
  line = 1;
  lineStart = 0;

  constructor(
    readonly text: string,
    readonly file: string | undefined,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /**
   * Skips separators, and comments unless `value` (a value may start with `#`); leaves `i` at
   * the next token or the end.
   */
  private skip(value: boolean): void {
    const t = this.text;
    const n = t.length;
    let i = this.i;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === LF) {
        this.newline(i);
        i++;
      } else if (c === SP || c === TAB || c === CR) {
        i++;
      } else if (c === HASH && !value) {
        const nl = t.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      } else {
        break;
      }
    }
    this.i = i;
  }

  /** The next token; in `value` position a token starting with `#` is data, not a comment. */
  next(value = false): Token | undefined {
    this.skip(value);
    const t = this.text;
    const n = t.length;
    if (this.i >= n) return undefined;
    const start = this.i;
    const line = this.line;
    const column = start - this.lineStart + 1;
    if (t.charCodeAt(start) === QUOTE) {
      let j = start + 1;
      let escaped = false;
      // find the closing quote (a backslash skips the character after it)
      for (;;) {
        const c = j < n ? t.charCodeAt(j) : LF;
        if (c === LF || c === CR) {
          throw new NetrcSyntaxError('unterminated quoted token (a quoted token must close on its own line)', {
            file: this.file,
            line,
            column,
            kind: 'unterminated-quote',
          });
        }
        if (c === QUOTE) break;
        if (c === BACKSLASH && j + 1 < n && t.charCodeAt(j + 1) !== LF && t.charCodeAt(j + 1) !== CR) {
          escaped = true;
          j += 2;
          continue;
        }
        j++;
      }
      const body = t.slice(start + 1, j);
      this.i = j + 1;
      const text = escaped
        ? body.replace(/\\(.)/g, (_m, e: string) => (e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e))
        : body;
      return { text, quoted: true, start, end: j + 1, line, column };
    }
    let j = start;
    while (j < n && !isSep(t.charCodeAt(j))) j++;
    this.i = j;
    return { text: t.slice(start, j), quoted: false, start, end: j, line, column };
  }

  /** Skips the rest of the current line and a macro body: up to and including the next empty line. */
  skipMacdefBody(): boolean {
    const t = this.text;
    // rest of the macdef line
    let j = this.i;
    while (j < t.length && t[j] !== '\n') j++;
    if (j >= t.length) {
      this.i = j;
      return false;
    }
    this.newline(j);
    j++;
    // body lines, until an empty one ("\n" or "\r\n")
    while (j < t.length) {
      if (t[j] === '\n') {
        this.newline(j);
        this.i = j + 1;
        return true;
      }
      if (t[j] === '\r' && t[j + 1] === '\n') {
        this.newline(j + 1);
        this.i = j + 2;
        return true;
      }
      while (j < t.length && t[j] !== '\n') j++;
      if (j >= t.length) break;
      this.newline(j);
      j++;
    }
    this.i = t.length;
    return false;
  }
}

/**
 * Normalises a host for comparison, as netrc readers compare `machine` names: lower case, IPv6
 * brackets removed.
 * @public
 */
export function netrcHostKey(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

/**
 * The hostname of a host or URL, as netrc lookups compare it. A string with a scheme is parsed
 * with WHATWG `URL` and only its `hostname` is used, so `http://evil.com:@good.com` is
 * `good.com` (requests CVE-2024-47081). A bare `host:port` or `user@host` is parsed the same way.
 * Throws InvalidArgumentError for a URL that cannot be parsed (the message omits the URL: it
 * may hold userinfo).
 * @public
 */
export function netrcHostname(hostOrUrl: string): string {
  const s = hostOrUrl.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    let u: URL;
    try {
      u = new URL(s);
    } catch (cause) {
      throw new InvalidArgumentError('netrc lookup was given a URL that cannot be parsed', {
        cause,
        hint: 'Pass a server URL like https://labkey.example.org/labkey, or a bare hostname.',
      });
    }
    return netrcHostKey(u.hostname);
  }
  // A bare IPv6 address has several colons and no brackets: take it as it is.
  const colons = s.split(':').length - 1;
  if (s.includes('@') || s.includes('/') || colons === 1 || s.startsWith('[')) {
    try {
      return netrcHostKey(new URL(`http://${s}`).hostname);
    } catch {
      // fall through: compare the text as given
    }
  }
  return netrcHostKey(s);
}

function looksLikeNotHostname(machine: string): boolean {
  if (machine.includes('/') || machine.includes(',') || machine.includes('@')) return true;
  const first = machine.indexOf(':');
  if (first < 0) return false;
  if (machine.indexOf(':', first + 1) < 0) return true; // host:port (an IPv6 literal has at least two)
  return machine.startsWith('[') && /\]:\d+$/.test(machine);
}

/**
 * Parses netrc text. Never reads files and never keeps the text.
 *
 * Throws {@link NetrcSyntaxError} (code `LK_NETRC_SYNTAX`, with `file`, `line`, `column`) for an
 * unterminated quote or a keyword with no value at the end of the file; its message names the position and the
 * keyword, never a token value. Everything else that is odd (unknown tokens, tokens outside an
 * entry, entries after `default`, duplicate machines, a machine holding a scheme or port) is
 * skipped or kept and reported in `warnings`.
 * @public
 */
export function parseNetrc(text: string, options: ParseNetrcOptions = {}): Netrc {
  const file = options.file;
  const sc = new Scanner(text, file);
  const entries: NetrcEntry[] = [];
  const warnings: NetrcWarning[] = [];
  const warn = (code: NetrcWarningCode, message: string, at: { line: number; column: number }): void => {
    warnings.push(file === undefined ? { code, message, line: at.line, column: at.column } : { code, message, file, line: at.line, column: at.column });
  };
  let cur: NetrcEntry | undefined;
  let sawDefault = false;
  const seenMachines = new Set<string>();

  const close = (): void => {
    if (!cur) return;
    if (cur.kind === 'machine' && cur.login === undefined && cur.password === undefined) {
      warn('empty-entry', 'entry has neither login nor password: lookups pass over it', cur);
    }
    entries.push(cur);
    cur = undefined;
  };

  const valueOf = (kw: Token): Token => {
    const v = sc.next(true);
    if (!v) {
      throw new NetrcSyntaxError(`keyword '${kw.text}' has no value (end of file)`, { file, line: kw.line, column: kw.column, kind: 'missing-value' });
    }
    return v;
  };

  for (let tok = sc.next(); tok; tok = sc.next()) {
    const kw = tok.quoted ? undefined : KEYWORDS.has(tok.text) ? (tok.text as NetrcKeyword) : undefined;
    switch (kw) {
      case 'machine': {
        close();
        const v = valueOf(tok);
        const machine = v.text;
        cur = {
          kind: 'machine',
          machine,
          machineRaw: text.slice(v.start, v.end),
          line: tok.line,
          column: tok.column,
          start: tok.start,
          end: v.end,
          endLine: v.line,
          index: entries.length,
          fields: [
            { key: 'machine', line: tok.line, column: tok.column, start: tok.start, end: v.end, valueStart: v.start, valueEnd: v.end, quoted: v.quoted },
          ],
        };
        if (sawDefault) warn('entry-after-default', 'machine entry after `default`: curl never reads it; move it above `default`', tok);
        const key = netrcHostKey(machine);
        if (seenMachines.has(key)) {
          warn('duplicate-machine', `${machineShown(machine, v)} is listed again: curl, libcurl and Java read the first entry, Python the last`, tok);
        }
        seenMachines.add(key);
        if (looksLikeNotHostname(machine)) {
          warn('machine-not-hostname', `${machineShown(machine, v)} is not a bare hostname (scheme, path, port or comma): it never matches`, v);
        }
        break;
      }
      case 'default': {
        close();
        cur = {
          kind: 'default',
          line: tok.line,
          column: tok.column,
          start: tok.start,
          end: tok.end,
          endLine: tok.line,
          index: entries.length,
          fields: [{ key: 'default', line: tok.line, column: tok.column, start: tok.start, end: tok.end, valueStart: tok.end, valueEnd: tok.end, quoted: false }],
        };
        sawDefault = true;
        break;
      }
      case 'login':
      case 'password':
      case 'account':
      case 'port': {
        const v = valueOf(tok);
        if (!cur) {
          warn('token-outside-entry', `'${kw}' outside any machine or default entry: skipped`, tok);
          break;
        }
        if (cur.fields.some((f) => f.key === kw)) {
          warn('duplicate-token', `'${kw}' appears twice in one entry: the last one is used`, tok);
        }
        cur.fields.push({ key: kw, line: tok.line, column: tok.column, start: tok.start, end: v.end, valueStart: v.start, valueEnd: v.end, quoted: v.quoted });
        cur.end = v.end;
        cur.endLine = v.line;
        if (kw === 'password') cur.password = new Secret(v.text);
        else cur[kw] = v.text;
        break;
      }
      case 'macdef': {
        close();
        valueOf(tok);
        if (!sc.skipMacdefBody()) {
          warn('macdef-unterminated', 'macdef body runs to the end of the file (no empty line ends it)', tok);
        }
        break;
      }
      default:
        warn('unknown-token', cur ? 'unknown token skipped' : 'unknown token outside any entry skipped', tok);
    }
  }
  close();
  return makeNetrc(file, entries, warnings);
}

function makeNetrc(file: string | undefined, entries: NetrcEntry[], warnings: NetrcWarning[]): Netrc {
  const find = (hostOrUrl: string): NetrcEntry | undefined => {
    const host = netrcHostname(hostOrUrl);
    let dflt: NetrcEntry | undefined;
    for (const e of entries) {
      if (e.kind === 'machine') {
        if (e.login !== undefined || e.password !== undefined) {
          if (netrcHostKey(e.machine!) === host) return e;
        }
      } else if (!dflt) {
        dflt = e;
      }
    }
    return dflt;
  };
  const netrc: Netrc = {
    entries,
    warnings,
    find,
    entriesFor(hostOrUrl: string): NetrcEntry[] {
      const host = netrcHostname(hostOrUrl);
      return entries.filter((e) => e.kind === 'machine' && netrcHostKey(e.machine!) === host);
    },
    lookup(hostOrUrl: string): NetrcLookup | undefined {
      const e = find(hostOrUrl);
      if (!e || (e.login === undefined && e.password === undefined)) return undefined;
      return { login: e.login ?? '', password: e.password ?? new Secret(''), account: e.account ?? '', entry: e };
    },
  };
  if (file !== undefined) netrc.file = file;
  return netrc;
}

/**
 * How a warning names a machine: by its text when that is plain printable ASCII, else by its
 * position only. A non-ASCII space glues the tokens after it into the name (`host\u00a0password
 * \u00a0KEY` is one token to every reader), so its text may hold a key.
 */
function machineShown(machine: string, at: { line: number; column: number }): string {
  return /^[\x21-\x7e]{1,253}$/.test(machine) ? `machine ${machine}` : `the machine name at line ${at.line}, column ${at.column}`;
}

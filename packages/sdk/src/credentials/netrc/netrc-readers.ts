/**
 * How the netrc readers of LabKey's other clients read a netrc file, for `lk doctor` and
 * `lk auth login`. Each reader is modelled from its source and checked against the real one in
 * the interop tier (test/interop):
 *
 * - Python: requests' `get_netrc_auth` (LabKey's Python client) over CPython 3.11's `netrc`
 *   module. File: `NETRC` when set (that file only), else `~/.netrc`, then `~/_netrc`. A token it
 *   does not know (`port`, anything else) makes it reject the whole file, and requests then
 *   sends nothing, silently. The last entry for a host wins. Host: the URL's lower-case hostname.
 * - curl and R (Rlabkey, through libcurl): curl 7.88's reader. File: `~/.netrc` (`NETRC` only
 *   from curl 8.16; `~/_netrc` only on Windows). Unknown tokens are skipped; a `#` starts a
 *   comment even where a value is expected; the first entry with both login and password wins.
 *   R is run as Rlabkey sets up httr when it has no apiKey or password (netrc = 1, no netrc
 *   file named), in test/interop/r-netrc; it sent what curl sent on every layout there.
 * - LabKey's Java client (`NetrcFileParser`): one regular expression, `machine … login …
 *   password …` in that order, over the raw text (comments included), the first match whose
 *   machine equals the URL's host exactly, as `URI.getHost()` gives it (case as written in the
 *   URL, IPv6 in brackets). Its groups are lazy `.+?`, so `machine H port 1 login …` has the
 *   machine `H port 1`, and `login apikey port 1 password K` the login `apikey port 1`. File:
 *   `~/.netrc`, then `~/_netrc` when the first has no match; a `~/.netrc` that exists but cannot
 *   be read (a folder, no read permission) makes it throw. `NETRC` is ignored. (Checked against
 *   the real, unchanged `NetrcFileParser` of labkey-api-java.)
 *
 * Nothing here returns a key: passwords are compared and shown as fingerprints.
 */
import { posix, win32 } from 'node:path';
import type { ResolveContext } from '../types.js';
import { fingerprintKey } from '../../redact/fingerprint.js';
import { ENV_NETRC, locateNetrc, netrcHome } from './locate-netrc.js';
import { netrcHostname, parseNetrc, type Netrc, type NetrcEntry } from './parse-netrc.js';
import { tidyNetrcEntryText } from './write-netrc.js';

/** The readers `lk doctor` reports on. @public */
export type NetrcReaderId = 'python' | 'r' | 'java' | 'curl';

/** What one reader sends for the server. @public */
export interface NetrcReaderView {
  reader: NetrcReaderId;
  /** e.g. `Python (requests, netrc)`. */
  name: string;
  /** The file it reads (undefined: it finds none). */
  file: string | undefined;
  /**
   * - `found`: it sends a login and password from this entry;
   * - `no-entry`: the file has nothing it matches for this host;
   * - `rejects-file`: it cannot read the file at all (Python: a token it does not know);
   * - `no-file`: none of the files it looks at exists.
   */
  outcome: 'found' | 'no-entry' | 'rejects-file' | 'no-file';
  /** Line of the entry it uses (1-based). */
  line?: number;
  /** Fingerprint of the password it would send. */
  fingerprint?: string;
  /** True when it sends the same key as lk reads from the netrc file. */
  sameKeyAsLk: boolean;
  /** One line: why it finds nothing, or a different key. */
  why?: string;
}

/** Something in the file that makes a reader miss or differ. @public */
export type NetrcReaderFindingCode =
  | 'duplicate-machine'
  | 'python-rejects-file'
  | 'token-order'
  | 'commented-entry'
  | 'host-case'
  | 'ipv6-host'
  | 'netrc-env'
  | 'underscore-netrc-only'
  | 'reader-differs';

/** @public */
export interface NetrcReaderFinding {
  code: NetrcReaderFindingCode;
  /** One line, naming the readers and why; never a token value. */
  message: string;
  /** The readers that miss the key lk uses because of it. */
  readers: NetrcReaderId[];
  /**
   * True when {@link tidyNetrcEntryText} on lk's file repairs it (what `lk doctor --fix` does):
   * only for duplicates, a token Python rejects and token order, in lk's own entry.
   */
  fixable: boolean;
  /** What the user can do when it is not fixable. */
  hint?: string;
  line?: number;
}

/** What {@link netrcReaders} found. @public */
export interface NetrcReadersReport {
  /** The hostname compared. */
  host: string;
  /** The file lk reads and the entry it uses (undefined: lk finds no key in a netrc file). */
  lk: { file: string; line: number; fingerprint: string } | undefined;
  readers: NetrcReaderView[];
  findings: NetrcReaderFinding[];
  /** True when every reader sends the key lk uses. */
  allAgree: boolean;
}

/**
 * The files the readers may look at, with their text (undefined: missing or unreadable).
 * `unreadable`: the file is there (stat succeeds) but reading it failed (a folder, no read
 * permission), which the Java client does not survive.
 * @public
 */
export interface NetrcReadersFiles {
  /** `NETRC` when set and non-empty. */
  netrcEnv?: { path: string; text: string | undefined; unreadable?: boolean };
  dotNetrc?: { path: string; text: string | undefined; unreadable?: boolean };
  underscoreNetrc?: { path: string; text: string | undefined; unreadable?: boolean };
  /** The file lk reads (NETRC, else ~/.netrc, else ~/_netrc), one of the above. */
  lkFile?: { path: string; text: string | undefined; unreadable?: boolean };
  platform: NodeJS.Platform;
}

type NetrcReadersFile = NonNullable<NetrcReadersFiles['dotNetrc']>;

const NAMES: Record<NetrcReaderId, string> = {
  python: 'Python (requests, netrc)',
  r: 'R (Rlabkey, libcurl)',
  java: 'LabKey Java client',
  curl: 'curl',
};

// ── Python: CPython 3.11 netrc + requests ────────────────────────────────────

interface PyEntry {
  login: string;
  account: string;
  password: string;
  line: number;
}
interface PyResult {
  hosts: Map<string, PyEntry>;
  error?: { line: number; what: string };
}

/** CPython 3.11's `netrc.netrc(file)` over the file's text (universal newlines, as Python opens it). @internal */
export function pythonNetrcModel(raw: string): PyResult {
  const text = raw.replace(/\r\n?/g, '\n');
  let i = 0;
  let lineno = 1;
  const n = text.length;
  const pushback: string[] = [];
  const readChar = (): string => {
    if (i >= n) return '';
    const ch = text[i++]!;
    if (ch === '\n') lineno++;
    return ch;
  };
  const readline = (): string => {
    if (i >= n) return '';
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? n : nl + 1;
    const line = text.slice(i, end);
    i = end;
    if (nl >= 0) lineno++;
    return line;
  };
  const ws = (c: string): boolean => c === '\n' || c === '\t' || c === '\r' || c === ' ';
  const getToken = (): string => {
    if (pushback.length) return pushback.shift()!;
    let token = '';
    for (let ch = readChar(); ch !== ''; ch = readChar()) {
      if (ws(ch)) continue;
      if (ch === '"') {
        for (ch = readChar(); ch !== ''; ch = readChar()) {
          if (ch === '"') return token;
          if (ch === '\\') ch = readChar();
          token += ch;
        }
        return token;
      }
      if (ch === '\\') ch = readChar();
      token += ch;
      for (ch = readChar(); ch !== ''; ch = readChar()) {
        if (ws(ch)) return token;
        if (ch === '\\') ch = readChar();
        token += ch;
      }
      return token;
    }
    return token;
  };
  const hosts = new Map<string, PyEntry>();
  for (;;) {
    const saved = lineno;
    const tt = getToken();
    if (!tt) break;
    let entryname: string;
    const entryLine = lineno - (text[i - 1] === '\n' ? 1 : 0);
    if (tt[0] === '#') {
      if (lineno === saved && tt.length === 1) readline();
      continue;
    } else if (tt === 'machine') {
      entryname = getToken();
    } else if (tt === 'default') {
      entryname = 'default';
    } else if (tt === 'macdef') {
      getToken();
      for (;;) {
        const line = readline();
        if (!line) return { hosts, error: { line: lineno, what: 'a macdef with no empty line after it' } };
        if (line === '\n') break;
      }
      continue;
    } else {
      return { hosts, error: { line: lineno, what: KEYWORDS.has(tt) ? `'${tt}' outside an entry` : 'a token outside an entry' } };
    }
    if (!entryname) return { hosts, error: { line: lineno, what: `'${tt}' with no name` } };
    let login = '';
    let account = '';
    let password = '';
    for (;;) {
      const prev = lineno;
      const t = getToken();
      if (t.startsWith('#')) {
        if (lineno === prev) readline();
        continue;
      }
      if (t === '' || t === 'machine' || t === 'default' || t === 'macdef') {
        hosts.set(entryname, { login, account, password, line: entryLine });
        pushback.push(t);
        break;
      } else if (t === 'login' || t === 'user') {
        login = getToken();
      } else if (t === 'account') {
        account = getToken();
      } else if (t === 'password') {
        password = getToken();
      } else {
        return { hosts, error: { line: lineno, what: KEYWORDS.has(t) ? `the token '${t}'` : 'a token it does not know' } };
      }
    }
  }
  return { hosts };
}

const KEYWORDS = new Set(['machine', 'default', 'login', 'password', 'account', 'port', 'macdef', 'user']);

// ── curl 7.88 / libcurl ──────────────────────────────────────────────────────

interface CurlResult {
  login: string;
  password: string;
  line: number;
  isDefault: boolean;
}

/** curl 7.88's reader (lib/netrc.c) for one host: what `curl --netrc-file` sends, or undefined. @internal */
export function curlNetrcModel(text: string, host: string): CurlResult | undefined {
  const want = host.toLowerCase();
  const lines = text.split('\n');
  type State = 'nothing' | 'hostfound' | 'hostvalid' | 'macdef';
  let state: State = 'nothing';
  let pending: 'login' | 'password' | undefined;
  let cur: CurlResult | undefined;
  let partial: CurlResult | undefined;
  const finish = (): void => {
    if (cur) partial = cur;
    cur = undefined;
  };
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (state === 'macdef') {
      if (line === '' || line === '\r') state = 'nothing';
      continue;
    }
    let j = 0;
    const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f';
    while (j < line.length) {
      while (j < line.length && isSpace(line[j])) j++;
      if (j >= line.length || line[j] === '#') break;
      let tok = '';
      if (line[j] === '"') {
        j++;
        while (j < line.length && line[j] !== '"') {
          let c = line[j]!;
          if (c === '\\' && j + 1 < line.length) {
            j++;
            c = line[j]!;
            c = c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c;
          }
          tok += c;
          j++;
        }
        // past the closing quote, the rest of the word is dropped
        while (j < line.length && !isSpace(line[j])) j++;
      } else {
        while (j < line.length && !isSpace(line[j])) tok += line[j++];
      }
      const kw = tok.toLowerCase();
      if (state === 'nothing') {
        if (kw === 'macdef') state = 'macdef';
        else if (kw === 'machine') state = 'hostfound';
        else if (kw === 'default') {
          finish();
          cur = { login: '', password: '', line: ln + 1, isDefault: true };
          state = 'hostvalid';
        }
      } else if (state === 'hostfound') {
        if (tok.toLowerCase() === want) {
          finish();
          cur = { login: '', password: '', line: ln + 1, isDefault: false };
          state = 'hostvalid';
        } else {
          state = 'nothing';
        }
      } else if (state === 'hostvalid') {
        if (pending) {
          cur![pending] = tok;
          pending = undefined;
          if (cur!.login && cur!.password) return cur;
        } else if (kw === 'login' || kw === 'password') {
          pending = kw;
        } else if (kw === 'machine') {
          finish();
          state = 'hostfound';
        } else if (kw === 'default') {
          finish();
          cur = { login: '', password: '', line: ln + 1, isDefault: true };
        }
      }
      if (state === 'macdef') break;
    }
  }
  finish();
  return partial;
}

// ── LabKey Java client ───────────────────────────────────────────────────────

// Java's \s is [ \t\n\x0B\f\r]; its `.` is anything but a line terminator.
const JAVA_RE = /machine[ \t\n\v\f\r]+([^\n\r\u0085\u2028\u2029]+?)[ \t\n\v\f\r]+login[ \t\n\v\f\r]+([^\n\r\u0085\u2028\u2029]+?)[ \t\n\v\f\r]+password[ \t\n\v\f\r]+([^\n\r\u0085\u2028\u2029]+?)[ \t\n\v\f\r]+/g;

interface JavaResult {
  login: string;
  password: string;
  line: number;
  /** Offset of the matched `machine` in the file's lines joined with `\n`. */
  offset: number;
  /** The matched text starts inside a `#` comment line. */
  inComment: boolean;
}

/** LabKey Java's `NetrcFileParser` over one file, for the host as `URI.getHost()` gives it. @internal */
export function javaNetrcModel(raw: string, javaHost: string): JavaResult | undefined {
  // BufferedReader.readLine ends lines at \n, \r or \r\n; the parser joins them with \n.
  const lines = raw.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const text = lines.map((l) => l + '\n').join('');
  JAVA_RE.lastIndex = 0;
  for (let m = JAVA_RE.exec(text); m; m = JAVA_RE.exec(text)) {
    if (m[1] === javaHost) {
      const before = text.slice(0, m.index);
      const ls = before.lastIndexOf('\n') + 1;
      return {
        login: m[2]!,
        password: m[3]!,
        line: before.split('\n').length,
        offset: m.index,
        inComment: /^[ \t]*#/.test(text.slice(ls, m.index + 1)),
      };
    }
  }
  return undefined;
}

// ── the report ───────────────────────────────────────────────────────────────

const isIpv6 = (h: string): boolean => h.includes(':');

/**
 * The host Java's `URI.getHost()` gives for `server`: as written in the URL (it keeps the case),
 * IPv6 in brackets. Falls back to lk's hostname when the written host is not simply that
 * hostname in another case (percent-encoding, IDN, a trailing dot).
 */
function javaUriHost(server: string, host: string): string {
  const bracketed = isIpv6(host) ? `[${host}]` : host;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?(\[[^\]/?#]*\]|[^/?#:]*)/i.exec(server.trim());
  return m && m[1]!.toLowerCase() === bracketed.toLowerCase() ? m[1]! : bracketed;
}

function lkEntryFor(netrc: Netrc | undefined, host: string): NetrcEntry | undefined {
  const e = netrc?.find(host);
  return e && (e.login !== undefined || e.password !== undefined) ? e : undefined;
}

function tryParse(text: string | undefined, file: string): Netrc | undefined {
  if (text === undefined) return undefined;
  try {
    return parseNetrc(text, { file });
  } catch {
    return undefined;
  }
}

/** What the tidy edit is for: one entry for the host, in order, without `port`. */
const TIDY_FIXES: ReadonlySet<NetrcReaderFindingCode> = new Set(['duplicate-machine', 'python-rejects-file', 'token-order']);

/**
 * Reads the file as each reader would and says which send the key lk uses for `server` (a URL
 * or hostname), and why the others do not. Pure: the caller passes the files' text.
 * @public
 */
export function netrcReadersView(server: string, files: NetrcReadersFiles): NetrcReadersReport {
  const report = buildReport(server, files);
  // What `lk doctor --fix` (tidyNetrcEntryText on lk's file) would repair: the findings it makes go away.
  const lkFile = files.lkFile;
  if (lkFile?.text !== undefined && report.findings.length) {
    let tidied: string | undefined;
    try {
      tidied = tidyNetrcEntryText(lkFile.text, report.host);
    } catch {
      tidied = undefined;
    }
    if (tidied !== undefined && tidied !== lkFile.text) {
      const swap = (f?: NetrcReadersFile) => (f && f.path === lkFile.path ? { path: f.path, text: tidied } : f);
      const after = buildReport(server, {
        platform: files.platform,
        ...(files.netrcEnv ? { netrcEnv: swap(files.netrcEnv)! } : {}),
        ...(files.dotNetrc ? { dotNetrc: swap(files.dotNetrc)! } : {}),
        ...(files.underscoreNetrc ? { underscoreNetrc: swap(files.underscoreNetrc)! } : {}),
        lkFile: swap(lkFile)!,
      });
      for (const f of report.findings) {
        if (!TIDY_FIXES.has(f.code)) continue;
        f.fixable = !after.findings.some((g) => g.code === f.code && g.readers.join() === f.readers.join());
      }
    }
  }
  return report;
}

function buildReport(server: string, files: NetrcReadersFiles): NetrcReadersReport {
  const host = netrcHostname(server);
  const findings: NetrcReaderFinding[] = [];
  const add = (f: Omit<NetrcReaderFinding, 'fixable'>): void => {
    if (f.readers.length) findings.push({ ...f, fixable: false });
  };

  // lk
  const lkFile = files.lkFile;
  const lkParsed = lkFile ? tryParse(lkFile.text, lkFile.path) : undefined;
  const lkEntry = lkEntryFor(lkParsed, host);
  const lkKey = lkEntry?.password?.reveal();
  const lkLogin = lkEntry?.login;
  const lk = lkFile && lkEntry && lkKey !== undefined ? { file: lkFile.path, line: lkEntry.line, fingerprint: fingerprintKey(lkKey) } : undefined;

  const views: NetrcReaderView[] = [];
  /** `login`: given when the reader can send lk's key under a login other than lk's (Java's lazy groups). */
  const view = (reader: NetrcReaderId, file: string | undefined, r: { outcome: NetrcReaderView['outcome']; line?: number; password?: string; login?: string; why?: string }): NetrcReaderView => {
    const v: NetrcReaderView = { reader, name: NAMES[reader], file, outcome: r.outcome, sameKeyAsLk: false };
    if (r.line !== undefined) v.line = r.line;
    if (r.outcome === 'found' && r.password !== undefined) {
      v.fingerprint = fingerprintKey(r.password);
      const sameKey = lkKey !== undefined && r.password === lkKey;
      // The server takes the password as an API key only under the login "apikey": the same key
      // under another login is not the credential lk uses. (The login is not shown: it may be any text.)
      const sameLogin = r.login === undefined || r.login === lkLogin;
      v.sameKeyAsLk = sameKey && sameLogin;
      if (!v.sameKeyAsLk)
        v.why =
          lkKey === undefined
            ? 'it sends a key, but lk finds none in a netrc file'
            : sameKey
              ? `it sends the key lk uses under another login (from line ${r.line} of ${file}: its pattern takes everything between "login" and "password" as the login)`
              : `it sends another key (${v.fingerprint}, from line ${r.line} of ${file})`;
    } else if (r.why) {
      v.why = r.why;
    }
    views.push(v);
    return v;
  };

  // Python: requests' file choice, CPython's parser, the URL's lower-case hostname.
  const pyFile = files.netrcEnv ?? [files.dotNetrc, files.underscoreNetrc].find((f) => f?.text !== undefined);
  let py: PyResult | undefined;
  if (!pyFile || pyFile.text === undefined) {
    view('python', pyFile?.path, { outcome: 'no-file', why: files.netrcEnv ? 'NETRC names a file that does not exist' : 'no ~/.netrc or ~/_netrc' });
  } else {
    py = pythonNetrcModel(pyFile.text);
    if (py.error) {
      view('python', pyFile.path, { outcome: 'rejects-file', line: py.error.line, why: `Python's netrc rejects the whole file (${py.error.what}, line ${py.error.line}); requests then sends no credentials, silently` });
      add({
        code: 'python-rejects-file',
        readers: ['python'],
        line: py.error.line,
        message: `Python's netrc module rejects ${pyFile.path} at line ${py.error.line} (${py.error.what}): LabKey's Python client then runs as guest, with no error`,
        hint: `Remove that token from line ${py.error.line} (Python only knows machine, default, login, user, password, account and macdef).`,
      });
    } else {
      const e = py.hosts.get(host) ?? py.hosts.get('default');
      if (!e || (!e.login && !e.account && !e.password)) view('python', pyFile.path, { outcome: 'no-entry', why: `no entry for ${host} (Python compares the machine name exactly with the lower-case hostname)` });
      else view('python', pyFile.path, { outcome: 'found', line: e.line, password: e.password });
    }
  }

  // curl and R: ~/.netrc (Windows: then ~/_netrc); NETRC only from curl 8.16.
  const curlFile = files.platform === 'win32' ? [files.dotNetrc, files.underscoreNetrc].find((f) => f?.text !== undefined) : files.dotNetrc;
  for (const reader of ['r', 'curl'] as const) {
    if (!curlFile || curlFile.text === undefined) {
      view(reader, curlFile?.path, { outcome: 'no-file', why: `no ~/.netrc${files.platform === 'win32' ? ' or ~/_netrc' : ''}` });
      continue;
    }
    const c = curlNetrcModel(curlFile.text, host);
    if (!c || (!c.login && !c.password)) view(reader, curlFile.path, { outcome: 'no-entry', why: `no entry for ${host} that curl reads` });
    else view(reader, curlFile.path, { outcome: 'found', line: c.line, password: c.password });
  }

  // Java: ~/.netrc, then ~/_netrc when the first has no match (a file that exists but cannot be
  // read throws); the host exactly as URI.getHost() gives it, IPv6 in brackets.
  const javaHost = javaUriHost(server, host);
  const javaFiles = [files.dotNetrc, files.underscoreNetrc].filter((f): f is NetrcReadersFile => f?.text !== undefined || f?.unreadable === true);
  let java: (JavaResult & { file: string }) | undefined;
  let javaThrows: NetrcReadersFile | undefined;
  for (const f of javaFiles) {
    if (f.text === undefined) {
      javaThrows = f;
      break;
    }
    const m = javaNetrcModel(f.text, javaHost);
    if (m) {
      java = { ...m, file: f.path };
      break;
    }
  }
  if (javaFiles.length === 0) view('java', files.dotNetrc?.path, { outcome: 'no-file', why: 'no ~/.netrc or ~/_netrc' });
  else if (javaThrows) view('java', javaThrows.path, { outcome: 'rejects-file', why: `${javaThrows.path} is there but cannot be read (a folder, or no read permission): NetrcCredentialsProvider throws an IOException, and the client is not created` });
  else if (!java) view('java', javaFiles[0]!.path, { outcome: 'no-entry', why: `no "machine ${javaHost} login … password …" in that order` });
  else view('java', java.file, { outcome: 'found', line: java.line, password: java.password, login: java.login });

  // ── findings about lk's own file and entry ──
  if (lkFile && lkParsed) {
    const mine = lkParsed.entriesFor(host);
    if (mine.length > 1) {
      const first = mine[0]!;
      const last = mine[mine.length - 1]!;
      const differs = first.password?.reveal() !== last.password?.reveal() || first.login !== last.login;
      add({
        code: 'duplicate-machine',
        readers: differs && pyFile?.path === lkFile.path ? ['python'] : [],
        line: last.line,
        message: `${host} has ${mine.length} entries in ${lkFile.path} (lines ${mine.map((e) => e.line).join(', ')}): lk, curl, R and Java read the first (line ${first.line}), Python reads the last (line ${last.line})${differs ? ', which holds another key' : ''}`,
      });
    }
    if (lkEntry && lkEntry.kind === 'machine') {
      const keys = lkEntry.fields.map((f) => f.key).filter((k) => k === 'login' || k === 'password');
      const loginAt = keys.indexOf('login');
      if (loginAt < 0 || keys.lastIndexOf('password') < loginAt) {
        add({
          code: 'token-order',
          readers: views.find((v) => v.reader === 'java')?.sameKeyAsLk ? [] : ['java'],
          line: lkEntry.line,
          message: `the entry for ${host} (line ${lkEntry.line}) is not in the order machine, login, password: LabKey's Java client matches nothing else`,
          hint: 'Write it as: machine HOST login apikey password KEY',
        });
      } else if (java && java.file === lkFile.path && java.password === lkKey && java.login !== lkEntry.login) {
        // Java's lazy login group runs up to the word "password": `login apikey account x password K`.
        add({
          code: 'token-order',
          readers: ['java'],
          line: lkEntry.line,
          message: `the entry for ${host} (line ${lkEntry.line}) has other words between login and password: LabKey's Java client reads them as part of the login, and the server then does not take the key as an API key`,
          hint: 'Write it as: machine HOST login apikey password KEY',
        });
      }
      if (lkEntry.machine !== lkEntry.machine!.toLowerCase()) {
        add({
          code: 'host-case',
          readers: (['python', 'java'] as const).filter((r) => !views.find((v) => v.reader === r)?.sameKeyAsLk),
          line: lkEntry.line,
          message: `machine ${lkEntry.machine} (line ${lkEntry.line}) is not all lower case: Python and Java compare it exactly with the server's hostname ${host}`,
          hint: `Write the machine name as ${host}.`,
        });
      }
    }
  }
  if (javaHost !== (isIpv6(host) ? `[${host}]` : host) && !views.find((v) => v.reader === 'java')?.sameKeyAsLk) {
    add({
      code: 'host-case',
      readers: ['java'],
      message: `the server URL's host ${javaHost} is not all lower case: the Java client looks up machine ${javaHost} exactly (URI.getHost()), the other readers ${host}`,
      hint: `Give the Java client the URL with the host in lower case (${host}).`,
    });
  }
  if (java?.inComment && java.file === lkFile?.path && !views.find((v) => v.reader === 'java')?.sameKeyAsLk) {
    add({
      code: 'commented-entry',
      readers: ['java'],
      line: java.line,
      message: `LabKey's Java client reads the commented-out entry on line ${java.line} of ${java.file} (its parser does not know comments)`,
      hint: `Delete line ${java.line}, or break the words "machine ${javaHost}" in it.`,
    });
  }
  if (isIpv6(host)) {
    add({
      code: 'ipv6-host',
      // Python is named whatever its view says: requests before 2.32.4 (psf/requests#6965; Debian 12
      // has 2.28.1) looks up the netloc cut at its first colon, "[", for any IPv6 URL, and sends nothing.
      readers: (['python', 'r', 'curl', 'java'] as const).filter((r) => r === 'python' || !views.find((v) => v.reader === r)?.sameKeyAsLk),
      message: `the server is at an IPv6 address: Python and curl look up machine ${host}, the Java client machine [${host}]; no single entry serves both, and Python's requests before 2.32.4 finds no entry for an IPv6 address at all`,
      hint: 'Use a host name for the server (localhost for ::1): every reader finds that. Otherwise add a second entry with the bracketed form for Java, and requests 2.32.4 or later for Python.',
    });
  }
  if (files.netrcEnv && lkFile?.path === files.netrcEnv.path && files.dotNetrc?.path !== files.netrcEnv.path) {
    add({
      code: 'netrc-env',
      readers: (['r', 'curl', 'java'] as const).filter((r) => !views.find((v) => v.reader === r)?.sameKeyAsLk),
      message: `NETRC points at ${files.netrcEnv.path}: lk and Python read it, but R (libcurl), curl before 8.16 and the Java client read ~/.netrc`,
      hint: 'Unset NETRC and keep the entry in ~/.netrc, or tell each tool the file (curl --netrc-file, labkey.setCurlOptions(NETRC_FILE=…)).',
    });
  }
  if (!files.netrcEnv && files.dotNetrc?.text === undefined && files.underscoreNetrc?.text !== undefined && files.platform !== 'win32') {
    add({
      code: 'underscore-netrc-only',
      readers: (['r', 'curl'] as const).filter((r) => !views.find((v) => v.reader === r)?.sameKeyAsLk),
      message: `there is only ${files.underscoreNetrc.path}: requests and Java read it, but curl and R (libcurl) read only ~/.netrc here, as does Python's netrc.netrc() without a file name`,
      hint: `Rename it: mv ${files.underscoreNetrc.path} ${files.dotNetrc?.path ?? '~/.netrc'}`,
    });
  }
  // Any reader still missing the key lk uses, not explained above.
  const explained = new Set(findings.flatMap((f) => f.readers));
  for (const v of views) {
    if (lk && !v.sameKeyAsLk && !explained.has(v.reader)) {
      add({
        code: 'reader-differs',
        readers: [v.reader],
        ...(v.line !== undefined ? { line: v.line } : {}),
        message: `${v.name} does not send the key lk uses (${lk.fingerprint}): ${v.why ?? v.outcome}`,
        hint: 'Store the key again with lk auth login: lk writes one entry, in order, with values every reader reads the same.',
      });
    }
  }

  return { host, lk, readers: views, findings, allAgree: lk !== undefined && views.every((v) => v.sameKeyAsLk) };
}

/**
 * {@link netrcReadersView} over the real files: `NETRC`, `~/.netrc` and `~/_netrc`, read through
 * `ctx.fs`. A file that cannot be read counts as missing.
 * @public
 */
export async function netrcReaders(ctx: ResolveContext, server: string): Promise<NetrcReadersReport> {
  const p = ctx.platform === 'win32' ? win32 : posix;
  const read = async (path: string): Promise<NetrcReadersFile> => {
    try {
      return { path, text: await ctx.fs.readFile(path) };
    } catch {
      // There (Java's File.exists(): stat succeeds) but not readable: a folder, no read permission.
      const there = await ctx.fs.stat(path).then(
        () => true,
        () => false,
      );
      return there ? { path, text: undefined, unreadable: true } : { path, text: undefined };
    }
  };
  const home = netrcHome(ctx);
  const files: NetrcReadersFiles = { platform: ctx.platform };
  const env = ctx.env[ENV_NETRC];
  if (env) files.netrcEnv = await read(env);
  if (home) {
    files.dotNetrc = await read(p.join(home, '.netrc'));
    files.underscoreNetrc = await read(p.join(home, '_netrc'));
  }
  const loc = await locateNetrc(ctx);
  if (loc.path) {
    files.lkFile = [files.netrcEnv, files.dotNetrc, files.underscoreNetrc].find((f) => f?.path === loc.path) ?? (await read(loc.path));
  }
  return netrcReadersView(server, files);
}

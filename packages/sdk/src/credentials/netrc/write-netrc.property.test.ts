// Property tests: for random netrc files (entries in several layouts, comments, blank lines,
// macdefs, a `default`, LF/CRLF mixes, with or without a final newline) and random set/remove
// edits, the writer changes only the target entry, leaves one entry for the host, refuses values
// some reader would misread, and never glues a token to its neighbour.
import fc from 'fast-check';
import { parseNetrc, netrcHostname, netrcHostKey, type NetrcEntry } from './parse-netrc.js';
import { setNetrcEntryText, removeNetrcEntryText } from './write-netrc.js';
import { NetrcValueError } from '../../errors/netrc-value-error.js';

const KEYWORDS = new Set(['machine', 'default', 'login', 'password', 'account', 'port', 'macdef']);
const HOSTS = ['a.example', 'b.example', 'LK.example', 'lk.EXAMPLE', 'c', '10.0.0.1', '::1', '[::1]'];
const EDIT_HOSTS = [...HOSTS, 'new.example', 'https://user:x@A.example:8443/labkey', 'http://evil.example:@b.example/'];

// The test's own token writer (independent of the one under test).
function tok(v: string, forceQuote: boolean): string {
  const needs = v === '' || /[ \t"\\]/.test(v) || v.startsWith('#') || KEYWORDS.has(v);
  return needs || forceQuote ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : v;
}

const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '0', '_', ' ', '\t', '"', '\\', '#', ',', '.'), maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('default', 'login', 'machine', '#x', '', 'lk_test_0001') },
);
// Spaces other than ASCII space and tab: no reader splits on them the same way.
const NON_ASCII_SPACES = ['\u00a0', '\u1680', '\u2000', '\u2003', '\u2009', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', '\v', '\f'];
const nonAsciiSpaceValueArb = fc
  .tuple(fc.string({ unit: fc.constantFrom('a', 'k', '1'), maxLength: 3 }), fc.constantFrom(...NON_ASCII_SPACES), fc.string({ unit: fc.constantFrom('a', 'k', '1'), maxLength: 3 }))
  .map(([a, sp, b]) => a + sp + b);
// The test's own rule for what the writer must refuse (independent of the writer's).
const refused = (v: string): boolean =>
  v === '' || /[\s"\\\u0085\u200b\u180e]/.test(v) || /[\u0000-\u001f\u007f-\u009f]/.test(v) || v.startsWith('#') || KEYWORDS.has(v);
const editValueArb = fc.oneof({ weight: 6, arbitrary: valueArb }, { weight: 1, arbitrary: nonAsciiSpaceValueArb });
const fieldArb = fc.tuple(fc.constantFrom('login', 'password', 'account', 'port'), valueArb, fc.boolean());
const layoutArb = fc.record({
  multiLine: fc.boolean(),
  indent: fc.constantFrom('', '  ', '\t'),
  sep: fc.constantFrom(' ', '\t', '   '),
  comment: fc.option(fc.constantFrom('# note', '#machine x login y password z'), { nil: undefined }),
});
const entryArb = fc.record({
  host: fc.constantFrom(...HOSTS),
  quoteHost: fc.boolean(),
  fields: fc.array(fieldArb, { maxLength: 4 }),
  layout: layoutArb,
});
type EntrySpec = { host?: string; quoteHost?: boolean; fields: [string, string, boolean][]; layout: { multiLine: boolean; indent: string; sep: string; comment: string | undefined } };

function entryLines(e: EntrySpec): string[] {
  const head = e.host === undefined ? 'default' : `machine ${tok(e.host, e.quoteHost ?? false)}`;
  const fields = e.fields.map(([k, v, q]) => `${k}${e.layout.sep}${tok(v, q)}`);
  const lines = e.layout.multiLine ? [head, ...fields.map((f) => e.layout.indent + f)] : [[head, ...fields].join(e.layout.sep)];
  if (e.layout.comment) lines[lines.length - 1] += ` ${e.layout.comment}`;
  return lines;
}

const chunkArb = fc.oneof(
  { weight: 5, arbitrary: entryArb.map((e) => entryLines(e)) },
  { weight: 1, arbitrary: fc.constantFrom(['# a comment'], ['# machine a.example login x password commented'], ['#']) },
  { weight: 1, arbitrary: fc.constantFrom([''], ['   '], ['\t']) },
  // A quoted value glued to what follows it (issue 12): `password "old"# work key`, `"old"machine other`.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTS), fc.constantFrom('login', 'password', 'account', 'port'), valueArb, fc.constantFrom('# work key', '#', 'machine other.example login o password p', 'login glued', 'password "q"'))
      .map(([host, key, v, rest]) => [`machine ${tok(host, false)} ${key} ${tok(v, true)}${rest}`]),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('cd /pub', 'machine a.example login hidden password hidden', 'get "x y"', '  # c'), { minLength: 1, maxLength: 3 })
      .map((body) => ['macdef init', ...body, '']),
  },
);

const fileArb = fc
  .record({
    chunks: fc.array(chunkArb, { maxLength: 8 }),
    dflt: fc.option(fc.record({ at: fc.nat(), fields: fc.array(fieldArb, { maxLength: 3 }), layout: layoutArb }), { nil: undefined }),
    eols: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 64, maxLength: 64 }),
    finalEol: fc.boolean(),
  })
  .map(({ chunks, dflt, eols, finalEol }) => {
    const all = [...chunks];
    if (dflt) all.splice(dflt.at % (all.length + 1), 0, entryLines({ fields: dflt.fields, layout: dflt.layout }));
    const lines = all.flat();
    let text = lines.map((l, i) => l + eols[i % eols.length]).join('');
    if (!finalEol) text = text.replace(/\r?\n$/, '');
    return text;
  });

const editArb = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    host: fc.constantFrom(...EDIT_HOSTS),
    login: fc.option(editValueArb, { nil: undefined }),
    password: editValueArb,
    account: fc.oneof(fc.constant(undefined), fc.constant(null), editValueArb),
  }),
  fc.record({ op: fc.constant('remove' as const), host: fc.constantFrom(...EDIT_HOSTS) }),
);

const summary = (e: NetrcEntry) => ({
  kind: e.kind,
  machine: e.machine,
  login: e.login,
  password: e.password?.reveal(),
  account: e.account,
  port: e.port,
});
const isFor = (key: string) => (e: NetrcEntry) => e.kind === 'machine' && netrcHostKey(e.machine!) === key;

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
function commonSuffix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

const RUNS = { numRuns: 400 };

test('generated files parse (the generator makes valid netrc)', () => {
  fc.assert(
    fc.property(fileArb, (text) => {
      parseNetrc(text);
    }),
    RUNS,
  );
});

test('set refuses a value some reader would misread, and leaves the text as it was', () => {
  fc.assert(
    fc.property(fileArb, editArb.filter((e) => e.op === 'set'), (before, edit) => {
      if (edit.op !== 'set') return;
      const bad = [edit.password, edit.login, edit.account].some((v) => typeof v === 'string' && refused(v));
      let result: string | undefined;
      let err: unknown;
      try {
        result = setNetrcEntryText(before, edit.host, edit);
      } catch (e) {
        err = e;
      }
      if (bad) {
        expect(err).toBeInstanceOf(NetrcValueError);
        expect(result).toBeUndefined();
      } else {
        expect(err).toBeUndefined();
      }
    }),
    RUNS,
  );
});

test('set changes only the target entry, leaves one entry for the host, and lookup returns the new values', () => {
  fc.assert(
    fc.property(fileArb, editArb.filter((e) => e.op === 'set'), (before, edit) => {
      if (edit.op !== 'set') return;
      fc.pre(![edit.password, edit.login, edit.account].some((v) => typeof v === 'string' && refused(v)));
      const key = netrcHostname(edit.host);
      const b = parseNetrc(before);
      const mine = b.entries.filter(isFor(key));
      const target = mine[0];
      const after = setNetrcEntryText(before, edit.host, edit);
      const a = parseNetrc(after);

      // every other entry unchanged (none merged with a neighbour), same order; one entry for the host
      const others = (n: NetrcEntry[]) => n.filter((e) => !isFor(key)(e)).map(summary);
      expect(others(a.entries)).toEqual(others(b.entries));
      expect(a.entries.filter(isFor(key))).toHaveLength(1);

      // lookup sees the new values, in the order machine, login, password, account, with no port
      const got = a.lookup(edit.host)!;
      expect(got.entry.kind).toBe('machine');
      expect(got.password.reveal()).toBe(edit.password);
      expect(got.login).toBe(edit.login ?? target?.login ?? '');
      expect(got.account).toBe(edit.account === null ? '' : (edit.account ?? target?.account ?? ''));
      const keys = got.entry.fields.map((f) => f.key);
      expect(keys).toEqual(['machine', 'login', 'password', 'account'].filter((k) => keys.includes(k as never)));

      const cp = commonPrefix(before, after);
      const cs = commonSuffix(before, after);
      const dflt = b.entries.find((e) => e.kind === 'default');
      if (target && dflt && dflt.start < target.start) {
        // an entry curl could not see is moved above default
        const ai = a.entries.findIndex(isFor(key));
        expect(ai).toBeLessThan(a.entries.findIndex((e) => e.kind === 'default'));
        expect(a.warnings.filter((w) => w.code === 'entry-after-default').length).toBeLessThan(
          b.warnings.filter((w) => w.code === 'entry-after-default').length,
        );
      } else if (target && mine.length === 1) {
        // the bytes before and after the entry are untouched (a space may part a glued token)
        expect(after.startsWith(before.slice(0, target.start))).toBe(true);
        const rest = before.slice(target.end);
        expect(after.endsWith(rest)).toBe(true);
      } else if (target) {
        expect(after.startsWith(before.slice(0, target.start))).toBe(true);
      } else {
        // a pure insertion: after = before[0:q] + X + before[q:] for some q
        expect(cp + cs).toBeGreaterThanOrEqual(before.length);
        const q = Math.max(0, before.length - cs); // the earliest possible split point
        if (dflt) {
          expect(q).toBeLessThanOrEqual(dflt.start);
          const ai = a.entries.findIndex(isFor(key));
          const di = a.entries.findIndex((e) => e.kind === 'default');
          expect(ai).toBeLessThan(di);
        }
        expect(a.entries).toHaveLength(b.entries.length + 1);
      }
    }),
    RUNS,
  );
});

test('remove deletes every entry for the host and nothing else', () => {
  fc.assert(
    fc.property(fileArb, editArb, (before, edit) => {
      const key = netrcHostname(edit.host);
      const b = parseNetrc(before);
      const targets = b.entries.filter(isFor(key));
      const after = removeNetrcEntryText(before, edit.host);
      const a = parseNetrc(after);

      expect(a.entries.filter(isFor(key))).toEqual([]);
      expect(a.entries.map(summary)).toEqual(b.entries.filter((e) => !isFor(key)(e)).map(summary));
      const dflt = b.entries.find((e) => e.kind === 'default');
      const got = a.lookup(edit.host);
      if (dflt && (dflt.login !== undefined || dflt.password !== undefined)) expect(got?.entry.kind).toBe('default');
      else expect(got).toBeUndefined();

      if (targets.length === 0) {
        expect(after).toBe(before);
        return;
      }
      // Outside the removed entries, only whitespace right next to them may go.
      const segs: string[] = [];
      let from = 0;
      for (const t of targets) {
        segs.push(before.slice(from, t.start));
        from = t.end;
      }
      segs.push(before.slice(from));
      let pos = 0;
      segs.forEach((seg, i) => {
        let core = seg;
        if (i > 0) core = core.replace(/^[ \t\r\n]*/, '');
        if (i < segs.length - 1) core = core.replace(/[ \t\r\n]*$/, '');
        if (i > 0) {
          const ws = /^[ \t\r\n]*/.exec(after.slice(pos))![0];
          pos += ws.length;
        }
        expect(after.slice(pos, pos + core.length)).toBe(core);
        pos += core.length;
      });
      expect(pos).toBe(after.length);
    }),
    RUNS,
  );
});

test('set then remove on a file without the host gives the file back, byte for byte, when it ends with a newline', () => {
  fc.assert(
    fc.property(fileArb, valueArb, (before, password) => {
      fc.pre(!refused(password));
      fc.pre(/\n$/.test(before) && !parseNetrc(before).warnings.some((w) => w.code === 'macdef-unterminated'));
      const added = setNetrcEntryText(before, 'fresh.example', { login: 'apikey', password });
      expect(removeNetrcEntryText(added, 'fresh.example')).toBe(before);
    }),
    RUNS,
  );
});

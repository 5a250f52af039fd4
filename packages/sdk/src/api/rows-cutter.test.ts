// The rows cutter against JSON.parse of the whole answer: random answers (strings with escapes,
// quotes, brackets and multi-byte UTF-8 in keys and values, nested values, compact or spaced),
// split into random chunks (inside strings, escapes and UTF-8 characters too). The pages' rows
// must be the answer's rows, each page a JSON body with the answer's other members, and an answer
// cut anywhere before its end must never come out as a complete result.
import { CutError, RowsCutter, type CutPage } from './rows-cutter.js';

/** mulberry32: the same random answers on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0001', 'é', '€', '😀', '[', ']', '{', '}', ',', ':', 'rows', '\u2028', 'ñ'];

function gen(r: () => number) {
  const int = (n: number) => Math.floor(r() * n);
  const str = (): string => Array.from({ length: int(8) }, () => PIECES[int(PIECES.length)]).join('');
  const value = (depth: number): unknown => {
    const k = int(depth > 2 ? 5 : 7);
    if (k === 0) return str();
    if (k === 1) return int(2000) - 1000 + (r() < 0.3 ? r() : 0);
    if (k === 2) return r() < 0.5;
    if (k === 3) return null;
    if (k === 4) return r() < 0.1 ? 1e21 * r() : str();
    if (k === 5) return Array.from({ length: int(4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = int(4); i > 0; i--) o[str()] = value(depth + 1);
    return o;
  };
  const row = (): unknown => {
    if (r() < 0.05) return value(1); // not an object now and then
    const o: Record<string, unknown> = {};
    for (let i = int(6); i > 0; i--) o[str() || 'k'] = value(1);
    return o;
  };
  return { str, value, row, int };
}

/** A random answer: members before and after `rows` (keys that look like rows among them). */
function answer(r: () => number): { text: string; parsed: Record<string, unknown> } {
  const g = gen(r);
  const before: Record<string, unknown> = {};
  for (let i = g.int(4); i > 0; i--) before[r() < 0.2 ? 'rowsX' : g.str() + 'b'] = g.value(0);
  const rows = Array.from({ length: g.int(60) }, g.row);
  const after: Record<string, unknown> = {};
  if (r() < 0.7) after.rowCount = rows.length;
  for (let i = g.int(3); i > 0; i--) after[g.str() + 'a'] = g.value(0);
  const obj = { ...before, rows, ...after };
  const text = r() < 0.5 ? JSON.stringify(obj) : JSON.stringify(obj, null, r() < 0.5 ? 2 : '\t');
  return { text, parsed: JSON.parse(text) };
}

function cutAll(bytes: Buffer, r: () => number, pageSize: number, maxPageBytes = 1 << 30): CutPage[] {
  const c = new RowsCutter({ pageSize, maxPageBytes });
  const out: CutPage[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = r() < 0.3 ? 1 + Math.floor(r() * 3) : 1 + Math.floor(r() * 200);
    out.push(...c.push(bytes.subarray(at, at + n)));
    at += n;
  }
  out.push(...c.end());
  return out;
}

function withoutRows(o: Record<string, unknown>): Record<string, unknown> {
  const { rows: _rows, ...rest } = o;
  return rest;
}

test('pages of random answers split at random: the rows JSON.parse gives, every page a JSON body', () => {
  for (let seed = 1; seed <= 800; seed++) {
    const r = rng(seed);
    const { text, parsed } = answer(r);
    const pageSize = 1 + Math.floor(r() * 12);
    const pages = cutAll(Buffer.from(text), r, pageSize);
    const rows: unknown[] = [];
    const preamble: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (k === 'rows') break;
      preamble[k] = v;
    }
    pages.forEach((p, i) => {
      const body = JSON.parse(p.body.toString('utf8')) as Record<string, unknown>;
      expect(Array.isArray(body.rows)).toBe(true);
      expect((body.rows as unknown[]).length).toBe(p.count);
      expect(p.count).toBeLessThanOrEqual(pageSize);
      expect(p.last).toBe(i === pages.length - 1);
      // The last page has the whole answer's other members; the others those before the rows.
      expect(withoutRows(body)).toEqual(p.last ? withoutRows(parsed) : preamble);
      rows.push(...(body.rows as unknown[]));
    });
    expect(rows).toEqual(parsed.rows);
    // Pages are full but the last.
    expect(pages.slice(0, -1).every((p) => p.count === pageSize)).toBe(true);
  }
});

test('an answer cut anywhere before its end never comes out complete', () => {
  for (let seed = 1; seed <= 800; seed++) {
    const r = rng(seed);
    const { text } = answer(r);
    const bytes = Buffer.from(text);
    // Cut somewhere after the start, not just trailing whitespace.
    const end = bytes.length - (text.length - text.trimEnd().length);
    const at = Math.floor(r() * end);
    let pages: CutPage[];
    try {
      pages = cutAll(bytes.subarray(0, at), r, 1 + Math.floor(r() * 12));
    } catch (e) {
      expect(e).toBeInstanceOf(CutError);
      continue;
    }
    // No error from the cutter: then the last page is not valid JSON (the page check catches it).
    const last = pages[pages.length - 1] as CutPage;
    expect(() => JSON.parse(last.body.toString('utf8'))).toThrow();
  }
});

test('the page cap: pages cut before pageSize to stay within it; a row alone over it is too-large', () => {
  const pre = '{"a":1,"rows":[';
  const rows = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, s: 'x'.repeat(i * 10) }));
  const text = `${pre}${rows.join(',')}],"rowCount":50}`;
  const cap = 1200;
  const pages = cutAll(Buffer.from(text), rng(7), 1000, cap);
  const got: unknown[] = [];
  for (const p of pages) {
    if (!p.last) expect(p.body.length).toBeLessThanOrEqual(cap);
    got.push(...(JSON.parse(p.body.toString()) as { rows: unknown[] }).rows);
  }
  expect(got).toEqual(rows.map((x) => JSON.parse(x)));
  const huge = `${pre}{"s":"${'y'.repeat(5000)}"}]}`;
  expect(() => cutAll(Buffer.from(huge), rng(8), 10, cap)).toThrow(expect.objectContaining({ problem: expect.objectContaining({ kind: 'too-large', where: 'row' }) }));
});

test('answers without a rows array are not-rows (read whole by the caller)', () => {
  for (const text of ['{"success":false,"exception":"x"}', '<html></html>', '{"rows":5}', '{"a":{"rows":[1]}}', '', '[1,2]']) {
    expect(() => cutAll(Buffer.from(text), rng(1), 10)).toThrow(expect.objectContaining({ problem: { kind: 'not-rows' } }));
  }
});

test("LabKey's error object where the next row would go is broken, with the rows before it and the object", () => {
  const text = '{"rows":[{"a":1},{"a":2}{"exception":"boom","success":false}';
  try {
    cutAll(Buffer.from(text), rng(3), 10);
    throw new Error('no error');
  } catch (e) {
    const p = (e as CutError).problem;
    expect(p.kind).toBe('broken');
    if (p.kind !== 'broken') return;
    expect(p.rows).toBe(2);
    expect(JSON.parse(p.rest.toString())).toEqual({ exception: 'boom', success: false });
  }
});

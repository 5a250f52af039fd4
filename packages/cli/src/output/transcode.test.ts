/**
 * Differential: the row writers fed pages as bytes (rawPage, transcode.ts) write exactly the bytes
 * they write when fed the same pages' rows as objects (row(), the object path), over generated
 * pages of hostile values. `page.rows()` is the object path's rows (the SDK's raw-rows.test
 * checks it against normalizeQueryResponse).
 */
import { rawRowsPage, type RawRowsPage } from '@lk/sdk';
import { createTestIO, type IO } from '../io.js';
import { createRowWriter, type Format } from './row-writer.js';
import { canonicalNumber, validUtf8 } from './transcode.js';
import { prng } from '../testing/prng.js';

type Row = Record<string, unknown>;


const STRINGS = [
  'plain', '', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rlf\r\n', ' lead', 'trail ', '\ttab', 'tab\t', '\u00a0nbsp', 'nbsp\u00a0',
  '\u2028ls', 'ps\u2029', '\u3000ideo', 'in\u00a0side', 'back\\slash', 'sl/ash', 'nul\u0000', 'é漢字', '😀 emoji', 'x😀', '😀',
  '\ud83d\ude00\ud83d', '\udc00lone', 'lone\ud800', '=1+2', ',', '"', '  ', '\ufeffbom', 'end\ufeff', 'a"b,c\nd',
];
/** A string as JSON text, written one of several ways (all JSON.parse to the same string). */
function encodeString(s: string, how: number): string {
  if (how === 0) return JSON.stringify(s);
  if (how === 1) return `"${Array.from(s, (ch) => [...ch].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')).join('')}"`;
  return JSON.stringify(s).replace(/\//g, '\\/');
}
/** Raw byte strings, some not valid UTF-8 (the object path decodes them with U+FFFD). */
const RAW_STRINGS = [
  [0x61, 0xff, 0x62], [0xff, 0x61], [0x61, 0xed, 0xa0, 0x80], [0xc3], [0xc0, 0xaf, 0x61], [0x61, 0xc3, 0xa9, 0x62], [0xc2, 0xa0, 0x61],
  [0x61, 0xe2, 0x80, 0xa8], [0xf0, 0x9f, 0x98, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x61, 0xe0, 0x80, 0xaf], [0x2c, 0xe9, 0x2c],
];
const NUMBERS = [
  '0', '-0', '1', '-1', '1.0', '1.50', '1e5', '1E+21', '1e21', '1e-7', '0.000001', '0.0000001', '0.1', '-0.0', '123456789012345678',
  '12345678901234567890', '-5.50', '100', '100000000000000000000', '1000000000000000000000', '999999999999999', '9999999999999999',
  '123456789012345.6', '0.1234567890123456', '0.123456789012345', '5e-324', '2.5E-3', '1E400', '-1e400', '79.19', '-0.000001', '0.0000012',
];
const OTHER = ['true', 'false', 'null', '{"value":1,"displayValue":"one"}', '[1,"a",{"b":null}]', '{"a":{"b":[]}}', '[]', '{}', '[{"value":"x"},{"value":"y"}]'];
const KEYS = ['Key', 'Name', 'Value', 'Note', 'Flag'];
const ODD_KEYS = ['_labkeyurl_Name', 'Extra', '1', '42', '"K\\u0065y"', 'Nämé', 'value', 'Key', '"N\\u00e4m\\u00e9"'];

function value(r: () => number): (string | Buffer)[] {
  const x = r();
  if (x < 0.4) return [encodeString(STRINGS[Math.floor(r() * STRINGS.length)] as string, Math.floor(r() * 3))];
  if (x < 0.5) return ['"', Buffer.from(RAW_STRINGS[Math.floor(r() * RAW_STRINGS.length)] as number[]), '"'];
  if (x < 0.85) return [NUMBERS[Math.floor(r() * NUMBERS.length)] as string];
  return [OTHER[Math.floor(r() * OTHER.length)] as string];
}

function keyText(k: string): string {
  return k.startsWith('"') ? k : JSON.stringify(k);
}

/** A row object's JSON bytes: `odd` allows keys out of order, missing, duplicated, extra, and whitespace. */
function row(r: () => number, odd: boolean, plain: boolean): (string | Buffer)[] {
  let keys = [...KEYS];
  if (odd) {
    if (r() < 0.3) keys = keys.sort(() => r() - 0.5);
    if (r() < 0.3) keys.splice(Math.floor(r() * keys.length), 1);
    if (r() < 0.2) keys.push(keys[Math.floor(r() * keys.length)] as string);
    if (r() < 0.3) keys.splice(Math.floor(r() * keys.length), 0, ODD_KEYS[Math.floor(r() * ODD_KEYS.length)] as string);
  }
  const ws = (): string => (odd && r() < 0.1 ? [' ', '\n', '\t', '\r\n '][Math.floor(r() * 4)] as string : '');
  const parts: (string | Buffer)[] = ['{', ws()];
  keys.forEach((k, i) => {
    if (i > 0) parts.push(ws(), ',', ws());
    parts.push(keyText(k), ws(), ':', ws(), ...(plain ? [String(i)] : value(r)));
  });
  parts.push(ws(), '}');
  return parts;
}

/** ASCII strings of 0-13 bytes with commas and spaces anywhere (csv quotes them; copied four bytes at a time). */
function asciiString(r: () => number): string {
  return JSON.stringify(Array.from({ length: Math.floor(r() * 14) }, () => [',', ' ', 'a', 'B', '0', '-', ':', '~'][Math.floor(r() * 8)]).join(''));
}

/**
 * A row with the first row's keys in order, spaced as `ws` says (the walk reads such rows by
 * comparing the text around their values with the first row's): mostly ASCII strings and numbers.
 */
function sameRow(r: () => number, ws: string): (string | Buffer)[] {
  const parts: (string | Buffer)[] = ['{', ws];
  KEYS.forEach((k, i) => {
    if (i > 0) parts.push(ws, ',', ws);
    const x = r();
    parts.push(keyText(k), ws, ':', ws, ...(x < 0.45 ? [asciiString(r)] : x < 0.6 ? [String(Math.floor(r() * 1e7) / 100)] : value(r)));
  });
  parts.push(ws, '}');
  return parts;
}

function body(r: () => number, n: number, o: { odd: boolean; plainFirst?: boolean; link?: boolean; same?: string }): Buffer {
  const parts: (string | Buffer)[] = ['{"schemaName":"lists","queryName":"Generated","formatVersion":8.3,"rows":['];
  for (let i = 0; i < n; i++) {
    if (i > 0) parts.push(',');
    if (o.same !== undefined) {
      // Now and then a row spaced otherwise or shaped otherwise among them.
      parts.push(...(r() < 0.1 ? row(r, true, false) : sameRow(r, r() < 0.05 ? ' ' : o.same)));
      continue;
    }
    if (i === 0 && o.link) {
      parts.push('{"Key":1,"_labkeyurl_Name":"/x","Name":"n","Value":1,"Note":"a","Flag":true}');
      continue;
    }
    parts.push(...row(r, o.odd, i === 0 && o.plainFirst === true));
  }
  parts.push('],"metaData":{"fields":[{"name":"Key"},{"name":"Name"}]},"rowCount":', String(n * 5), '}');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** A test IO keeping stdout as bytes. */
function byteIO(): { io: IO; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const io = Object.create(createTestIO(), { out: { value: async (s: string | Uint8Array) => void chunks.push(Buffer.from(s)) } }) as IO;
  return { io, bytes: () => Buffer.concat(chunks) };
}

async function write(format: Format, pages: RawRowsPage<Row>[], raw: boolean, o: { columns?: string[]; chunkChars?: number; firstPage: number }): Promise<{ out: Buffer; transcoded: number }> {
  const { io, bytes } = byteIO();
  const w = createRowWriter(io, { format, ...o });
  let transcoded = 0;
  for (const page of pages) {
    const fast = raw ? w.rawPage(page) : undefined;
    if (fast) {
      transcoded++;
      while (!fast.done) await fast.step();
      continue;
    }
    for (const r of page.rows()) await w.row(r);
  }
  await w.end();
  return { out: bytes(), transcoded };
}

describe('transcoding rows from bytes', () => {
  const PAGE = 40;
  const corpora: [string, Buffer[]][] = [];
  for (let seed = 1; seed <= 12; seed++) {
    const r = prng(seed);
    // First page plain or odd; later pages hostile, some with a link key in their first row,
    // some whose first row is a 9.1 cell object (left to the object path).
    const pages = [body(r, PAGE, { odd: seed % 3 === 0 })];
    for (let p = 0; p < 4; p++) pages.push(body(r, PAGE, { odd: true, plainFirst: p === 1, link: p === 2 && seed % 2 === 0 }));
    if (seed % 4 === 0) pages.push(Buffer.from('{"rows":[{"Key":{"value":9},"Name":{"value":"cell"}}],"rowCount":1}'));
    corpora.push([`seed ${seed}`, pages]);
  }
  for (let seed = 13; seed <= 18; seed++) {
    const r = prng(seed);
    const ws = seed % 3 === 0 ? ' ' : '';
    const pages = [body(r, PAGE, { odd: false })];
    for (let p = 0; p < 4; p++) pages.push(body(r, PAGE, { odd: true, same: ws }));
    corpora.push([`seed ${seed} (rows shaped like the first)`, pages]);
  }
  const cases: [string, Format, string[] | undefined, number | undefined][] = [];
  for (const f of ['csv', 'tsv', 'ndjson'] as const) {
    cases.push([f, f, undefined, undefined], [`${f} in 64-byte chunks`, f, undefined, 64]);
  }
  cases.push(['csv --columns', 'csv', ['value', 'Name', 'Nope', 'Flag'], undefined], ['tsv --columns', 'tsv', ['Note', 'key'], 64]);

  it.each(cases)('%s: the same bytes as the object path', async (_name, format, columns, chunkChars) => {
    let transcoded = 0;
    for (const [seed, bodies] of corpora) {
      const pages = (): RawRowsPage<Row>[] => bodies.map((b) => rawRowsPage<Row>(b) as RawRowsPage<Row>);
      const o = { firstPage: PAGE, ...(columns ? { columns } : {}), ...(chunkChars ? { chunkChars } : {}) };
      const slow = await write(format, pages(), false, o);
      const fast = await write(format, pages(), true, o);
      if (!fast.out.equals(slow.out)) {
        // Show the first line that differs.
        const a = slow.out.toString('latin1').split('\n');
        const b = fast.out.toString('latin1').split('\n');
        const i = a.findIndex((l, k) => l !== b[k]);
        expect({ seed, line: i, fast: b[i] }).toEqual({ seed, line: i, fast: a[i] });
      }
      transcoded += fast.transcoded;
    }
    // Most later pages went the fast way (the 9.1 page and nested first rows did not).
    expect(transcoded).toBeGreaterThan(corpora.length * 2);
  });

  it('a column every object inherits (__proto__, constructor) is written by the object path', async () => {
    const page = (t: string) => rawRowsPage<Row>(Buffer.from(t)) as RawRowsPage<Row>;
    for (const key of ['__proto__', 'constructor']) {
      const pages = [page(`{"rows":[{"a":1,"${key}":{"x":1}}]}`), page('{"rows":[{"a":2},{"a":3}]}')];
      const slow = await write('csv', pages, false, { firstPage: 1 });
      const fast = await write('csv', pages, true, { firstPage: 1 });
      expect(fast).toEqual({ out: slow.out, transcoded: 0 });
    }
  });

  it('canonicalNumber says true only when String(Number(text)) is the text, and for every such short plain decimal', () => {
    const texts = [...NUMBERS, '0.5', '-0.5', '10', '1.25', '0.00001', '123456789012345', '1234567890123456', '0.30000000000000004', '1e+21', '7.0e0'];
    const r = prng(3);
    for (let i = 0; i < 5000; i++) texts.push(String((r() - 0.5) * 10 ** Math.floor(r() * 34 - 12)), (r() * 10 ** Math.floor(r() * 20)).toFixed(Math.floor(r() * 8)));
    for (const t of texts) {
      const b = Buffer.from(t);
      const printed = String(Number(t)) === t;
      const digits = t.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      // Copied only when it is what would be printed; always copied when short and plain (up to
      // 15 significant digits every decimal is its double's shortest form).
      const canonical = canonicalNumber(b, 0, b.length);
      if (canonical || (printed && !/e/i.test(t) && digits <= 15)) expect([t, canonical]).toEqual([t, printed]);
    }
  });

  it('validUtf8 agrees with a decode-encode round trip', () => {
    const r = prng(7);
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 6) }, () => (r() < 0.3 ? 0x61 : 0x80 + Math.floor(r() * 128))));
      expect([b.toString('hex'), validUtf8(b, 0, b.length)]).toEqual([b.toString('hex'), Buffer.from(b.toString('utf8')).equals(b)]);
    }
  });
});

/**
 * Differential: a typed export fed pages as bytes (rawPage, typed-raw.ts) holds exactly the cells
 * it holds when fed the same pages' rows as objects (row(), the object path), and fails on the
 * same row with the same error, over generated pages of values of every shape. `page.rows()` is
 * the object path's rows (the SDK's raw-rows.test checks it against normalizeQueryResponse).
 */
import { rawRowsPage, type RawRowsPage } from '@lk/sdk';
import { BATCH_BYTES, cellValue, type ColumnCells, type TypedColumn, type TypedValue } from './typed-columns.js';
import { integer, labkeyDate, shortDecimal } from './typed-raw.js';
import { batchedWriter } from './typed-writer.js';
import { prng } from '../testing/prng.js';

type Row = Record<string, unknown>;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** JSON texts by the column kind they mostly suit; a few of each are not of the kind. */
const VALUES: Record<TypedColumn['kind'], string[]> = {
  int: ['0', '-0', '1', '-1', '42', '999999999999999', '-999999999999999', '9007199254740991', '1234567890123456', '1.0', '1e3', '-2E2', '"17"', '"-9007199254740993"', '"9223372036854775807"', 'null'],
  float: ['0', '-0', '1.5', '-1.25', '79.19', '0.1', '0.000001', '1e-7', '123456789012345', '0.123456789012345', '1234567890.12345', '9999999999999999', '1.50', '1e21', '5e-324', '2.5E-3', '"3.25"', '"NaN"', '" 2 "', 'null', '-0.000001', '100'],
  boolean: ['true', 'false', '"true"', '"false"', 'null'],
  timestamp: ['"2024-03-05 14:07:09.120"', '"2018/12/31 23:59:58"', '"2024-03-05"', '"2024-03-05 14:07"', '"2024-03-05T14:07:09"', '"2024-03-05 14:07:09.1"', '"2024-03-05 14:07:09.123456"', '"0099-01-01 00:00:00.000"', '"0000-02-29 01:02"', '"2024-03-05T14:07:09Z"', '"2024-03-05T14:07:09+02:00"', '"2024-03-05\\u002014:07:09"', 'null'],
  string: ['"plain"', '""', '"a,b"', '"say \\"hi\\""', '"line\\nbreak"', '"é漢字"', '"😀"', '"\\ud83d\\ude00"', '42', '-0', '1.0', '79.19', '1e5', 'true', 'false', '{"a":1}', '[1,"x"]', 'null', '{"value":"inner","displayValue":"x"}'],
};
/** Values of no column's kind: a row with one fails, on both paths alike. */
const WRONG: Record<TypedColumn['kind'], string[]> = {
  int: ['3.5', '"x"', 'true', '{"a":1}', '"99999999999999999999"', '1e300'],
  float: ['"x"', 'true', '[1]', '""', '1e400', '-1E999', '"0x10"', '"1e400"'],
  boolean: ['1', '"yes"', '{}'],
  timestamp: ['"yesterday"', '42', 'true', '"2024-03"', '"2024-03-05 14:07:0"', '"2024-13-45 25:61:61.999"', '"2021-02-29"'],
  string: ['"\\ud83d"', '"a\\udc00"'],
};
const RAW_BYTES = [[0x61, 0xff, 0x62], [0xc3], [0x61, 0xc3, 0xa9, 0x62], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80]];

const COLUMNS: TypedColumn[] = [
  { name: 'Key', keys: ['Key'], kind: 'int' },
  { name: 'Name', keys: ['Name'], kind: 'string' },
  { name: 'Value', keys: ['Value'], kind: 'float' },
  { name: 'When', keys: ['When'], kind: 'timestamp' },
  { name: 'Flag', keys: ['Flag'], kind: 'boolean' },
];

function cell(r: () => number, c: TypedColumn, wrong: number): (string | Buffer)[] {
  if (c.kind === 'string' && r() < 0.1) return ['"', Buffer.from(pick(r, RAW_BYTES)), '"'];
  if (WRONG[c.kind].length > 0 && r() < wrong) return [pick(r, WRONG[c.kind])];
  return [pick(r, VALUES[c.kind])];
}

/** A row: usually the columns in order; now and then out of order, one missing or twice, an extra key, whitespace. */
function row(r: () => number, wrong: number, odd: boolean): (string | Buffer)[] {
  let cols = [...COLUMNS];
  let extra: string | undefined;
  if (odd) {
    if (r() < 0.3) cols = cols.sort(() => r() - 0.5);
    if (r() < 0.2) cols.splice(Math.floor(r() * cols.length), 1);
    if (r() < 0.15) cols.push(pick(r, cols));
    if (r() < 0.2) extra = pick(r, ['"Extra"', '"N\\u0061me"', '"_labkeyurl_Name"']);
  }
  const ws = (): string => (odd && r() < 0.1 ? pick(r, [' ', '\n', '\t']) : '');
  const parts: (string | Buffer)[] = ['{', ws()];
  cols.forEach((c, i) => {
    if (i > 0) parts.push(',', ws());
    parts.push(JSON.stringify(c.name), ':', ws(), ...cell(r, c, wrong));
  });
  if (extra) parts.push(cols.length ? ',' : '', extra, ':', '"x"');
  parts.push(ws(), '}');
  return parts;
}

function page(r: () => number, n: number, wrong: number, odd: boolean, firstRow?: string): RawRowsPage<Row> {
  const parts: (string | Buffer)[] = ['{"schemaName":"lists","queryName":"T","formatVersion":8.3,"rows":['];
  for (let i = 0; i < n; i++) {
    if (i > 0) parts.push(',');
    if (i === 0 && firstRow) parts.push(firstRow);
    else parts.push(...row(r, wrong, odd && i > 0));
  }
  parts.push('],"rowCount":', String(n), '}');
  return rawRowsPage<Row>(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))) as RawRowsPage<Row>;
}

interface Outcome {
  batches: TypedValue[][][];
  error?: { code: unknown; message: string };
  raw: number;
}

/** Every page through one writer, by bytes where it takes them (`raw`) or as row objects. */
async function run(columns: TypedColumn[], pages: RawRowsPage<Row>[], raw: boolean): Promise<Outcome> {
  const out: Outcome = { batches: [], raw: 0 };
  const w = batchedWriter(
    columns,
    (cells: ColumnCells[], n: number) => {
      out.batches.push(cells.map((c) => Array.from({ length: n }, (_, i) => c.value(i))));
      return undefined;
    },
    () => {},
  );
  try {
    for (const p of pages) {
      const fast = raw ? w.rawPage(p) : undefined;
      if (fast) {
        out.raw++;
        while (!fast.done) await fast.step();
        continue;
      }
      for (const row of p.rows()) await w.row(row);
    }
    await w.end();
  } catch (e) {
    out.error = { code: (e as { code?: unknown }).code, message: (e as Error).message };
  }
  return out;
}

describe('typed export: cells from bytes', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: the same cells and the same error as the object path', async (seed) => {
    const r = prng(seed);
    const wrong = seed <= 4 ? 0 : 0.002;
    const pages = [page(r, 50, 0, false)];
    for (let p = 0; p < 6; p++) pages.push(page(r, 60, wrong, true));
    // A page whose first row is 9.1 cells (left to the object path), and one whose first row has a link key.
    pages.push(page(r, 3, 0, false, '{"Key":{"value":9},"Name":{"value":"cell"}}'));
    pages.push(page(r, 5, wrong, true, '{"Key":1,"_labkeyurl_Name":"/x","Name":"n","Value":1,"When":null,"Flag":true}'));
    const slow = await run(COLUMNS, pages, false);
    const fast = await run(COLUMNS, pages, true);
    expect(fast.batches).toEqual(slow.batches);
    expect(fast.error).toEqual(slow.error);
    expect(fast.raw).toBeGreaterThanOrEqual(1);
    if (wrong === 0) expect(slow.error).toBeUndefined();
  });

  it('a batch filled in the middle of a page is written there, and the rest of the page starts the next', async () => {
    const r = prng(99);
    const pages = [page(r, 10_000, 0, false), page(r, 10_000, 0, false)];
    const slow = await run(COLUMNS, pages, false);
    const fast = await run(COLUMNS, pages, true);
    expect(fast.batches.map((b) => b[0]!.length)).toEqual([16_384, 3_616]);
    expect(fast).toEqual({ ...slow, raw: 2 });
  });

  it('a batch is written once its text reaches BATCH_BYTES, before BATCH_ROWS (1 MB cells: 64 a batch, not 16,384)', async () => {
    const cols: TypedColumn[] = [{ name: 'Key', keys: ['Key'], kind: 'int' }, { name: 'Doc', keys: ['Doc'], kind: 'string' }];
    const doc = 'd'.repeat(1 << 20);
    const p = () => [0, 1].map((n) => rawRowsPage<Row>(Buffer.from(`{"rows":[${Array.from({ length: 50 }, (_, k) => `{"Key":${n * 50 + k},"Doc":"${doc}"}`).join(',')}]}`)) as RawRowsPage<Row>);
    for (const raw of [true, false]) {
      const lengths: number[] = [];
      let last: TypedValue[] = [];
      const w = batchedWriter(cols, (cells, n) => {
        lengths.push(n);
        last = [cells[0]!.value(n - 1), cells[1]!.value(n - 1)?.toString().length ?? null];
        return undefined;
      }, () => {});
      for (const page of p()) {
        const fast = raw ? w.rawPage(page) : undefined;
        if (fast) while (!fast.done) await fast.step();
        else for (const r of page.rows()) await w.row(r);
      }
      await w.end();
      expect([raw, lengths, last]).toEqual([raw, [BATCH_BYTES / (1 << 20), 100 - BATCH_BYTES / (1 << 20)], [99n, 1 << 20]]);
    }
  });

  it('an int of 16 to 19 digits is exact from the bytes (past 2^53 too), or a typed error naming the number sent', async () => {
    const ints: TypedColumn[] = [{ name: 'Key', keys: ['Key'], kind: 'int' }];
    const p = (v: string) => [rawRowsPage<Row>(Buffer.from(`{"rows":[{"Key":1},{"Key":${v}}]}`)) as RawRowsPage<Row>];
    for (const [v, want] of [['9007199254740993', 9007199254740993n], ['9223372036854775807', 9223372036854775807n], ['-9223372036854775808', -9223372036854775808n], ['1234567890123456', 1234567890123456n]] as const) {
      expect(await run(ints, p(v), true)).toEqual({ batches: [[[1n, want]]], raw: 1 });
    }
    for (const v of ['9223372036854775808', '-9223372036854775809', '123456789012345678901234567890']) {
      expect((await run(ints, p(v), true)).error).toEqual({ code: 'LK_EXPORT_TYPE', message: `Row 2, column Key: ${v} is not a 64-bit int, which the server's metadata gives as the column's type.` });
    }
    // The object path reads JSON.parse's double: past 2^53 it cannot say which int was sent, and says so.
    expect((await run(ints, p('9007199254740993'), false)).error).toEqual({
      code: 'LK_EXPORT_TYPE',
      message: "Row 2, column Key: a whole number beyond 2^53 (read as 9007199254740992, not exactly) is not an int, which the server's metadata gives as the column's type.",
    });
  });

  it('columns read by two keys (a lookup) and columns named like inherited properties go through the object path', async () => {
    const lookup: TypedColumn[] = [{ name: 'By/Name', keys: ['By/Name', 'By$Name'], kind: 'string' }];
    const p = () => [rawRowsPage<Row>(Buffer.from('{"rows":[{"By$Name":"a"},{"By/Name":"b"}]}')) as RawRowsPage<Row>];
    expect(await run(lookup, p(), true)).toEqual({ ...(await run(lookup, p(), false)), raw: 0 });
    const inherited: TypedColumn[] = [{ name: 'constructor', keys: ['constructor'], kind: 'string' }];
    const q = () => [rawRowsPage<Row>(Buffer.from('{"rows":[{"constructor":"a"},{"x":1}]}')) as RawRowsPage<Row>];
    const fast = await run(inherited, q(), true);
    expect(fast).toEqual({ ...(await run(inherited, q(), false)), raw: 0 });
  });
});

describe('typed export: the byte readers', () => {
  const bytes = (s: string) => Buffer.from(s);
  it('integer reads 1 to 15 digits, with or without a minus, and nothing else', () => {
    for (const s of ['0', '-0', '7', '-42', '999999999999999', '-123456789012345']) expect(integer(bytes(s), 0, s.length)).toBe(Number(s));
    for (const s of ['', '-', '1.0', '1e3', '1234567890123456', '+1', '1-', ' 1']) expect(integer(bytes(s), 0, s.length)).toBeNaN();
  });

  it('shortDecimal is Number(text) for every plain decimal of at most 15 digits', () => {
    const r = prng(7);
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + Math.floor(r() * 15);
      let d = '';
      for (let i = 0; i < digits; i++) d += String(Math.floor(r() * 10));
      const point = Math.floor(r() * (digits + 1));
      let s = point === 0 || point === digits ? d.replace(/^0+(?=\d)/, '') : `${d.slice(0, point).replace(/^0+(?=\d)/, '')}.${d.slice(point)}`;
      if (r() < 0.5) s = `-${s}`;
      expect([s, shortDecimal(bytes(s), 0, s.length)]).toEqual([s, Number(s)]);
    }
  });

  it('labkeyDate gives what the object path gives, or NaN and leaves the text to it', () => {
    const r = prng(11);
    const col: TypedColumn = { name: 'c', keys: ['c'], kind: 'timestamp' };
    const parts = ['2024', '-', '/', '03', '05', ' ', 'T', '14', ':', '07', '09', '.', '1', '12', '123', '1234', 'Z', 'x', '0099', '13', '99'];
    let checked = 0;
    for (let k = 0; k < 20_000; k++) {
      const s = k < 5 ? ['2024-03-05', '2024/03/05 14:07', '2024-03-05T14:07:09', '2024-03-05 14:07:09.1', '2024-03-05 14:07:09.123456'][k]! : r() < 0.5
        ? `${pick(r, ['2024', '0099', '1999', '2000', '2100'])}${pick(r, ['-', '/'])}${pick(r, ['01', '02', '03', '12', '04', '13'])}${pick(r, ['-', '/'])}${pick(r, ['05', '28', '29', '30', '31', '99'])}${pick(r, ['', ' 14:07', 'T23:59:58', ' 14:07:09.120', ' 01:02:03.4', ' 01:02:03.45678', ' 01:02', ' 1:02', 'T01:02:03.', ' 01:02:03Z'])}`
        : Array.from({ length: 1 + Math.floor(r() * 8) }, () => pick(r, parts)).join('');
      const got = labkeyDate(bytes(s), 0, s.length);
      let want: unknown;
      try {
        want = cellValue(col, { c: s }, 1);
      } catch {
        want = 'error';
      }
      if (!Number.isNaN(got)) {
        expect([s, got]).toEqual([s, want]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3_500);
  });
});

// The pretty row writer (format.ts prettyRowWriter) against what it replaces: a written
// selectRows/executeSql answer must have exactly the bytes of JSON.stringify of the body with its
// rows built by rowBuilder, pretty (the writer) and compact (built rows), in every format, for any
// value a row can hold.
import fc from 'fast-check';
import { CHUNK, jsonText } from '../json-body.js';
import { prettyRowWriter, queryResponse, rowBuilder, type Format } from './format.js';
import { createQueryEngine, type Params, type QueryUser } from './index.js';
import type { ColumnDef, ColumnType } from './types.js';

const STRINGS = [
  '',
  'plain',
  'a "quoted", comma',
  'back\\slash / slash',
  'line\nbreak\r\nand\ttab\b\f',
  '\u0000 nul \u0001 \u001f unit \u007f del \u0080',
  'separators \u2028 \u2029',
  'lone high \ud800 and low \udfff, reversed \udc00\ud800',
  'emoji 😀 👩‍👩‍👧 flags 🇳🇿',
  'é 漢字 \ufeff bom',
  'true',
  'null',
  '2025-01-02 03:04:05.678',
  '2025-01-02',
];
const NUMBERS = [0, -0, 1, -1, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53 + 2, -(2 ** 63), 5e-324, 1.7976931348623157e308, 123.456, NaN, Infinity, -Infinity];
const ODD = [undefined, Buffer.from([0, 1, 255]), new Uint8Array([7, 8]), true, false];
const ANY: unknown[] = [null, ...STRINGS, ...NUMBERS];

const TYPES: ColumnType[] = ['int', 'float', 'string', 'boolean', 'date'];
const NAMES = ['Key', 'a "quoted" name', 'back\\slash', '__proto__', 'é\u2028', '', 'x1', 'constructor', 'toJSON', 'value'];

/** Every way a client asks: 8.3, 9.1, 13.2 and 17.1 (formattedValue). */
const VERSIONS: { apiVersion: number; fmt: Format; formatted: boolean }[] = [
  { apiVersion: 8.3, fmt: 8.3, formatted: false },
  { apiVersion: 9.1, fmt: 9.1, formatted: false },
  { apiVersion: 13.2, fmt: 13.2, formatted: false },
  { apiVersion: 17.1, fmt: 13.2, formatted: true },
];

function body(apiVersion: number, columns: ColumnDef[], rows: unknown[][], display: (number | undefined)[] = []) {
  return queryResponse({
    apiVersion,
    schemaName: 'lists',
    queryName: 'T',
    columns,
    rows,
    rowCount: rows.length,
    includeMetadata: true,
    readOnlyTable: false,
    sort: [],
    messages: [],
    display,
  });
}

/** The written text against JSON.stringify of the body as read (rows built by rowBuilder). */
function expectSameBytes(b: Record<string, unknown>) {
  let compact: string | Error;
  let pretty: string | Error;
  try {
    compact = JSON.stringify(b);
    pretty = JSON.stringify(b, null, 2);
  } catch (e) {
    compact = pretty = e as Error;
  }
  if (compact instanceof Error) {
    // A value JSON.stringify refuses (a bigint) is refused the same way.
    expect(() => jsonText(b, true)).toThrow(compact.constructor as new () => Error);
    expect(() => jsonText(b, false)).toThrow(compact.constructor as new () => Error);
    return;
  }
  expect(jsonText(b, true)).toBe(compact);
  expect(jsonText(b, false)).toBe(pretty);
}

describe.each(VERSIONS)('apiVersion $apiVersion', ({ apiVersion, fmt, formatted }) => {
  test.each(TYPES)('a %s column: every hostile value, as value and as display value', (type) => {
    const values = [...ANY, ...ODD];
    const columns: ColumnDef[] = [{ name: 'Key', type: 'int', keyField: true }, { name: 'V', type }];
    // Display values (9.1+): none, the same as the value, and each value of the corpus.
    const rows: unknown[][] = [];
    values.forEach((v, i) => {
      for (const d of [null, v, ...ANY, ...ODD]) rows.push([i, v, d]);
    });
    expect(prettyRowWriter(columns, fmt, formatted, [undefined, 2])).not.toBeNull();
    expectSameBytes(body(apiVersion, columns, rows, [undefined, 2]));
    expectSameBytes(body(apiVersion, columns, rows));
  });

  test('hostile column names, and rows across chunk boundaries', () => {
    const columns: ColumnDef[] = NAMES.map((name, i) => ({ name, type: TYPES[i % TYPES.length]! }));
    const rows = Array.from({ length: 2 * CHUNK + 3 }, (_, r) => columns.map((_, c) => ANY[(r * 7 + c * 3) % ANY.length]));
    expect(prettyRowWriter(columns, fmt, formatted, [])).not.toBeNull();
    expectSameBytes(body(apiVersion, columns, rows));
  });

  test('a bigint is refused as JSON.stringify refuses it', () => {
    const columns: ColumnDef[] = [{ name: 'N', type: 'int' }];
    expect(() => jsonText(body(apiVersion, columns, [[1], [2n]]), true)).toThrow(TypeError);
    expectSameBytes(body(apiVersion, columns, [[1], [2n]]));
  });

  test('shapes the writer cannot write exactly keep the built rows: repeated names, index-like names, no columns', () => {
    const shapes: ColumnDef[][] = [
      [{ name: 'a', type: 'int' }, { name: 'a', type: 'string' }],
      [{ name: 'b', type: 'int' }, { name: '10', type: 'string' }, { name: '0', type: 'float' }],
      [],
    ];
    for (const columns of shapes) {
      expect(prettyRowWriter(columns, fmt, formatted, [])).toBeNull();
      expectSameBytes(body(apiVersion, columns, [columns.map((_, i) => i), columns.map(() => 'x')]));
    }
    // Names that only look like indexes are written.
    expect(prettyRowWriter([{ name: '01', type: 'int' }, { name: '-1', type: 'int' }, { name: '1.5', type: 'int' }], fmt, formatted, [])).not.toBeNull();
    expectSameBytes(body(apiVersion, [{ name: '01', type: 'int' }, { name: '-1', type: 'int' }, { name: '1.5', type: 'int' }], [[1, 2, 3]]));
  });

  test('random rows of random values (fast-check)', () => {
    const value = fc.oneof(
      fc.constantFrom(...ANY, ...ODD),
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 5 }), fc.array(fc.array(value, { minLength: 6, maxLength: 6 }), { maxLength: 20 }), (types, rows) => {
        const columns: ColumnDef[] = types.map((type, i) => ({ name: `c${i}`, type }));
        const display = types.map((_, i) => (i % 2 === 0 ? 5 : undefined));
        expectSameBytes(body(apiVersion, columns, rows, display));
      }),
      { numRuns: 300 },
    );
  });
});

test('one writer per shape: the same function for the same columns and format', () => {
  const cols = [{ name: 'A', type: 'int' as const }];
  expect(prettyRowWriter(cols, 9.1, false, [])).toBe(prettyRowWriter([{ name: 'A', type: 'int' }], 9.1, false, []));
  expect(prettyRowWriter(cols, 9.1, false, [])).not.toBe(prettyRowWriter(cols, 13.2, false, []));
  expect(rowBuilder(cols, 9.1, false)([1])).toEqual({ A: { value: 1 } });
});

describe('through SQLite: rows stored and read back by selectRows', () => {
  const alice: QueryUser = { id: 1001, email: 'alice@lk.test', displayName: 'alice', isSiteAdmin: false, impersonated: false, guest: false };
  const engine = createQueryEngine({ generatedRows: 2 * CHUNK + 10, now: () => new Date(2024, 0, 2, 12, 0, 0) });
  afterAll(() => engine.close());
  const select = (p: Record<string, string>) => {
    const params: Params = {};
    for (const [k, v] of Object.entries(p)) params[k] = [v];
    return (engine.selectRows({ params, container: '/home', user: alice }) as { body: Record<string, unknown> }).body;
  };

  test('hostile strings inserted into People come back with the same bytes in every format', () => {
    const rows = STRINGS.map((s, i) => ({ Name: s, Age: i % 3 === 0 ? null : NUMBERS[i % NUMBERS.length]! | 0, Email: STRINGS[(i + 5) % STRINGS.length] }));
    const r = engine.insertRows({ body: { schemaName: 'lists', queryName: 'People', rows }, container: '/home', user: alice }) as { status: number };
    expect(r.status).toBe(200);
    for (const { apiVersion } of VERSIONS) {
      const b = select({ schemaName: 'lists', 'query.queryName': 'People', apiVersion: String(apiVersion), 'query.maxRows': '-1' });
      expect((b.rows as unknown[]).length).toBe(5 + STRINGS.length);
      expectSameBytes(b);
    }
  });

  test('Generated, every column, across chunks, in every format', () => {
    for (const { apiVersion } of VERSIONS) {
      const b = select({ schemaName: 'lists', 'query.queryName': 'Generated', apiVersion: String(apiVersion), 'query.maxRows': '-1' });
      expect((b.rows as unknown[]).length).toBe(2 * CHUNK + 10);
      expectSameBytes(b);
    }
  });
});

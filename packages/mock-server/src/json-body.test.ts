// json-body: an answer with a lazy array is written in pieces whose bytes are exactly
// JSON.stringify's (compact and LabKey's pretty-printed default), whatever the values hold.
import { CHUNK, isLargeBody, jsonPieces, lazyArray, STREAM_ABOVE } from './json-body.js';

const awkward = [
  'plain',
  'a "quoted", comma',
  'line\nbreak\r\nand\ttab',
  'back\\slash / slash',
  'unicode: é 漢字 😀 \u2028 \u2029',
  'lone surrogate \ud800',
  '\u0000 control \u001f \u007f',
  '',
  ' edge spaces ',
];

/** Row i: flat (8.3), cell objects (9.1) and nested data (13.2) shapes, nulls and dates among them. */
function row(i: number): Record<string, unknown> {
  return {
    Key: i,
    Name: awkward[i % awkward.length],
    Value: i % 7 === 0 ? null : i / 3,
    Flag: i % 2 === 0,
    Created: `2025-01-01 00:${String(i % 60).padStart(2, '0')}:00.000`,
    Cell: { value: i, displayValue: `#${i}` },
    data: { Key: { value: i }, Note: { value: null } },
    Tags: i % 5 === 0 ? [] : [{ value: 'x' }, { value: i }],
  };
}

function body(n: number): { lazy: Record<string, unknown>; plain: Record<string, unknown> } {
  const rows = Array.from({ length: n }, (_, i) => row(i));
  const head = { schemaName: 'lists', queryName: 'Generated', formatVersion: 8.3, metaData: { root: 'rows', fields: [{ name: 'Key', caption: 'a "tricky" caption\n' }] } };
  const lazy: Record<string, unknown> = { ...head };
  let built = 0;
  lazyArray(lazy, 'rows', n, (from, to) => {
    built += to - from;
    return rows.slice(from, to);
  });
  lazy.rowCount = n;
  lazy.messages = [{ area: 'filter', content: 'Ignoring filter/sort on column \'x\'', type: 'WARNING' }];
  Object.defineProperty(lazy, 'built', { get: () => built });
  return { lazy, plain: { ...head, rows, rowCount: n, messages: lazy.messages } };
}

test.each([0, 1, 7, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 5])('%i rows: the pieces joined are JSON.stringify of the plain body, compact and pretty', (n) => {
  const { lazy, plain } = body(n);
  expect([...jsonPieces(lazy, true)].join('')).toBe(JSON.stringify(plain));
  expect([...jsonPieces(lazy, false)].join('')).toBe(JSON.stringify(plain, null, 2));
  expect(isLargeBody(lazy)).toBe(n > STREAM_ABOVE);
});

test('rows are built a chunk at a time as the pieces are taken, not before', () => {
  const { lazy } = body(3 * CHUNK);
  const built = () => (lazy as { built: number }).built;
  const pieces = jsonPieces(lazy, true);
  expect(pieces.next().value).toMatch(/^\{"schemaName":"lists".*"rows":$/);
  expect(built()).toBe(0);
  pieces.next();
  expect(built()).toBe(CHUNK);
  pieces.next();
  expect(built()).toBe(2 * CHUNK);
});

test('read as a property, the lazy array is the whole array, in its place among the keys', () => {
  const { lazy, plain } = body(CHUNK + 3);
  expect(Object.keys(lazy)).toEqual(Object.keys(plain));
  expect(lazy.rows).toEqual(plain.rows);
  expect(JSON.stringify(lazy)).toBe(JSON.stringify(plain));
});

test('only an array longer than STREAM_ABOVE makes a body large (streamed)', () => {
  expect(isLargeBody(body(STREAM_ABOVE).lazy)).toBe(false);
  expect(isLargeBody(body(STREAM_ABOVE + 1).lazy)).toBe(true);
  expect(isLargeBody({ rows: new Array(STREAM_ABOVE + 1).fill(1) })).toBe(false);
});

test('a body without a lazy array is one piece', () => {
  expect([...jsonPieces({ a: [1, 2], b: 'x' }, false)]).toEqual([JSON.stringify({ a: [1, 2], b: 'x' }, null, 2)]);
});

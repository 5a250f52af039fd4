import fc from 'fast-check';
import { CellKind, findRowsSpan, FlatRow, firstRow, nextRow } from './raw-rows.js';
import { rawRowsPage } from './query.js';
import { normalizeQueryResponse } from './rows.js';

const meta = '"metaData":{"fields":[{"name":"A","fieldKey":"A","jsonType":"string"}],"root":"rows"}';

/** What the object path gives for a body: the whole text parsed, then normalised. */
function objectPath(text: string) {
  return normalizeQueryResponse<Record<string, unknown>>(JSON.parse(text) as Record<string, unknown>);
}

describe('raw rows pages', () => {
  const bodies = [
    `{"schemaName":"lists","queryName":"G",${meta},"rows":[{"A":"x","B":1},{"A":"y","B":2.5}],"rowCount":2}`,
    // rows before the metadata, whitespace everywhere, a nested "rows" key inside another value
    ` {\n "rows" : [ { "A" : "x" , "_labkeyurl_A" : "/u" } ,\n {"A":"\\"q\\"","_labkeyurl_A":null} ] ,\n "other": {"rows": [1,2,3]}, ${meta}, "rowCount": 7 }\n`,
    `{"rows":[],${meta},"rowCount":0}`,
    // 9.1 cell objects and 13.2 data rows
    `{"formatVersion":9.1,"rows":[{"A":{"value":"v","displayValue":"V"},"_labkeyurl_A":"/x"},{"A":{"value":null}}]}`,
    `{"formatVersion":13.2,"rows":[{"data":{"A":{"value":1},"M":[{"value":"a"},{"value":"b"}]},"links":{}}]}`,
    `{"rows":[{"a":[1,{"b":"}]"}],"c":"[{"},{"d":{}}],"x":"\\u00e9\\ud83d\\ude00"}`,
    `{"schemaName":["a","b"],"rows":[{"1":"digit key","b":true,"b":false}]}`,
  ];

  it.each(bodies.map((b, i) => [i, b]))('body %i: rows(), count and metadata are what the object path gives', (_i, text) => {
    const expected = objectPath(text as string);
    const page = rawRowsPage(Buffer.from(text as string));
    expect(page).toBeDefined();
    expect(page?.span).toBeDefined();
    expect(page?.count).toBe(expected.rows.length);
    expect(page?.rows()).toEqual(expected.rows);
    expect({ rowCount: page?.rowCount, schemaName: page?.schemaName, queryName: page?.queryName, fields: page?.fields }).toEqual({
      rowCount: expected.rowCount,
      schemaName: expected.schemaName,
      queryName: expected.queryName,
      fields: expected.fields,
    });
  });

  it('leaves bodies it cannot place rows in to the object path', () => {
    // no rows, rows not an array, rows twice (JSON.parse keeps the last): no span, rows() as the object path
    for (const text of ['{"a":1}', '{"rows":{"x":1}}', '{"rows":[{"a":1}],"rows":[{"a":2},{"a":3}]}']) {
      const page = rawRowsPage(Buffer.from(text));
      expect(page?.span).toBeUndefined();
      expect(page?.rows()).toEqual(objectPath(text).rows);
      expect(page?.count).toBe(objectPath(text).rows.length);
    }
    expect(rawRowsPage(Buffer.from('not json'))).toBeUndefined();
  });

  it('finds a span only in what JSON.parse accepts', () => {
    const bad = ['{"rows":[{"a":1},]}', '{"rows":[{"a":01}]}', '{"rows":[{"a":"x\ny"}]}', '{"rows":[{"a":"\\x"}]}', '{"rows":[{"a":tru}]}', '{"rows":[{"a":1}]} x', '{"rows":[{"a" 1}]}', '{"rows":[{"a":1.}]}', '{"rows":[{"a":"\\u12"}]}', '{"rows":[{"a":1}'];
    for (const text of bad) {
      expect(() => JSON.parse(text)).toThrow();
      expect(findRowsSpan(Buffer.from(text))).toBeUndefined();
    }
  });

  it('a span agrees with JSON.parse for any JSON value as the rows (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.boolean(), (rows, spaced) => {
        const text = JSON.stringify({ before: { rows: 1 }, rows, after: 'x' }, null, spaced ? 1 : undefined);
        const span = findRowsSpan(Buffer.from(text));
        expect(span?.count).toBe(rows.length);
        // JSON.parse of the whole text is the oracle (JSON.stringify writes -0 as 0).
        expect(JSON.parse(Buffer.from(text).toString('utf8', span?.start, span?.end))).toEqual(JSON.parse(text).rows);
      }),
    );
  });

  it('the row tokenizer gives each key, kind and value range', () => {
    const text = '{"rows":[{"s":"plain","e":"a\\"b","n":-1.5e3,"t":true,"f":false,"z":null,"o":{"v":[1]},"a":[]} , { "k\\u0041" : 2 }]}';
    const b = Buffer.from(text);
    const span = findRowsSpan(b);
    if (!span) throw new Error('no span');
    const row = new FlatRow();
    let at = firstRow(b, span);
    let end = row.scan(b, at);
    const cells = Array.from({ length: row.count }, (_, k) => [
      b.toString('utf8', row.keyStart[k], row.keyEnd[k]),
      row.kind[k],
      b.toString('utf8', row.valStart[k], row.valEnd[k]),
    ]);
    expect(cells).toEqual([
      ['s', CellKind.PLAIN, 'plain'],
      ['e', CellKind.ESCAPED, 'a\\"b'],
      ['n', CellKind.NUMBER, '-1.5e3'],
      ['t', CellKind.TRUE, 'true'],
      ['f', CellKind.FALSE, 'false'],
      ['z', CellKind.NULL, 'null'],
      ['o', CellKind.NESTED, '{"v":[1]}'],
      ['a', CellKind.NESTED, '[]'],
    ]);
    expect(row.spaced).toBe(false);
    at = nextRow(b, end);
    end = row.scan(b, at);
    expect(row.count).toBe(1);
    expect(row.spaced).toBe(true);
    expect(row.escapedKey).toBe(true);
    expect(nextRow(b, end)).toBe(-1);
  });
});

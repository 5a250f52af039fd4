import fc from 'fast-check';
import { CellKind, findRowsSpan, FlatRow, firstRow, nextRow, RowFlag, type RowsSpan } from './raw-rows.js';
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

  describe('the rows table (one walk that checks and records)', () => {
    /** A deterministic pseudo-random sequence (so a failure replays). */
    const prng = (seed: number): (() => number) => {
      let x = seed >>> 0;
      return () => {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        return x / 2 ** 32;
      };
    };
    const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const ascii = (r: () => number): string => Array.from({ length: Math.floor(r() * 14) }, () => pick(r, ['a', 'b', ',', ' ', '-', ':', '{', '}', '[', ']', 'Z', '0', '\'', '~'])).join('');
    const VALUES = [
      () => '"plain"', () => '""', () => '"a\\"b"', () => '"\\u00e9"', () => '"é漢"', () => '"x\\/y"', () => '0', () => '-0', () => '1.50', () => '1e5',
      () => '79.19', () => '-0.5', () => '0.000001', () => '0.0000001', () => '123456789012345', () => '1234567890123456', () => 'true', () => 'false',
      () => 'null', () => '[1,{"a":"]"}]', () => '{}',
    ];
    const value = (r: () => number): string => (r() < 0.4 ? JSON.stringify(ascii(r)) : r() < 0.3 ? String(Math.floor(r() * 1e6) / 100) : pick(r, VALUES)());
    /** A page of rows mostly shaped like its first (keys, order and spacing), some not. */
    const page = (r: () => number, n: number): string => {
      const keys = ['Key', 'Name', 'V', 'Longer_name', 'K\\u0041'].slice(0, 1 + Math.floor(r() * 5));
      const ws = r() < 0.3 ? ' ' : '';
      const rows: string[] = [];
      for (let i = 0; i < n; i++) {
        let ks = keys;
        if (r() < 0.15) ks = [...keys].reverse();
        if (r() < 0.1) ks = keys.slice(1);
        if (r() < 0.1) ks = [...keys, 'Key'];
        const sp = r() < 0.1 ? pick(r, ['', ' ', '\n', '\t ']) : ws;
        if (r() < 0.05) {
          rows.push(pick(r, ['1', '"s"', '[]', 'null']));
          continue;
        }
        rows.push(`{${sp}${ks.map((k) => `"${k}"${sp}:${sp}${value(r)}`).join(`${sp},${sp}`)}${sp}}`);
      }
      return `{"schemaName":"s","rows":[${rows.join(pick(r, [',', ',', ' ,\n']))}],"rowCount":${n}}`;
    };
    const isString = (kind: number | undefined): boolean => kind === CellKind.ASCII || kind === CellKind.PLAIN || kind === CellKind.ESCAPED;
    /** Cell `c`'s value as JSON text (a string with its quotes). */
    const token = (b: Buffer, span: RowsSpan, c: number): string => {
      const t = span.table!;
      const q = isString(t.kind[c]) ? 1 : 0;
      return b.toString('utf8', (t.valStart[c] as number) - q, (t.valEnd[c] as number) + q);
    };
    /** The row's text with its values taken out: the keys, punctuation and whitespace around them. */
    const skeleton = (b: Buffer, span: RowsSpan, r: number): string => {
      const t = span.table!;
      let out = '';
      let at = t.rowStart[r] as number;
      for (let c = t.firstCell[r] as number; c < (t.firstCell[r + 1] as number); c++) {
        const str = isString(t.kind[c]) ? 1 : 0;
        out += b.toString('latin1', at, (t.valStart[c] as number) - str);
        at = (t.valEnd[c] as number) + str;
      }
      return out + b.toString('latin1', at, t.rowEnd[r]);
    };

    it('each row and cell as JSON.parse reads them; kinds and flags as documented', () => {
      for (let seed = 1; seed <= 60; seed++) {
        const r = prng(seed);
        const text = page(r, 1 + Math.floor(r() * 30));
        const b = Buffer.from(text);
        const span = findRowsSpan(b);
        const rows = (JSON.parse(text) as { rows: unknown[] }).rows;
        expect(span?.count).toBe(rows.length);
        const t = span!.table!;
        expect(t.firstCell.length).toBe(rows.length + 1);
        const firstKeys: string[] = [];
        for (let row = 0; row < rows.length; row++) {
          const rowText = b.toString('utf8', t.rowStart[row], t.rowEnd[row]);
          expect(JSON.parse(rowText)).toEqual(rows[row]);
          const flags = t.rowFlags[row] as number;
          const isObject = rowText.startsWith('{');
          expect([rowText, (flags & RowFlag.NOT_OBJECT) !== 0]).toEqual([rowText, !isObject]);
          if (!isObject) continue;
          const same = (flags & RowFlag.SAME_KEYS) !== 0;
          if (row === 0) expect(same).toBe(true);
          // SAME_KEYS: the text around the values is the first row's, byte for byte.
          if (same) expect(skeleton(b, span!, row)).toBe(skeleton(b, span!, 0));
          else expect(skeleton(b, span!, row)).not.toBe(skeleton(b, span!, 0));
          let simple = true;
          let escapedKey = false;
          const keys: string[] = [];
          for (let c = t.firstCell[row] as number, k = 0; c < (t.firstCell[row + 1] as number); c++, k++) {
            // A SAME_KEYS row's keys are the first row's.
            const key = same && row > 0 ? (firstKeys[k] as string) : b.toString('utf8', (t.keyStart[c] as number) - 1, (t.keyEnd[c] as number) + 1);
            if (row === 0) firstKeys.push(key);
            keys.push(key);
            if (key.includes('\\')) escapedKey = true;
            const kind = t.kind[c];
            const s = t.valStart[c] as number;
            const e = t.valEnd[c] as number;
            const raw = b.subarray(s, e);
            if (isString(kind)) {
              expect([b[s - 1], b[e]]).toEqual([0x22, 0x22]);
              const hasBackslash = raw.includes(0x5c);
              const high = raw.some((x) => x >= 0x80);
              expect([raw.toString(), kind]).toEqual([raw.toString(), hasBackslash ? CellKind.ESCAPED : high ? CellKind.PLAIN : CellKind.ASCII]);
            } else if (kind === CellKind.SHORT_NUMBER) {
              expect(String(Number(raw.toString()))).toBe(raw.toString());
            } else if (kind === CellKind.NUMBER) {
              expect(raw.toString()).toMatch(/^-?\d/);
            } else if (kind === CellKind.NESTED) {
              expect(['{', '['].includes(raw.toString()[0] as string)).toBe(true);
            } else {
              expect(raw.toString()).toBe({ [CellKind.TRUE]: 'true', [CellKind.FALSE]: 'false', [CellKind.NULL]: 'null' }[kind as 4 | 5 | 6]);
            }
            if (!(kind === CellKind.ASCII || kind === CellKind.SHORT_NUMBER || kind === CellKind.TRUE || kind === CellKind.FALSE || kind === CellKind.NULL)) simple = false;
          }
          // The cells, in order, are the row's keys and values (the last of a repeated key wins in JSON.parse).
          const c0 = t.firstCell[row] as number;
          const parsed = JSON.parse(`{${keys.map((k, i) => `${k}:${token(b, span!, c0 + i)}`).join(',')}}`) as unknown;
          expect(parsed).toEqual(rows[row]);
          const spaced = /\s/.test(skeleton(b, span!, row).replace(/"(?:[^"\\]|\\.)*"/g, ''));
          expect([rowText, (flags & RowFlag.SIMPLE) !== 0, (flags & RowFlag.SPACED) !== 0, (flags & RowFlag.ESCAPED_KEY) !== 0]).toEqual([rowText, simple, spaced, escapedKey]);
        }
      }
    });

    it('a released page\'s table is filled for a later page (no new arrays) and holds what a fresh walk finds', () => {
      for (let seed = 1; seed <= 60; seed++) {
        const r = prng(seed);
        const a = rawRowsPage(Buffer.from(page(r, 600)))!;
        const used = a.span!.table!;
        a.release();
        expect(a.span!.table).toBeUndefined();
        const text = page(r, 1 + Math.floor(r() * 30));
        const reused = findRowsSpan(Buffer.from(text))!.table!;
        // Same memory (the later page is smaller, so nothing grew), nothing left to reuse now.
        expect(reused.valStart.buffer).toBe(used.valStart.buffer);
        expect(reused.rowStart.buffer).toBe(used.rowStart.buffer);
        const fresh = findRowsSpan(Buffer.from(text))!.table!;
        expect(fresh.valStart.buffer).not.toBe(used.valStart.buffer);
        for (const k of ['rowStart', 'rowEnd', 'rowFlags', 'firstCell', 'valStart', 'valEnd', 'kind'] as const) {
          expect([seed, k, [...reused[k]]]).toEqual([seed, k, [...fresh[k]]]);
        }
        // Keys are recorded for the first row and the rows not shaped like it.
        for (let row = 0; row < fresh.rowStart.length; row++) {
          if (row > 0 && ((fresh.rowFlags[row] as number) & RowFlag.SAME_KEYS) !== 0) continue;
          for (let c = fresh.firstCell[row] as number; c < (fresh.firstCell[row + 1] as number); c++) {
            expect([seed, row, reused.keyStart[c], reused.keyEnd[c]]).toEqual([seed, row, fresh.keyStart[c], fresh.keyEnd[c]]);
          }
        }
      }
    });

    it('a page with one byte changed has a span only when JSON.parse accepts it', () => {
      const BYTES = [0x22, 0x5c, 0x2c, 0x3a, 0x20, 0x0a, 0x7d, 0x5d, 0x7b, 0x5b, 0x30, 0x31, 0x65, 0x2d, 0x2e, 0x2b, 0x61, 0x74, 0x6e, 0x75, 0x01, 0x1f, 0xff, 0xc3];
      for (let seed = 1; seed <= 400; seed++) {
        const r = prng(seed);
        const b = Buffer.from(page(r, 2 + Math.floor(r() * 6)));
        const at = Math.floor(r() * b.length);
        b[at] = pick(r, BYTES);
        if (r() < 0.3) b.copyWithin(at, at + 1);
        let parsed: { rows?: unknown } | undefined;
        try {
          parsed = JSON.parse(b.toString('utf8')) as { rows?: unknown };
        } catch {
          parsed = undefined;
        }
        const span = findRowsSpan(b);
        const text = b.toString('latin1');
        if (!parsed) expect([text, span]).toEqual([text, undefined]);
        else if (Array.isArray(parsed.rows) && (text.match(/"rows"/g) ?? []).length === 1) {
          expect([text, span?.count]).toEqual([text, parsed.rows.length]);
          expect(JSON.parse(b.toString('utf8', span?.start, span?.end))).toEqual(parsed.rows);
        }
      }
    });
  });
});

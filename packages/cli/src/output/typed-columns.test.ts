import { BATCH_ROWS, cellValue, ColumnBatch, ColumnCells, typedColumns, type TypedColumn } from './typed-columns.js';

const col = (kind: TypedColumn['kind'], name = 'c'): TypedColumn => ({ name, keys: [name], kind });

describe('typed export columns', () => {
  it('types each field from its LabKey JSON type; date is a timestamp, time and unknown types are text', () => {
    const fields = [
      { name: 'Key', fieldKey: 'Key', type: 'int', caption: undefined },
      { name: 'V', fieldKey: 'V', type: 'float', caption: undefined },
      { name: 'F', fieldKey: 'F', type: 'boolean', caption: undefined },
      { name: 'D', fieldKey: 'D', type: 'date', caption: undefined },
      { name: 'T', fieldKey: 'T', type: 'time', caption: undefined },
      { name: 'S', fieldKey: 'S', type: 'string', caption: undefined },
      { name: 'X', fieldKey: 'X', type: undefined, caption: undefined },
      { name: 'CreatedBy$DisplayName', fieldKey: 'CreatedBy/DisplayName', type: 'string', caption: undefined },
    ];
    expect(typedColumns(fields).map((c) => [c.name, c.kind])).toEqual([
      ['Key', 'int'],
      ['V', 'float'],
      ['F', 'boolean'],
      ['D', 'timestamp'],
      ['T', 'string'],
      ['S', 'string'],
      ['X', 'string'],
      ['CreatedBy/DisplayName', 'string'],
    ]);
    expect(typedColumns(fields)[7]?.keys).toEqual(['CreatedBy/DisplayName', 'CreatedBy$DisplayName']);
  });

  it('a column named twice, or with no name, in the metadata is a typed error (the second read no cells)', () => {
    const f = (name: string, type = 'int') => ({ name, fieldKey: name, type, caption: undefined });
    expect(() => typedColumns([f('x'), f('y', 'string'), f('x', 'float')])).toThrow(expect.objectContaining({ code: 'LK_EXPORT_COLUMNS', message: 'The server\'s metadata names the column "x" twice, so lk cannot lay out a typed file by it.' }));
    expect(() => typedColumns([f('a'), f('')])).toThrow(expect.objectContaining({ code: 'LK_EXPORT_COLUMNS', message: 'The server\'s metadata says column 2 has no name, so lk cannot lay out a typed file by it.' }));
    // Names of any other shape are names.
    expect(typedColumns([f('a\u0000b'), f('a\nb'), f('x'.repeat(10_240)), f('X')]).map((c) => c.name.length)).toEqual([3, 3, 10_240, 1]);
  });

  it('converts cells: int to bigint, LabKey dates (both formats) to wall-clock ms, nulls stay null', () => {
    expect(cellValue(col('int'), { c: 42 }, 1)).toBe(42n);
    expect(cellValue(col('int'), { c: '9007199254740993' }, 1)).toBe(9007199254740993n);
    expect(cellValue(col('float'), { c: 1.5 }, 1)).toBe(1.5);
    expect(cellValue(col('boolean'), { c: false }, 1)).toBe(false);
    expect(cellValue(col('timestamp'), { c: '2024-03-05 14:07:09.120' }, 1)).toBe(Date.UTC(2024, 2, 5, 14, 7, 9, 120));
    expect(cellValue(col('timestamp'), { c: '2018/12/31 23:59:58' }, 1)).toBe(Date.UTC(2018, 11, 31, 23, 59, 58));
    expect(cellValue(col('timestamp'), { c: '2024-03-05' }, 1)).toBe(Date.UTC(2024, 2, 5));
    expect(cellValue(col('string'), { c: 7 }, 1)).toBe('7');
    expect(cellValue(col('string'), { c: { a: 1 } }, 1)).toBe('{"a":1}');
    expect(cellValue(col('int'), { c: { value: 3, displayValue: 'three' } }, 1)).toBe(3n);
    for (const kind of ['int', 'float', 'boolean', 'timestamp', 'string'] as const) {
      expect(cellValue(col(kind), { c: null }, 1)).toBeNull();
      expect(cellValue(col(kind), {}, 1)).toBeNull();
    }
  });

  it('a value that is not of the column\'s type is a typed error naming the row and column', () => {
    expect(() => cellValue(col('int', 'Age'), { Age: 3.5 }, 7)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE', message: "Row 7, column Age: 3.5 is not an int, which the server's metadata gives as the column's type." }));
    expect(() => cellValue(col('timestamp', 'When'), { When: 'yesterday' }, 2)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE' }));
    expect(() => cellValue(col('boolean'), { c: 'yes' }, 1)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE' }));
  });

  it('a date that is no calendar time is a typed error, not rolled into another (Date.UTC would)', () => {
    const ts = col('timestamp', 'When');
    for (const v of ['2020-13-01 00:00:00.000', '2020-00-10', '2021-02-29', '2021-02-30', '2020-04-31', '2020-01-00', '2020-01-01 24:00', '2020-01-01 10:60', '2020-01-01 10:00:60', '2020-01-01T10:00:00+24:00', 'Dec 8 2020 Z', 'zoo 2020', '2020-01-01 Z', '']) {
      expect(() => cellValue(ts, { When: v }, 4)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE', message: `Row 4, column When: ${JSON.stringify(v)} is not a timestamp, which the server's metadata gives as the column's type.` }));
    }
    // Years 0-99 are those years (Date.UTC reads them as 1900-1999), leap days where there are some.
    expect(cellValue(ts, { When: '0099-01-01 00:00:00.000' }, 1)).toBe(Date.parse('0099-01-01T00:00:00Z'));
    expect(cellValue(ts, { When: '0000-02-29 12:00' }, 1)).toBe(Date.parse('0000-02-29T12:00:00Z'));
    expect(cellValue(ts, { When: '2020-02-29' }, 1)).toBe(Date.UTC(2020, 1, 29));
    expect(cellValue(ts, { When: '1969-12-31 23:59:59.999' }, 1)).toBe(-1);
    expect(cellValue(ts, { When: '9999-12-31 23:59:59.999' }, 1)).toBe(Date.parse('9999-12-31T23:59:59.999Z'));
    // A zoned ISO time is its instant.
    expect(cellValue(ts, { When: '2024-03-05T14:07:09+02:00' }, 1)).toBe(Date.UTC(2024, 2, 5, 12, 7, 9));
    expect(cellValue(ts, { When: '2024-03-05T14:07:09.5-0130' }, 1)).toBe(Date.UTC(2024, 2, 5, 15, 37, 9, 500));
    expect(cellValue(ts, { When: '2024-03-05T14:07Z' }, 1)).toBe(Date.UTC(2024, 2, 5, 14, 7));
  });

  it('a float is a decimal, NaN or ±Infinity; a number beyond a double\'s range or text Number() reads otherwise is a typed error', () => {
    const fl = col('float', 'V');
    expect(cellValue(fl, { V: 'NaN' }, 1)).toBeNaN();
    expect(cellValue(fl, { V: 'Infinity' }, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(cellValue(fl, { V: '-Infinity' }, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(cellValue(fl, { V: ' 2.5e3 ' }, 1)).toBe(2500);
    expect(cellValue(fl, { V: '-.5' }, 1)).toBe(-0.5);
    for (const v of ['0x10', '0b11', '0o7', '1e400', '-1e400', '1_000', 'infinity', '+Infinity', '12abc', ' ', '']) {
      expect(() => cellValue(fl, { V: v }, 2)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE', message: `Row 2, column V: ${JSON.stringify(v)} is not a float, which the server's metadata gives as the column's type.` }));
    }
    // 1e400 in the JSON: JSON.parse gives Infinity.
    expect(() => cellValue(fl, { V: JSON.parse('1e400') }, 3)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE', message: "Row 3, column V: a number beyond a double's range (Infinity) is not a float, which the server's metadata gives as the column's type." }));
  });

  it('a string with a lone surrogate is a typed error, not text with U+FFFD in its place', () => {
    const st = col('string', 'S');
    for (const v of ['a\ud800b', '\udc00', 'x\ud83d']) {
      expect(() => cellValue(st, { S: v }, 5)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE', message: `Row 5, column S: ${JSON.stringify(v)} is not Unicode text (it holds a lone surrogate).` }));
    }
    expect(cellValue(st, { S: '\ud83d\ude00 \ufffd' }, 1)).toBe('😀 \ufffd');
  });

  it('an int beyond 64 bits is a typed error, not a value wrapped around', () => {
    expect(cellValue(col('int'), { c: '9223372036854775807' }, 1)).toBe(9223372036854775807n);
    expect(cellValue(col('int'), { c: '-9223372036854775808' }, 1)).toBe(-9223372036854775808n);
    for (const v of ['9223372036854775808', '-9223372036854775809', '99999999999999999999']) {
      expect(() => cellValue(col('int', 'Big'), { Big: v }, 3)).toThrow(expect.objectContaining({ code: 'LK_EXPORT_TYPE', message: `Row 3, column Big: "${v}" is not a 64-bit int, which the server's metadata gives as the column's type.` }));
    }
  });

  it('a batch holds at most BATCH_ROWS rows in typed cells and starts afresh when cleared', () => {
    const b = new ColumnBatch([col('int', 'a'), col('string', 'b'), col('float', 'f'), col('boolean', 'x'), col('timestamp', 't')]);
    for (let i = 1; i < BATCH_ROWS; i++) expect(b.add({ a: i - 5000, b: `r${i}é`, f: i / 8, x: i % 2 === 0, t: '2024-03-05 14:07:09.120' }, i)).toBe(false);
    expect(b.add({ a: 0, b: null }, BATCH_ROWS)).toBe(true);
    const [a, s, f, x, t] = b.cells;
    expect([a!.value(0), a!.value(1), a!.value(BATCH_ROWS - 1)]).toEqual([-4999n, -4998n, 0n]);
    expect([s!.value(0), s!.value(BATCH_ROWS - 2), s!.value(BATCH_ROWS - 1)]).toEqual(['r1é', `r${BATCH_ROWS - 1}é`, null]);
    expect([f!.value(3), x!.value(0), x!.value(1), t!.value(0)]).toEqual([0.5, false, true, Date.UTC(2024, 2, 5, 14, 7, 9, 120)]);
    expect([s!.nulls, f!.nulls, x!.nulls, t!.nulls, a!.nulls]).toEqual([1, 1, 1, 1, 0]);
    b.clear();
    expect(b.length).toBe(0);
    expect(b.cells.every((c) => c.nulls === 0 && c.used === 0)).toBe(true);
    expect(b.add({ a: 7, b: 'again' }, 1)).toBe(false);
    expect([b.cells[0]!.value(0), b.cells[1]!.value(0), b.cells[2]!.value(0)]).toEqual([7n, 'again', null]);
  });

  it('an int64 cell holds every safe integer exactly, negative ones too', () => {
    const c = new ColumnCells('int', 8);
    const xs = [0, -1, 1, 2 ** 32, -(2 ** 32), 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const cells = new ColumnCells('int', xs.length);
    xs.forEach((n, i) => cells.setInteger(i, n));
    expect(xs.map((_, i) => cells.value(i))).toEqual(xs.map((n) => BigInt(n)));
    expect(c.value(0)).toBeNull();
  });
});

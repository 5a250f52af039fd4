import { BATCH_ROWS, cellValue, ColumnBatch, typedColumns, type TypedColumn } from './typed-columns.js';

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

  it('a batch holds at most BATCH_ROWS rows and starts afresh when taken', () => {
    const b = new ColumnBatch([col('int', 'a'), col('string', 'b')]);
    for (let i = 1; i < BATCH_ROWS; i++) expect(b.add({ a: i, b: `r${i}` }, i)).toBe(false);
    expect(b.add({ a: 0, b: null }, BATCH_ROWS)).toBe(true);
    const [a, s] = b.take();
    expect(a).toHaveLength(BATCH_ROWS);
    expect(s?.[BATCH_ROWS - 1]).toBeNull();
    expect(b.length).toBe(0);
    expect(b.values.every((v) => v.length === 0)).toBe(true);
  });
});

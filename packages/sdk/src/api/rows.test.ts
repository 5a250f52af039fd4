import { normalizeQueryResponse } from './rows.js';

const fields = [{ name: 'Key', fieldKey: 'Key', jsonType: 'int', caption: 'Key' }, { name: 'Name', fieldKey: ['Name'], jsonType: 'string' }];

test('8.3: flat rows, link keys dropped', () => {
  const r = normalizeQueryResponse({
    schemaName: 'lists',
    queryName: 'People',
    formatVersion: 8.3,
    metaData: { fields },
    rows: [{ Key: 1, Name: 'a', _labkeyurl_Name: '/x' }, { Key: 2, Name: 'b', _labkeyurl_Name: null }],
    rowCount: 2,
  });
  expect(r.rows).toEqual([{ Key: 1, Name: 'a' }, { Key: 2, Name: 'b' }]);
  expect(r.fields).toEqual([
    { name: 'Key', fieldKey: 'Key', type: 'int', caption: 'Key' },
    { name: 'Name', fieldKey: 'Name', type: 'string', caption: undefined },
  ]);
  expect(r.rowCount).toBe(2);
});

test('9.1: cell objects become values', () => {
  const r = normalizeQueryResponse({
    schemaName: 'lists',
    queryName: 'People',
    formatVersion: 9.1,
    rows: [{ Key: { value: 1 }, Name: { value: 'a', displayValue: 'A', url: '/x' } }],
    rowCount: 1,
  });
  expect(r.rows).toEqual([{ Key: 1, Name: 'a' }]);
});

test('13.2+: data-wrapped rows, schemaName as parts, multi-value arrays', () => {
  const r = normalizeQueryResponse({
    schemaName: ['assay', 'General', 'X'],
    queryName: 'Data',
    rows: [{ data: { Key: { value: 1 }, Tags: [{ value: 't1' }, { value: 't2' }] }, links: { details: { href: '/d' } } }],
    rowCount: 1,
  });
  expect(r.schemaName).toBe('assay.General.X');
  expect(r.rows).toEqual([{ Key: 1, Tags: ['t1', 't2'] }]);
});

test('metadata only: no rows, rowCount undefined', () => {
  const r = normalizeQueryResponse({ schemaName: ['core'], queryName: 'Users', metaData: { fields: [] } });
  expect(r.rows).toEqual([]);
  expect(r.rowCount).toBeUndefined();
});

test('8.3 rows whose values are objects without `value` stay as they are', () => {
  const r = normalizeQueryResponse({ schemaName: 'x', queryName: 'y', rows: [{ J: { a: 1 }, K: 2 }] });
  expect(r.rows).toEqual([{ J: { a: 1 }, K: 2 }]);
});

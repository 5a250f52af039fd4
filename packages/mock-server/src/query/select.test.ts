// selectRows on the demo lists, called on the engine directly: formats, filters, sort, paging,
// counts, columns and the not-found errors (protocol §4.1, §4.2, §4.6, §4.8).
import { createQueryEngine, type Params, type QueryEngine, type QueryUser } from './index.js';

const alice: QueryUser = { id: 1001, email: 'alice@lk.test', displayName: 'alice', isSiteAdmin: false, impersonated: false, guest: false };

let engine: QueryEngine;
beforeAll(() => {
  engine = createQueryEngine({ generatedRows: 300, now: () => new Date(2024, 0, 2, 12, 0, 0) });
});
afterAll(() => engine.close());

function select(p: Record<string, string | string[]>, container = '/home') {
  const params: Params = {};
  for (const [k, v] of Object.entries(p)) params[k] = Array.isArray(v) ? v : [v];
  return engine.selectRows({ params, container, user: alice }) as { status: number; body: any };
}
const people = (p: Record<string, string | string[]> = {}) => select({ schemaName: 'lists', 'query.queryName': 'People', ...p });
const gen = (p: Record<string, string | string[]> = {}) => select({ schemaName: 'lists', 'query.queryName': 'Generated', ...p });
const names = (r: { body: any }) => r.body.rows.map((x: any) => x.Name);
const keys = (r: { body: any }) => r.body.rows.map((x: any) => x.Key);

describe('formats', () => {
  test('8.3 by default: classic keys in order, flat rows, no success key', () => {
    const r = people();
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['schemaName', 'queryName', 'formatVersion', 'metaData', 'columnModel', 'rows', 'rowCount']);
    expect(r.body.schemaName).toBe('lists');
    expect(r.body.formatVersion).toBe(8.3);
    expect(r.body.rowCount).toBe(5);
    expect(r.body.rows[0]).toEqual({ Key: 1, Name: 'Ada Lovelace', Age: 36, Email: 'ada@example.org' });
    expect(r.body.metaData.id).toBe('Key');
    expect(r.body.metaData.root).toBe('rows');
    expect(r.body.metaData.totalProperty).toBe('rowCount');
    const key = r.body.metaData.fields[0];
    expect(key).toMatchObject({ name: 'Key', fieldKey: 'Key', fieldKeyArray: ['Key'], type: 'int', jsonType: 'int', keyField: true, isKeyField: true, autoIncrement: true });
    expect(r.body.columnModel.map((c: any) => c.dataIndex)).toEqual(['Key', 'Name', 'Age', 'Email']);
    expect(r.body).not.toHaveProperty('success');
  });

  test('apiVersion below 9.1 is 8.3; a non-number counts as 0', () => {
    expect(people({ apiVersion: '9.0' }).body.formatVersion).toBe(8.3);
    expect(people({ apiVersion: 'banana' }).body.formatVersion).toBe(8.3);
  });

  test('9.1: every cell is an object', () => {
    const r = people({ apiVersion: '9.1' });
    expect(r.body.formatVersion).toBe(9.1);
    expect(r.body.rows[0]).toEqual({ Key: { value: 1 }, Name: { value: 'Ada Lovelace' }, Age: { value: 36 }, Email: { value: 'ada@example.org' } });
    expect(r.body.columnModel).toBeDefined();
  });

  test('13.2: schemaName array, data-wrapped rows, no formatVersion or columnModel', () => {
    const r = people({ apiVersion: '13.2' });
    expect(Object.keys(r.body)).toEqual(['schemaName', 'queryName', 'metaData', 'rows', 'rowCount']);
    expect(r.body.schemaName).toEqual(['lists']);
    expect(r.body.rows[3]).toEqual({ data: { Key: { value: 4 }, Name: { value: 'Katherine Johnson' }, Age: { value: 101 }, Email: { value: null } } });
    expect(r.body.metaData.fields[0].fieldKey).toEqual(['Key']);
    expect(r.body.metaData.fields[0]).not.toHaveProperty('isKeyField');
  });

  test('17.1: dates get formattedValue; booleans are true/false', () => {
    const r = gen({ apiVersion: '17.1', 'query.maxRows': '2' });
    const row = r.body.rows[0].data;
    expect(row.Created.value).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(row.Created.formattedValue).toBe(row.Created.value.slice(0, 16));
    expect(typeof row.Flag.value).toBe('boolean');
    expect(row.Key.formattedValue).toBeUndefined();
  });

  test('dates use yyyy-MM-dd HH:mm:ss.SSS in local time, generated from the clock', () => {
    const r = gen({ 'query.sort': '-Key', 'query.maxRows': '1' });
    // 300 rows, one minute apart, the last one at the clock's time.
    expect(r.body.rows[0].Created).toBe('2024-01-02 12:00:00.000');
    expect(r.body.rows[0].Flag).toBe(false);
    expect(gen({ 'query.maxRows': '1' }).body.rows[0].Created).toBe('2024-01-02 07:01:00.000');
  });

  test('maxRows=0: metadata only; 8.3 sends rows [], 13.2 omits rows; no rowCount', () => {
    const a = people({ 'query.maxRows': '0' });
    expect(a.body.rows).toEqual([]);
    expect(a.body).not.toHaveProperty('rowCount');
    expect(a.body.metaData.fields).toHaveLength(4);
    const b = people({ 'query.maxRows': '0', apiVersion: '17.1' });
    expect(b.body).not.toHaveProperty('rows');
    expect(b.body).not.toHaveProperty('rowCount');
  });

  test('includeMetadata=false drops metaData and columnModel', () => {
    const r = people({ includeMetadata: 'false' });
    expect(r.body).not.toHaveProperty('metaData');
    expect(r.body).not.toHaveProperty('columnModel');
    expect(r.body.rows).toHaveLength(5);
  });
});

describe('parameters', () => {
  test('plain queryName works like query.queryName; names are case-insensitive', () => {
    const r = select({ schemaName: 'LISTS', queryName: 'people' });
    expect(r.status).toBe(200);
    expect(r.body.queryName).toBe('People');
    expect(r.body.rows).toHaveLength(5);
  });

  test('query.columns picks and orders columns, case-insensitive, unknown dropped silently', () => {
    const r = people({ 'query.columns': 'email,NAME,Nope' });
    expect(Object.keys(r.body.rows[0])).toEqual(['Email', 'Name']);
    expect(r.body.metaData.fields.map((f: any) => f.name)).toEqual(['Email', 'Name']);
    expect(r.body).not.toHaveProperty('messages');
  });

  test('sort: comma list, - for descending, key breaks ties, sortInfo in metaData', () => {
    expect(names(people({ 'query.sort': '-Age' }))).toEqual(['Katherine Johnson', 'Grace Hopper', 'Edsger Dijkstra', 'Alan Turing', 'Ada Lovelace']);
    const r = gen({ 'query.sort': 'Category,-Value', 'query.maxRows': '3' });
    expect(r.body.rows.map((x: any) => x.Category)).toEqual(['alpha', 'alpha', 'alpha']);
    const v = r.body.rows.map((x: any) => x.Value);
    expect([...v].sort((a: number, b: number) => b - a)).toEqual(v);
    expect(r.body.metaData.sortInfo).toEqual({ field: 'Category', direction: 'ASC' });
    expect(r.body.metaData.sortInfoArray).toEqual([
      { field: 'Category', direction: 'ASC' },
      { field: 'Value', direction: 'DESC' },
    ]);
  });

  test('sort on an unknown column is ignored with a message', () => {
    const r = people({ 'query.sort': 'Nope' });
    expect(keys(r)).toEqual([1, 2, 3, 4, 5]);
    expect(r.body.messages[0].content).toContain("'Nope'");
  });

  test('paging: maxRows + offset, limit/start synonyms, default 100000', () => {
    expect(keys(gen({ 'query.maxRows': '3', 'query.offset': '10' }))).toEqual([11, 12, 13]);
    expect(keys(gen({ limit: '2', start: '5' }))).toEqual([6, 7]);
    expect(gen().body.rows).toHaveLength(300);
  });

  test('maxRows=-1 and showRows=all return everything', () => {
    expect(gen({ 'query.maxRows': '-1' }).body.rows).toHaveLength(300);
    expect(gen({ 'query.showRows': 'all', 'query.maxRows': '5' }).body.rows).toHaveLength(300);
    expect(gen({ 'query.maxRows': '-1', 'query.offset': '295' }).body.rowCount).toBe(300);
  });

  test('rowCount is the total count; includeTotalCount=false gives offset + rows', () => {
    expect(gen({ 'query.maxRows': '10', 'query.offset': '20' }).body.rowCount).toBe(300);
    expect(gen({ 'query.maxRows': '10', 'query.offset': '20', includeTotalCount: 'false' }).body.rowCount).toBe(30);
    expect(gen({ 'query.maxRows': '10', 'query.offset': '500' }).body.rowCount).toBe(300);
    expect(gen({ 'query.maxRows': '10', 'query.Category~eq': 'beta' }).body.rowCount).toBe(100);
  });

  test('a data region name other than query', () => {
    const r = select({ schemaName: 'lists', dataRegionName: 'dr', 'dr.queryName': 'People', 'dr.Age~lt': '50', 'query.Age~gt': '1000' });
    expect(names(r)).toEqual(['Ada Lovelace', 'Alan Turing']);
  });

  test('containerFilter: valid names accepted, anything else is a 500', () => {
    expect(people({ containerFilter: 'CurrentAndSubfolders' }).status).toBe(200);
    const r = people({ containerFilter: 'currentandsubfolders' });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ exception: "'containerFilter' parameter is not valid", exceptionClass: 'java.lang.IllegalArgumentException', success: false });
    expect(Array.isArray(r.body.stackTrace)).toBe(true);
  });
});

describe('not found (§4.8)', () => {
  const nf = 'org.labkey.api.view.NotFoundException';
  test('unknown or missing schema', () => {
    for (const r of [select({ schemaName: 'nope', 'query.queryName': 'People' }), select({ 'query.queryName': 'People' })]) {
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ exception: 'The specified schema does not exist', exceptionClass: nf, stackTrace: expect.any(Array), success: false });
    }
  });
  test('unknown query', () => {
    const r = select({ schemaName: 'lists', 'query.queryName': 'Nope' });
    expect(r.status).toBe(404);
    expect(r.body.exception).toBe("The specified query 'Nope' does not exist in schema 'lists'");
    expect(r.body.exceptionClass).toBe(nf);
  });
  test('no query name', () => {
    const r = select({ schemaName: 'lists' });
    expect(r.status).toBe(404);
    expect(r.body.exception).toBe('Query not specified');
  });
  test('lists are per container', () => {
    expect(select({ schemaName: 'lists', 'query.queryName': 'People' }, '/Shared').status).toBe(404);
    expect(select({ schemaName: 'lists', 'query.queryName': 'People' }, '/HOME/').status).toBe(200);
  });
  test('unknown view', () => {
    const r = people({ 'query.viewName': 'Mine' });
    expect(r.status).toBe(404);
    expect(r.body.exception).toBe("The requested view 'Mine' does not exist for this user.");
  });
});

describe('filter operators (§4.6)', () => {
  const f = (op: string, value: string, col = 'Age') => people({ [`query.${col}~${op}`]: value });
  test('eq / neq / neqornull', () => {
    expect(names(f('eq', '36'))).toEqual(['Ada Lovelace']);
    expect(names(f('eq', 'Alan Turing', 'name'))).toEqual(['Alan Turing']);
    expect(names(f('neq', '36'))).toHaveLength(4);
    expect(names(f('neq', 'ada@example.org', 'Email'))).toEqual(['Alan Turing', 'Grace Hopper', 'Edsger Dijkstra']);
    expect(names(f('neqornull', 'ada@example.org', 'Email'))).toEqual(['Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra']);
    expect(names(f('eq', '', 'Email'))).toEqual(['Katherine Johnson']);
  });
  test('gt / gte / lt / lte compare numbers as numbers', () => {
    expect(names(f('gt', '85'))).toEqual(['Katherine Johnson']);
    expect(names(f('gte', '85'))).toEqual(['Grace Hopper', 'Katherine Johnson']);
    expect(names(f('lt', '41'))).toEqual(['Ada Lovelace']);
    expect(names(f('lte', '41'))).toEqual(['Ada Lovelace', 'Alan Turing']);
  });
  test('in / notin with ; lists; an empty entry means blank', () => {
    expect(names(f('in', '36;85'))).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(names(f('notin', '36;85'))).toEqual(['Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra']);
    expect(names(f('in', 'ada@example.org;', 'Email'))).toEqual(['Ada Lovelace', 'Katherine Johnson']);
    expect(names(f('notin', 'ada@example.org', 'Email'))).toEqual(['Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra']);
    expect(names(f('notin', 'ada@example.org;', 'Email'))).toEqual(['Alan Turing', 'Grace Hopper', 'Edsger Dijkstra']);
  });
  test('containsoneof / containsnoneof', () => {
    expect(names(f('containsoneof', 'lovel;HOPP', 'Name'))).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(names(f('containsnoneof', 'a', 'Name'))).toEqual([]);
    expect(names(f('containsnoneof', 'ada;alan', 'Email'))).toEqual(['Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra']);
  });
  test('between / notbetween (two values, comma-separated)', () => {
    expect(names(f('between', '40,80'))).toEqual(['Alan Turing', 'Edsger Dijkstra']);
    expect(names(f('notbetween', '40,80'))).toEqual(['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson']);
    const bad = f('between', '40');
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
  });
  test('contains / doesnotcontain / startswith / doesnotstartwith (case-insensitive, wildcards literal)', () => {
    expect(names(f('contains', 'TUR', 'Name'))).toEqual(['Alan Turing']);
    expect(names(f('doesnotcontain', 'example', 'Email'))).toEqual(['Katherine Johnson']);
    expect(names(f('startswith', 'g', 'Name'))).toEqual(['Grace Hopper']);
    expect(names(f('doesnotstartwith', 'a', 'Name'))).toEqual(['Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra']);
    expect(names(f('contains', '%', 'Name'))).toEqual([]);
    expect(names(f('contains', '_', 'Name'))).toEqual([]);
  });
  test('isblank / isnonblank', () => {
    expect(names(f('isblank', '', 'Email'))).toEqual(['Katherine Johnson']);
    expect(names(f('isnonblank', '', 'Email'))).toHaveLength(4);
  });
  test('date operators compare whole days', () => {
    const g = (op: string, v: string) => gen({ [`query.Created~${op}`]: v, 'query.maxRows': '-1' }).body.rows.length;
    // Rows run from 2024-01-02 07:01 to 12:00 (300 minutes): all on 2024-01-02.
    expect(g('dateeq', '2024-01-02')).toBe(300);
    expect(g('dateeq', '2024/01/03')).toBe(0);
    expect(g('dateneq', '2024-01-02')).toBe(0);
    expect(g('dategt', '2024-01-01')).toBe(300);
    expect(g('dategt', '2024-01-02')).toBe(0);
    expect(g('dategte', '2024-01-02')).toBe(300);
    expect(g('datelt', '2024-01-02')).toBe(0);
    expect(g('datelte', '2024-01-02')).toBe(300);
    expect(g('gt', '2024-01-02 11:58')).toBe(2);
    expect(g('gte', '2024-01-02T11:58:00')).toBe(3);
  });
  test('boolean columns accept true/false/1/0', () => {
    expect(gen({ 'query.Flag~eq': 'true', 'query.maxRows': '-1' }).body.rowCount).toBe(150);
    expect(gen({ 'query.Flag~eq': '0', 'query.maxRows': '-1' }).body.rowCount).toBe(150);
  });
  test('several filters AND together, including the same name repeated', () => {
    expect(names(f('gt', ['40', '80'] as unknown as string))).toEqual(['Grace Hopper', 'Katherine Johnson']);
    expect(names(people({ 'query.Age~gt': '40', 'query.Name~startswith': 'a' }))).toEqual(['Alan Turing']);
  });
  test('q searches all default columns', () => {
    expect(names(people({ 'query.*~q': 'hopper' }))).toEqual(['Grace Hopper']);
  });
  test('unknown operator or no operator: ignored, as LabKey', () => {
    expect(names(f('bogus', '36'))).toHaveLength(5);
    expect(people({ 'query.Age~': '36' }).body.rows).toHaveLength(5);
    expect(people({ 'query.Age': '36' }).body.rows).toHaveLength(5);
  });
  test('filter on an unknown column: ignored with a message', () => {
    const r = people({ 'query.Nope~eq': '1' });
    expect(r.body.rows).toHaveLength(5);
    expect(r.body.messages).toEqual([{ area: 'filter', content: "Ignoring filter/sort on column 'Nope' because it does not exist.", type: 'WARNING' }]);
  });
  test('a value that does not convert is a 400', () => {
    const r = f('gt', 'old');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ exception: 'Could not convert "old" for column "Age"', success: false });
    expect(gen({ 'query.Created~dateeq': 'tomorrow' }).status).toBe(400);
  });
});

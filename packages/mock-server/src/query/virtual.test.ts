// Virtual tables (as the server registers core.Users / core.UserAPIKeys / core.APIKeys) and
// schema discovery (protocol §4.7, §6.2).
import { ActionError, createQueryEngine, type QueryEngine, type QueryUser, type VirtualTable } from './index.js';

const user = (id: number, extra: Partial<QueryUser> = {}): QueryUser => ({
  id,
  email: `u${id}@lk.test`,
  displayName: `u${id}`,
  isSiteAdmin: false,
  impersonated: false,
  guest: false,
  ...extra,
});
const alice = user(1001);
const bob = user(1002);
const admin = user(1000, { isSiteAdmin: true });
const guest = user(0, { guest: true });

type R = { status: number; body: any };

interface Key {
  RowId: number;
  CreatedBy: number;
  Created: Date;
  Expiration: Date | null;
  Description: string;
}

let keys: Key[];
let engine: QueryEngine;
let deleteCalls: Record<string, unknown>[][];

const keyColumns: VirtualTable['columns'] = [
  { name: 'RowId', type: 'int', keyField: true, hidden: true },
  { name: 'CreatedBy', type: 'int', lookup: { schemaName: 'core', queryName: 'Users', keyColumn: 'UserId', displayColumn: 'DisplayName' } },
  { name: 'Created', type: 'date' },
  { name: 'Expiration', type: 'date' },
  { name: 'Description', type: 'string' },
];

beforeEach(() => {
  keys = [
    { RowId: 1, CreatedBy: 1001, Created: new Date(2024, 0, 1, 9, 30), Expiration: null, Description: 'laptop' },
    { RowId: 2, CreatedBy: 1001, Created: new Date(2024, 0, 2, 9, 30), Expiration: new Date(2024, 1, 1), Description: 'ci' },
    { RowId: 3, CreatedBy: 1002, Created: new Date(2024, 0, 3, 9, 30), Expiration: null, Description: 'bob' },
  ];
  deleteCalls = [];
  engine = createQueryEngine({ seed: 'empty' });
  engine.registerVirtualTable('core', 'Users', {
    title: 'Users',
    columns: [
      { name: 'UserId', type: 'int', keyField: true },
      { name: 'DisplayName', type: 'string' },
      { name: 'Email', type: 'string' },
      { name: 'Active', type: 'boolean' },
    ],
    visible: (u) => (u.guest ? 'forbidden' : true),
    rows: () => [alice, bob, admin].map((u) => ({ UserId: u.id, DisplayName: u.displayName, Email: u.email, Active: true })),
  });
  engine.registerVirtualTable('core', 'UserAPIKeys', {
    listed: false,
    columns: keyColumns.map((c) => (c.name === 'CreatedBy' ? { ...c, hidden: true } : c)),
    visible: (u) => (u.guest || u.impersonated ? 'forbidden' : true),
    rows: (u) => keys.filter((k) => k.CreatedBy === u.id).map((k) => ({ ...k })),
    deleteRows(u, ks) {
      deleteCalls.push(ks);
      for (const k of ks) {
        const row = keys.find((x) => x.RowId === k.RowId);
        if (row && row.CreatedBy !== u.id) throw new ActionError(403, 'You do not have permission to delete the selected row.', 'org.labkey.api.view.UnauthorizedException');
      }
      const gone = keys.filter((x) => ks.some((k) => k.RowId === x.RowId));
      keys = keys.filter((x) => !gone.includes(x));
      return gone.map((g) => ({ RowId: g.RowId }));
    },
  });
  engine.registerVirtualTable('core', 'APIKeys', {
    title: 'API Keys',
    columns: keyColumns,
    visible: (u) => (u.isSiteAdmin ? true : 'not-found'),
    rows: () => keys.map((k) => ({ ...k })),
  });
});
afterEach(() => engine.close());

const select = (u: QueryUser, queryName: string, extra: Record<string, string> = {}, container = '/home') => {
  const params: Record<string, string[]> = { schemaName: ['core'], 'query.queryName': [queryName] };
  for (const [k, v] of Object.entries(extra)) params[k] = [v];
  return engine.selectRows({ params, container, user: u }) as R;
};

describe('selectRows on virtual tables', () => {
  test('rows come from the provider for that user; hidden columns stay out of the default set, except the primary key', () => {
    const r = select(alice, 'UserAPIKeys');
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual([
      { RowId: 1, Created: '2024-01-01 09:30:00.000', Expiration: null, Description: 'laptop' },
      { RowId: 2, Created: '2024-01-02 09:30:00.000', Expiration: '2024-02-01 00:00:00.000', Description: 'ci' },
    ]);
    expect(r.body.metaData.id).toBe('RowId');
    expect(r.body.rowCount).toBe(2);
    expect(select(bob, 'userapikeys').body.rows.map((x: any) => x.Description)).toEqual(['bob']);
  });

  test('hidden columns come back when asked for; filters, sort and paging work as on lists', () => {
    const r = select(admin, 'APIKeys', { 'query.columns': 'RowId,CreatedBy,Description', 'query.CreatedBy~eq': '1001', 'query.sort': '-Created', 'query.maxRows': '1' });
    expect(r.body.rows).toEqual([{ RowId: 2, CreatedBy: 1001, Description: 'ci' }]);
    expect(r.body.rowCount).toBe(2);
    expect(r.body.metaData.id).toBe('RowId');
    const lookup = r.body.metaData.fields.find((f: any) => f.name === 'CreatedBy').lookup;
    expect(lookup).toMatchObject({ schemaName: 'core', queryName: 'Users', keyColumn: 'UserId', displayColumn: 'DisplayName' });
    expect(select(admin, 'APIKeys', { 'query.Expiration~isblank': '' }).body.rows.map((x: any) => x.Description)).toEqual(['laptop', 'bob']);
  });

  test("'not-found' answers as a missing query (404), 'forbidden' as 401 for guests and 403 otherwise", () => {
    const nf = select(alice, 'APIKeys');
    expect(nf.status).toBe(404);
    expect(nf.body.exception).toBe("The specified query 'APIKeys' does not exist in schema 'core'");
    const g = select(guest, 'UserAPIKeys');
    expect(g.status).toBe(401);
    expect(g.body.success).toBe(false);
    const imp = select(user(1001, { impersonated: true }), 'UserAPIKeys');
    expect(imp.status).toBe(403);
    expect(imp.body.exceptionClass).toBe('org.labkey.api.view.UnauthorizedException');
  });

  test('13.2 format with schemaName as an array', () => {
    const r = select(alice, 'Users', { apiVersion: '17.1', 'query.UserId~eq': '1002' });
    expect(r.body.schemaName).toEqual(['core']);
    expect(r.body.rows).toEqual([{ data: { UserId: { value: 1002 }, DisplayName: { value: 'u1002' }, Email: { value: 'u1002@lk.test' }, Active: { value: true } } }]);
  });

  test('the temporary copy does not outlive the call', async () => {
    select(admin, 'APIKeys');
    // Rows of another user never leak through SQL after a call.
    const r = (await engine.executeSql({ params: { schemaName: ['core'], sql: ['SELECT * FROM APIKeys'] }, container: '/home', user: alice })) as R;
    expect(r.status).toBe(500);
    expect(r.body.exception).toBe('Query or table not found: APIKeys');
    const own = (await engine.executeSql({ params: { schemaName: ['core'], sql: ['SELECT Description FROM UserAPIKeys ORDER BY RowId'] }, container: '/home', user: alice })) as R;
    expect(own.body.rows).toEqual([{ Description: 'laptop' }, { Description: 'ci' }]);
  });
});

describe('deleteRows on virtual tables', () => {
  const del = (u: QueryUser, queryName: string, rows: unknown[]) => engine.deleteRows({ body: { schemaName: 'core', queryName, rows }, container: '/home', user: u }) as R;

  test('calls the provider with canonical key names; the next select no longer sees the row', () => {
    const r = del(alice, 'UserAPIKeys', [{ rowId: 2 }]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ schemaName: 'core', queryName: 'UserAPIKeys', command: 'delete', containerPath: '/home', rows: [{ rowId: 2 }], rowsAffected: 1 });
    expect(deleteCalls).toEqual([[{ RowId: 2 }]]);
    expect(select(alice, 'UserAPIKeys').body.rows.map((x: any) => x.Description)).toEqual(['laptop']);
  });

  test("the provider's ActionError comes back as the body", () => {
    const r = del(alice, 'UserAPIKeys', [{ RowId: 3 }]);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ exception: 'You do not have permission to delete the selected row.', success: false });
    expect(keys).toHaveLength(3);
  });

  test('errors shaped like ActionError from another module keep their status', () => {
    engine.registerVirtualTable('core', 'Odd', {
      columns: [{ name: 'Id', type: 'int', keyField: true }],
      visible: () => true,
      rows: () => [],
      deleteRows() {
        throw Object.assign(new Error('nope'), { status: 403, exceptionClass: 'org.labkey.api.view.UnauthorizedException' });
      },
    });
    const r = del(alice, 'Odd', [{ Id: 1 }]);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ exception: 'nope', exceptionClass: 'org.labkey.api.view.UnauthorizedException', success: false });
  });

  test('missing key, no deleteRows, update/insert, invisible table', () => {
    expect(del(alice, 'UserAPIKeys', [{ Description: 'x' }]).status).toBe(400);
    const u = del(alice, 'Users', [{ UserId: 1001 }]);
    expect(u.status).toBe(500);
    expect(u.body.exception).toBe("The query 'Users' in the schema 'core' is not updatable via the HTTP-based APIs.");
    const up = engine.updateRows({ body: { schemaName: 'core', queryName: 'UserAPIKeys', rows: [{ RowId: 1, Description: 'x' }] }, container: '/home', user: alice }) as R;
    expect(up.status).toBe(500);
    expect(up.body.exception).toContain('is not updatable');
    const nf = del(alice, 'APIKeys', [{ RowId: 1 }]);
    expect(nf.status).toBe(500);
    expect(nf.body.exception).toBe("The query 'APIKeys' in the schema 'core' does not exist.");
    expect(del(guest, 'UserAPIKeys', [{ RowId: 1 }]).status).toBe(401);
    expect(deleteCalls).toEqual([]);
  });
});

describe('discovery', () => {
  test('getSchemas: a list before 9.3, nested objects after', () => {
    const a = engine.getSchemas({ params: {}, container: '/home', user: alice }) as R;
    expect(a.body).toEqual({ schemas: ['core', 'lists'] });
    const b = engine.getSchemas({ params: { apiVersion: ['9.3'] }, container: '/home', user: alice }) as R;
    expect(Object.keys(b.body)).toEqual(['core', 'lists']);
    expect(b.body.core).toMatchObject({ schemaName: 'core', fullyQualifiedName: 'core', hidden: false });
  });

  test('getQueries lists visible, listed tables with columns; UserAPIKeys is not listed', () => {
    const forAlice = engine.getQueries({ params: { schemaName: ['core'] }, container: '/home', user: alice }) as R;
    expect(forAlice.body.schemaName).toBe('core');
    expect(forAlice.body.queries.map((x: any) => x.name)).toEqual(['Users']);
    const forAdmin = engine.getQueries({ params: { schemaName: ['core'] }, container: '/home', user: admin }) as R;
    expect(forAdmin.body.queries.map((x: any) => x.name)).toEqual(['APIKeys', 'Users']);
    const q = forAdmin.body.queries[0];
    expect(q).toMatchObject({ name: 'APIKeys', title: 'API Keys', hidden: false, isUserDefined: false });
    expect(q.columns.map((c: any) => c.name)).toEqual(['RowId', 'CreatedBy', 'Created', 'Expiration', 'Description']);
    expect(q.columns[1].caption).toBe('Created By');
    expect(q.viewDataUrl).toBe('/labkey/query/home/executeQuery.view?schemaName=core&query.queryName=APIKeys');
  });

  test('getQueries on lists, and its errors', () => {
    const demo = createQueryEngine({ generatedRows: 1 });
    try {
      const r = demo.getQueries({ params: { schemaName: ['lists'], includeColumns: ['false'] }, container: '/home', user: alice }) as R;
      expect(r.body.queries.map((x: any) => x.name)).toEqual(['Generated', 'People']);
      expect(r.body.queries[0]).not.toHaveProperty('columns');
      const none = demo.getQueries({ params: {}, container: '/home', user: alice }) as R;
      expect(none.status).toBe(500);
      expect(none.body.exception).toBe("You must supply a value for the 'schemaName' parameter!");
      const bad = demo.getQueries({ params: { schemaName: ['nope'] }, container: '/home', user: alice }) as R;
      expect(bad.status).toBe(404);
      expect(bad.body.exception).toBe("The schema name 'nope' was not found within the folder '/home'");
    } finally {
      demo.close();
    }
  });

  test("registering into 'lists' is refused", () => {
    expect(() => engine.registerVirtualTable('lists', 'X', { columns: [{ name: 'a', type: 'int' }], visible: () => true, rows: () => [] })).toThrow();
  });
});

describe('lookup columns (CreatedBy/DisplayName)', () => {
  test('a lookup field key in query.columns joins the target table', () => {
    const r = select(admin, 'APIKeys', { 'query.columns': 'Description,CreatedBy/DisplayName,createdby/email,CreatedBy/Nope', 'query.sort': 'createdby/displayname,-Created' });
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual([
      { Description: 'ci', 'CreatedBy/DisplayName': 'u1001', 'CreatedBy/Email': 'u1001@lk.test' },
      { Description: 'laptop', 'CreatedBy/DisplayName': 'u1001', 'CreatedBy/Email': 'u1001@lk.test' },
      { Description: 'bob', 'CreatedBy/DisplayName': 'u1002', 'CreatedBy/Email': 'u1002@lk.test' },
    ]);
    const f = r.body.metaData.fields[1];
    expect(f).toMatchObject({ name: 'CreatedBy/DisplayName', fieldKey: 'CreatedBy/DisplayName', fieldKeyArray: ['CreatedBy', 'DisplayName'], type: 'string', caption: 'Created By Display Name' });
  });

  test('filters on a lookup field key', () => {
    const r = select(admin, 'APIKeys', { 'query.CreatedBy/DisplayName~eq': 'u1002' });
    expect(r.body.rows.map((x: any) => x.Description)).toEqual(['bob']);
    expect(r.body.rowCount).toBe(1);
  });

  test('9.1 and 17.1 cells of a lookup column carry the display value', () => {
    const a = select(admin, 'APIKeys', { apiVersion: '9.1', 'query.columns': 'CreatedBy', 'query.maxRows': '1' });
    expect(a.body.rows[0]).toEqual({ CreatedBy: { value: 1001, displayValue: 'u1001' } });
    const b = select(admin, 'APIKeys', { apiVersion: '17.1', 'query.columns': 'CreatedBy', 'query.maxRows': '1' });
    expect(b.body.rows[0]).toEqual({ data: { CreatedBy: { value: 1001, displayValue: 'u1001' } } });
    expect(b.body.metaData.fields[0].fieldKey).toEqual(['CreatedBy']);
    // 8.3 stays flat.
    expect(select(admin, 'APIKeys', { 'query.columns': 'CreatedBy', 'query.maxRows': '1' }).body.rows[0]).toEqual({ CreatedBy: 1001 });
  });

  test('a lookup to a table the user cannot see is dropped like an unknown column', () => {
    const r = select(guest, 'Users');
    expect(r.status).toBe(401);
    engine.registerVirtualTable('core', 'Open', {
      columns: [
        { name: 'Id', type: 'int', keyField: true },
        { name: 'Owner', type: 'int', lookup: { schemaName: 'core', queryName: 'Users', keyColumn: 'UserId', displayColumn: 'DisplayName' } },
      ],
      visible: () => true,
      rows: () => [{ Id: 1, Owner: 1001 }],
    });
    expect(select(guest, 'Open', { 'query.columns': 'Id,Owner/DisplayName', apiVersion: '9.1' }).body.rows).toEqual([{ Id: { value: 1 } }]);
    expect(select(alice, 'Open', { 'query.columns': 'Id,Owner/DisplayName' }).body.rows).toEqual([{ Id: 1, 'Owner/DisplayName': 'u1001' }]);
  });
});

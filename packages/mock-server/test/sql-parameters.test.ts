// LabKey SQL's PARAMETERS clause in query-executeSql.api, with values from query.param.<name>:
// labkey-api-python's execute_sql(parameters=…) sends them as form fields, @labkey/api puts them in
// the URL's query string. (LabKey: SqlParser's PARAMETERS handling, QueryServiceImpl.bindNamedParameters.)
import { startMockServer, type MockServer } from '@lk/mock-server';
import { basic, Client } from './http';

describe('executeSql PARAMETERS (name TYPE [DEFAULT v], …) with query.param.<name>', () => {
  let server: MockServer;
  let alice: Client;
  beforeAll(async () => {
    server = await startMockServer({ generatedRows: 10 });
    alice = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
  });
  afterAll(() => server.close());

  /** A form-encoded executeSql, as labkey-api-python sends it (waf_encode_sql=False). */
  const sql = (statement: string, values: Record<string, string> = {}, extra: Record<string, string> = {}) => {
    const form: Record<string, string> = { schemaName: 'lists', sql: statement, ...extra };
    for (const [k, v] of Object.entries(values)) form[`query.param.${k}`] = v;
    return alice.req('/home/query-executeSql.api', { form });
  };
  const names = (r: { body: any }) => r.body.rows.map((x: any) => x.Name);
  /** How @labkey/api and labkey-api-python WAF-encode `sql` (protocol §4.3). */
  const WAF_PREFIX = '/*{{base64/x-www-form-urlencoded/wafText}}*/';
  const OLDER_THAN = 'PARAMETERS (MinAge INTEGER DEFAULT 0) SELECT Name FROM People WHERE Age > MinAge ORDER BY Age';

  it('binds a value, falls back to the default, and matches names case-insensitively', async () => {
    expect(names(await sql(OLDER_THAN, { MinAge: '80' }))).toEqual(['Grace Hopper', 'Katherine Johnson']);
    expect(names(await sql(OLDER_THAN, { minage: '80' }))).toEqual(['Grace Hopper', 'Katherine Johnson']);
    expect((await sql(OLDER_THAN)).body.rowCount).toBe(5);
    const lower = await sql('parameters ("Min Age" integer, Who varchar(20) default \'Al%\') select Name from People where Age > "Min Age" and Name like who', { 'Min Age': '40' });
    expect(names(lower)).toEqual(['Alan Turing']);
  });

  it('also takes the values from the URL with a JSON body and WAF-encoded SQL (as @labkey/api sends them)', async () => {
    const waf = WAF_PREFIX + Buffer.from(encodeURIComponent(OLDER_THAN)).toString('base64');
    const r = await alice.req('/home/query-executeSql.api?query.param.MinAge=100', { json: { schemaName: 'lists', sql: waf, apiVersion: 17.1 } });
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: any) => x.data.Name.value)).toEqual(['Katherine Johnson']);
  });

  it('the total count is per value: rowCount follows the parameter, not a cached count of the same SQL', async () => {
    expect((await sql(OLDER_THAN, { MinAge: '80' }, { maxRows: '1' })).body.rowCount).toBe(2);
    expect((await sql(OLDER_THAN, { MinAge: '40' }, { maxRows: '1' })).body.rowCount).toBe(4);
    expect((await sql(OLDER_THAN, { MinAge: '80' }, { maxRows: '1' })).body.rowCount).toBe(2);
  });

  it('a parameter wins over a column of the same name; a qualified name is the column', async () => {
    const r = await sql('PARAMETERS (Name VARCHAR) SELECT People.Name AS Name, Name AS Given FROM People WHERE People.Name = Name', { Name: 'Ada Lovelace' });
    expect(r.body.rows).toEqual([{ Name: 'Ada Lovelace', Given: 'Ada Lovelace' }]);
  });

  it('an empty value is NULL; DEFAULT NULL is a default', async () => {
    const q = "PARAMETERS (N VARCHAR DEFAULT 'x') SELECT COUNT(*) AS c FROM People WHERE N IS NULL";
    expect((await sql(q, { N: '' })).body.rows).toEqual([{ c: 5 }]);
    expect((await sql(q)).body.rows).toEqual([{ c: 0 }]);
    expect((await sql('PARAMETERS (N INTEGER DEFAULT NULL) SELECT COUNT(*) AS c FROM People WHERE N IS NULL')).body.rows).toEqual([{ c: 5 }]);
  });

  it('converts values as LabKey does for each type', async () => {
    const one = async (type: string, value: string) => (await sql(`PARAMETERS (P ${type}) SELECT P AS v FROM People WHERE Key = 1`, { P: value })).body;
    expect((await one('INTEGER', '39.0')).rows).toEqual([{ v: 39 }]);
    expect((await one('INTEGER', '1e2')).rows).toEqual([{ v: 100 }]);
    expect((await one('BIGINT', '9007199254740993')).rows[0].v).toBe(9007199254740992); // read back as a JS number
    expect((await one('DOUBLE', ' 2.5d ')).rows).toEqual([{ v: 2.5 }]);
    expect((await one('BIT', 'Yes')).rows).toEqual([{ v: 1 }]);
    expect((await one('TIMESTAMP', '2024-02-29 13:45')).rows).toEqual([{ v: '2024-02-29 13:45:00.000' }]);
    const flags = await sql('PARAMETERS (F BIT) SELECT COUNT(*) AS c FROM Generated WHERE Flag = F', { F: 'f' });
    expect(flags.body.rows).toEqual([{ c: 5 }]);
  });

  it('a value that does not convert: 400 SQLException "Could not convert value …" (raised while the answer is written)', async () => {
    const cases: [string, string, string][] = [
      ['INTEGER', 'abc', "Could not convert value 'abc' (String) for Integer field 'P'"],
      ['INTEGER', '1.5', "Could not convert value '1.5' (String) for Integer field 'P'"],
      ['INTEGER', ' 7', "Could not convert value ' 7' (String) for Integer field 'P'"],
      ['INTEGER', '2147483648', "Could not convert value '2147483648' (String) for Integer field 'P'"],
      ['SMALLINT', '40000', "Could not convert value '40000' (String) for Short field 'P'"],
      ['BIT', 'maybe', "Could not convert value 'maybe' (String) for Boolean field 'P'"],
      ['TIMESTAMP', 'soon', "Could not convert value 'soon' (String) for Timestamp field 'P'"],
      ['DECIMAL', '1,5', "Could not convert value '1,5' (String) for BigDecimal field 'P'"],
    ];
    for (const [type, value, message] of cases) {
      const r = await sql(`PARAMETERS (P ${type}) SELECT Name FROM People WHERE Age = P`, { P: value });
      expect([type, value, r.status, r.body]).toEqual([type, value, 400, { exception: message, exceptionClass: 'java.sql.SQLException', stackTrace: expect.any(Array), success: false }]);
    }
  });

  it('no value and no default: 400 "Parameter not provided: P"; a declared parameter the statement never uses needs none', async () => {
    const r = await sql('PARAMETERS (MinAge INTEGER, MaxAge INTEGER) SELECT Name FROM People WHERE Age > MinAge AND Age < MaxAge', { MinAge: '1' });
    expect([r.status, r.body.exception, r.body.exceptionClass]).toEqual([400, 'Parameter not provided: MaxAge', 'org.labkey.api.query.QueryService$NamedParameterNotProvided']);
    // A bad value is reported before a missing one.
    const both = await sql('PARAMETERS (A INTEGER, B INTEGER) SELECT Name FROM People WHERE Age > A AND Age < B', { B: 'x' });
    expect(both.body.exception).toBe("Could not convert value 'x' (String) for Integer field 'B'");
    const unused = await sql('PARAMETERS (Unused INTEGER, Bad INTEGER) SELECT COUNT(*) AS c FROM People', { Bad: 'not a number' });
    expect([unused.status, unused.body.rows]).toEqual([200, [{ c: 5 }]]);
    // maxRows=0 (metadata only) reads no rows, so nothing is bound.
    const meta = await sql('PARAMETERS (MinAge INTEGER) SELECT Name FROM People WHERE Age > MinAge', {}, { maxRows: '0' });
    expect([meta.status, meta.body.metaData.fields.map((f: any) => f.name)]).toEqual([200, ['Name']]);
  });

  it('a statement that does not parse is a 500 parse error even when a value is missing', async () => {
    const r = await sql('PARAMETERS (P INTEGER) SELECT Name FROM People WHERE NoSuchColumn = P');
    expect([r.status, r.body.exceptionClass]).toEqual([500, 'org.labkey.api.query.QueryParseException']);
  });

  it('errors in the clause itself are parse errors (500 QueryParseException), with the line', async () => {
    const cases: [string, string][] = [
      ['PARAMETERS (D DATE) SELECT Name FROM People', 'Error on line 1: Parameter type is not supported: DATE'],
      ['PARAMETERS (A INTEGER,\n  S SQL_INTEGER) SELECT 1 AS x', 'Error on line 2: Parameter type is not supported: SQL_INTEGER'],
      ['PARAMETERS (X FOO) SELECT 1 AS x', "Error on line 1: Syntax error near ')'"],
      ['PARAMETERS (X INTEGER DEFAULT -1) SELECT 1 AS x', "Error on line 1: Syntax error near '-'"],
      ['PARAMETERS (X INTEGER DEFAULT Age) SELECT 1 AS x', "Error on line 1: Syntax error near 'Age'"],
      ['PARAMETERS X INTEGER SELECT 1 AS x', "Error on line 1: Syntax error near 'X'"],
      ['PARAMETERS (X INTEGER SELECT 1 AS x', "Error on line 1: Syntax error near 'SELECT'"],
      ["PARAMETERS (X INTEGER DEFAULT 'abc') SELECT 1 AS x", 'Unexpected exception'],
      ['PARAMETERS (X INTEGER DEFAULT 1.5) SELECT 1 AS x', 'Unexpected exception'],
    ];
    for (const [statement, message] of cases) {
      const r = await sql(statement);
      expect([statement, r.status, r.body.exception, r.body.exceptionClass]).toEqual([statement, 500, message, 'org.labkey.api.query.QueryParseException']);
    }
  });
});

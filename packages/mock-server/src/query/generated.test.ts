// lists.Generated at the size the SDK's large-result tests use: 1,000,000 rows built in one
// statement. No timing is asserted here (see the report / benches for figures).
import { createQueryEngine, type QueryEngine, type QueryUser } from './index.js';

const alice: QueryUser = { id: 1001, email: 'alice@lk.test', displayName: 'alice', isSiteAdmin: false, impersonated: false, guest: false };
const N = 1_000_000;

let engine: QueryEngine;
beforeAll(() => {
  engine = createQueryEngine({ generatedRows: N, now: () => new Date(2025, 0, 1, 0, 0, 0) });
});
afterAll(() => engine.close());

const gen = (p: Record<string, string>) => {
  const params: Record<string, string[]> = { schemaName: ['lists'], 'query.queryName': ['Generated'] };
  for (const [k, v] of Object.entries(p)) params[k] = [v];
  return (engine.selectRows({ params, container: '/home', user: alice }) as { body: any }).body;
};

test('holds 1,000,000 rows with keys 1..N and dates one minute apart ending at the clock', () => {
  const first = gen({ 'query.maxRows': '2' });
  expect(first.rowCount).toBe(N);
  expect(first.rows.map((r: any) => r.Key)).toEqual([1, 2]);
  const last = gen({ 'query.maxRows': '10000', 'query.offset': String(N - 10000) });
  expect(last.rows).toHaveLength(10000);
  expect(last.rows[0].Key).toBe(N - 9999);
  expect(last.rows[9999]).toMatchObject({ Key: N, Name: `Row ${N}`, Created: '2025-01-01 00:00:00.000' });
  expect(last.rowCount).toBe(N);
});

test('pages in the middle, filtered counts and SQL aggregates over the whole table', async () => {
  const mid = gen({ 'query.maxRows': '5000', 'query.offset': '500000', apiVersion: '17.1' });
  expect(mid.rows[0].data.Key.value).toBe(500001);
  expect(mid.rows[4999].data.Key.value).toBe(505000);
  expect(gen({ 'query.maxRows': '1', 'query.Category~eq': 'beta' }).rowCount).toBe(333334);
  const sql = (await engine.executeSql({ params: { schemaName: ['lists'], sql: ['SELECT COUNT(*) AS n, MIN(Key) AS lo, MAX(Key) AS hi FROM Generated'] }, container: '/home', user: alice })) as { body: any };
  expect(sql.body.rows).toEqual([{ n: N, lo: 1, hi: N }]);
});

test('serialized as its recipe, not as a million rows', () => {
  const json = JSON.stringify(engine.serialize());
  expect(json.length).toBeLessThan(5000);
  expect(json).toContain(`"rows":${N}`);
});

// executeSql runs in the SQL runner process: it sees the data as of each statement (copies are
// re-sent after a write, and after the runner dropped them), and a statement past the time or
// memory cap is stopped by killing the runner, after which the next statement gets a new one.
import { createQueryEngine, type Params, type QueryEngine, type QueryUser } from './index.js';

const bob: QueryUser = { id: 1002, email: 'bob@lk.test', displayName: 'bob', isSiteAdmin: false, impersonated: false, guest: false };
type R = { status: number; body: any };

function run(engine: QueryEngine, sql: string, container = '/home', extra: Record<string, string> = {}, user = bob): Promise<R> {
  const params: Params = { schemaName: ['lists'], sql: [sql] };
  for (const [k, v] of Object.entries(extra)) params[k] = [v];
  return engine.executeSql({ params, container, user }) as Promise<R>;
}

const NEVER_ENDS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c';

test('a statement sees the rows written since the one before (the copy is re-sent after a change)', async () => {
  const engine = createQueryEngine({ generatedRows: 10 });
  try {
    expect((await run(engine, 'SELECT count(*) AS n FROM People')).body.rows).toEqual([{ n: 5 }]);
    const ins = engine.insertRows({ body: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Barbara Liskov', Age: 85 }] }, container: '/home', user: bob });
    expect(ins.status).toBe(200);
    const after = await run(engine, "SELECT count(*) AS n, max(CASE WHEN Name = 'Barbara Liskov' THEN Age END) AS age FROM People");
    expect(after.body.rows).toEqual([{ n: 6, age: 85 }]);
    // The total count is cached per version of the data: a new row is counted.
    expect((await run(engine, 'SELECT Key FROM People', '/home', { maxRows: '2' })).body.rowCount).toBe(6);
    engine.deleteRows({ body: { schemaName: 'lists', queryName: 'People', rows: [{ Key: 6 }] }, container: '/home', user: bob });
    expect((await run(engine, 'SELECT Key FROM People', '/home', { maxRows: '2' })).body.rowCount).toBe(5);
  } finally {
    engine.close();
  }
});

test('a long answer comes from the runner in parts and arrives whole and in order', async () => {
  const engine = createQueryEngine({ generatedRows: 0 });
  try {
    const r = await run(engine, 'WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 10000) SELECT i, zeroblob(300) AS b FROM s', '/home', { maxRows: '-1' });
    expect(r.status).toBe(200);
    expect(r.body.rowCount).toBe(10000);
    expect(r.body.rows.map((x: any) => x.i)).toEqual(Array.from({ length: 10000 }, (_, k) => k + 1));
  } finally {
    engine.close();
  }
});

test('more containers than the runner keeps copies of: each statement still sees its own container', async () => {
  const engine = createQueryEngine({ seed: 'empty' });
  try {
    const names = Array.from({ length: 11 }, (_, i) => `/c${i}`);
    engine.load({
      format: 'lk-mock-lists',
      version: 1,
      lists: names.map((container, i) => ({
        container,
        name: 'Things',
        columns: [
          { name: 'Key', type: 'int', keyField: true },
          { name: 'Label', type: 'string' },
        ],
        nextKey: 2,
        rows: [[1, `thing of ${container}`], ...Array.from({ length: i }, (_, j) => [j + 2, 'more'])],
      })),
    });
    for (let round = 0; round < 2; round++) {
      for (const [i, c] of names.entries()) {
        const r = await run(engine, 'SELECT count(*) AS n, min(Label) AS first FROM lists.Things', c);
        expect(r.body.rows).toEqual([{ n: i + 1, first: i ? 'more' : `thing of ${c}` }]);
      }
    }
  } finally {
    engine.close();
  }
});

test('a statement past the time cap is stopped, and the ones queued behind it run in a new runner', async () => {
  const engine = createQueryEngine({ generatedRows: 10, sqlTimeCapMs: 300 });
  try {
    const [stuck, next, who] = await Promise.all([
      run(engine, NEVER_ENDS),
      run(engine, 'SELECT count(*) AS n FROM Generated'),
      run(engine, 'SELECT USERID() AS me, USERNAME() AS name'),
    ]);
    expect(stuck.status).toBe(500);
    expect(stuck.body).toMatchObject({ exception: 'The query ran longer than 300 ms and was stopped; use maxRows, or a simpler query.', exceptionClass: 'java.lang.IllegalStateException' });
    expect(next.body.rows).toEqual([{ n: 10 }]);
    expect(who.body.rows).toEqual([{ me: 1002, name: 'bob' }]);
  } finally {
    engine.close();
  }
});

test("statements take turns by user: one user's queue of runaways delays another's statement by one time cap", async () => {
  const engine = createQueryEngine({ generatedRows: 0, sqlTimeCapMs: 300 });
  const alice: QueryUser = { ...bob, id: 1001, email: 'alice@lk.test', displayName: 'alice' };
  try {
    const done: string[] = [];
    const mark = (name: string) => (r: R) => (done.push(`${name} ${r.status}`), r);
    const runaways = [1, 2, 3].map((i) => run(engine, NEVER_ENDS, '/home', {}, alice).then(mark(`alice${i}`)));
    const bobs = run(engine, 'SELECT USERNAME() AS me').then(mark('bob'));
    expect((await bobs).body.rows).toEqual([{ me: 'bob' }]);
    await Promise.all(runaways);
    expect(done).toEqual(['alice1 500', 'bob 200', 'alice2 500', 'alice3 500']);
  } finally {
    engine.close();
  }
});

test("a statement whose runner grows past the memory cap (SQLite's own memory, not V8's) is stopped", async () => {
  const engine = createQueryEngine({ generatedRows: 0, sqlTimeCapMs: 30_000, sqlMemoryCapBytes: 400 * 1024 * 1024 });
  try {
    const t0 = Date.now();
    const r = await run(engine, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT length(group_concat(printf('%0100d', x))) AS n FROM c");
    expect(r.status).toBe(500);
    expect(r.body.exception).toBe('The query used more than 400 MiB of memory and was stopped; select fewer rows or columns, or use a simpler query.');
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect((await run(engine, 'SELECT 1 AS one')).body.rows).toEqual([{ one: 1 }]);
  } finally {
    engine.close();
  }
}, 60_000);

test('close answers the statements running and waiting with 503, and refuses later ones rather than starting a runner', async () => {
  const engine = createQueryEngine({ generatedRows: 0, sqlTimeCapMs: 60_000 });
  expect((await run(engine, 'SELECT 1 AS one')).body.rows).toEqual([{ one: 1 }]);
  const running = run(engine, NEVER_ENDS);
  const waiting = run(engine, 'SELECT 2 AS two');
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  engine.close();
  expect((await running).status).toBe(503);
  expect((await waiting).status).toBe(503);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect((await run(engine, 'SELECT 1 AS one')).status).toBe(503);
});

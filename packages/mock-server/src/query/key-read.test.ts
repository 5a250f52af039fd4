// A large maxRows=-1 selectRows answer is read from SQLite as it is written (key-read.ts): its
// bytes are those of the rows read all at once, and a change to the rows while it is being written
// (insert, update, delete, a reload of every list) does not reach it: it answers the rows as they
// were when the request came.
import { jsonPieces, jsonText, READ_AS_WRITTEN_ABOVE } from '../json-body.js';
import { createQueryEngine, type Params, type QueryEngine, type QueryUser } from './index.js';

const alice: QueryUser = { id: 1001, email: 'alice@lk.test', displayName: 'alice', isSiteAdmin: false, impersonated: false, guest: false };
const N = READ_AS_WRITTEN_ABOVE + 2500;

let engine: QueryEngine;
beforeEach(() => {
  engine = createQueryEngine({ generatedRows: N, now: () => new Date(2024, 0, 2, 12, 0, 0) });
});
afterEach(() => engine.close());

function select(p: Record<string, string>) {
  const params: Params = {};
  for (const [k, v] of Object.entries(p)) params[k] = [v];
  return (engine.selectRows({ params, container: '/home', user: alice }) as { body: Record<string, unknown> }).body;
}
const all = (extra: Record<string, string> = {}) => select({ schemaName: 'lists', 'query.queryName': 'Generated', 'query.maxRows': '-1', ...extra });
/** The same rows read at once: JSON.stringify of the body as read (the rows built from one all()). */
const atOnce = (b: Record<string, unknown>, compact: boolean) => (compact ? JSON.stringify(b) : JSON.stringify(b, null, 2));

test.each([
  ['8.3 pretty', {}, false],
  ['17.1 compact', { apiVersion: '17.1' }, true],
  ['9.1 pretty, offset, a filter and two columns', { apiVersion: '9.1', 'query.offset': '7', 'query.Flag~eq': 'true', 'query.columns': 'Name,Created' }, false],
  ['13.2 pretty, showRows=all', { apiVersion: '13.2', 'query.showRows': 'all' }, false],
] as const)('%s: the bytes of the rows read at once', (_, extra, compact) => {
  const expected = atOnce(all(extra), compact);
  expect(jsonText(all(extra), compact)).toBe(expected);
  expect(JSON.parse(expected).rows.length).toBeGreaterThan(extra['query.Flag~eq'] ? N / 2 - 10 : READ_AS_WRITTEN_ABOVE);
});

test('rowCount and the rows past the end of an offset', () => {
  expect(JSON.parse(jsonText(all({ 'query.offset': String(N - 3) }), true)).rows.map((r: { Key: number }) => r.Key)).toEqual([N - 2, N - 1, N]);
  const past = JSON.parse(jsonText(all({ 'query.offset': String(N + 5) }), true));
  expect(past.rows).toEqual([]);
  expect(past.rowCount).toBe(N);
  expect(JSON.parse(jsonText(all(), true)).rowCount).toBe(N);
});

/** Write half the answer, run `change`, write the rest: the text equals the answer before the change. */
function changedMidway(change: () => void, compact: boolean) {
  const before = atOnce(all(), compact);
  const pieces = jsonPieces(all(), compact);
  let text = '';
  for (let i = 0; i < 5; i++) text += pieces.next().value;
  change();
  for (const p of pieces) text += p;
  expect(text).toBe(before);
  return before;
}

test.each([true, false])('compact %s: insert, update and delete while the answer is written do not reach it; the next answer has them', (compact) => {
  const write = (name: 'insertRows' | 'updateRows' | 'deleteRows', rows: unknown[]) =>
    expect((engine[name]({ body: { schemaName: 'lists', queryName: 'Generated', rows }, container: '/home', user: alice }) as { status: number }).status).toBe(200);
  const before = changedMidway(() => {
    write('deleteRows', [{ Key: 2 }, { Key: N - 1 }]);
    write('updateRows', [{ Key: N, Name: 'changed' }, { Key: 3, Name: 'changed too' }]);
    write('insertRows', [{ Name: 'new' }]);
  }, compact);
  const after = JSON.parse(jsonText(all(), compact));
  expect(after.rows).toHaveLength(N - 1);
  expect(after.rows.at(-1).Name).toBe('new');
  expect(after.rows.at(-2).Name).toBe('changed');
  expect(JSON.parse(before).rows.at(-1).Name).toBe(`Row ${N}`);
});

test('a reload of every list (engine.load) while the answer is written does not reach it', () => {
  const saved = engine.serialize();
  changedMidway(() => engine.load({ ...saved, lists: [] }), false);
  const gone = engine.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['Generated'] }, container: '/home', user: alice }) as { status: number };
  expect(gone.status).toBe(404);
});

test('a change to another list of the container, or before the answer is written, is no problem', () => {
  const body = all();
  engine.insertRows({ body: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Z' }] }, container: '/home', user: alice });
  expect(JSON.parse(jsonText(body, true)).rows).toHaveLength(N);
});

test('read in process, the rows are there as objects', () => {
  const rows = all({ 'query.columns': 'Key' }).rows as { Key: number }[];
  expect(rows).toHaveLength(N);
  expect(rows[N - 1]).toEqual({ Key: N });
});

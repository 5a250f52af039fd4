// What a user writes by habit (a filter as a string, @labkey/api's option names): parsed, or a
// typed error naming the right option; never sent as query.undefined~undefined= for every row.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { BadFilterValueError, Filter, isLabKeyError, type LabKeyClient, type SelectRowsOptions } from '@lk/sdk';
import { clientFor } from './helpers.js';

let server: MockServer;
let alice: LabKeyClient;
beforeAll(async () => {
  server = await startMockServer();
  alice = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
});
afterAll(async () => {
  await alice.close();
  await server.close();
});

async function refusal(p: Promise<unknown>) {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(isLabKeyError(e)).toBe(true);
  return e as { code: string; message: string; hint?: string };
}

test("filters: ['Age~gt=30'] is read as LabKey's URL form, as lk --filter is", async () => {
  const all = await alice.selectRows<{ Age: number }>({ schemaName: 'lists', queryName: 'People' });
  const r = await alice.selectRows<{ Age: number }>({ schemaName: 'lists', queryName: 'People', filters: ['Age~gt=70'] });
  expect(r.rows.length).toBeGreaterThan(0);
  expect(r.rows.length).toBeLessThan(all.rows.length);
  expect(r.rows.every((x) => x.Age > 70)).toBe(true);
});

test('a filter that is neither a Filter nor a string is a typed error, before any request', async () => {
  const before = server.requests.length;
  const e = await refusal(alice.selectRows({ schemaName: 'lists', queryName: 'People', filters: [{ Age: 30 }] as unknown as string[] }));
  expect(e.code).toBe('LK_INVALID_ARGUMENT');
  expect(e.message).toContain('Not a filter');
  expect(e.hint).toContain("Filter.gt('Age', 30)");
  const bad = await refusal(alice.selectRows({ schemaName: 'lists', queryName: 'People', filters: ['Age>30'] }));
  expect(bad.code).toBe('LK_INVALID_ARGUMENT');
  expect(server.requests.length).toBe(before);
});

test("@labkey/api's filterArray (and a misspelt option) is an error naming the right option", async () => {
  const labkeyApi = { schemaName: 'lists', queryName: 'People', filterArray: ['Age~gt=30'] } as unknown as SelectRowsOptions;
  const e = await refusal(alice.selectRows(labkeyApi));
  expect(e).toMatchObject({ code: 'LK_INVALID_ARGUMENT' });
  expect(e.message).toContain('selectRows has no option "filterArray"');
  expect(e.hint).toBe('@labkey/api calls it filterArray; here it is filters.');
  const typo = await refusal(alice.selectRows({ schemaName: 'lists', queryName: 'People', colums: 'Name' } as unknown as SelectRowsOptions));
  expect(typo.hint).toBe('Did you mean columns?');
  const cb = await refusal(alice.executeSql({ schemaName: 'lists', sql: 'SELECT 1', success: () => {} } as never));
  expect(cb.hint).toContain('returns a promise');
  const iter = alice.selectRowsIter({ schemaName: 'lists', queryName: 'People', containerPath: '/home' } as unknown as SelectRowsOptions);
  const it = await refusal(iter.next());
  expect(it.hint).toBe('@labkey/api calls it containerPath; here it is container.');
});

test('a filter value the column cannot hold (Age~gte=abc) is a BadFilterValueError naming the column and its type', async () => {
  const e = await refusal(alice.selectRows({ schemaName: 'lists', queryName: 'People', filters: [Filter.eq('Name', 'Ada'), 'Age~gte=abc'] }));
  expect(e).toBeInstanceOf(BadFilterValueError);
  expect(e).toMatchObject({ code: 'LK_INVALID_ARGUMENT', column: 'Age', op: 'gte', value: 'abc', type: 'int' });
  expect(e.hint).toBe('Give Age~gte a whole number, e.g. Age~gte=30.');
  expect((e as unknown as { cause: { code: string; status: number } }).cause).toMatchObject({ code: 'LK_HTTP', status: 400 });
});

// paginatePages' request schedule, driven step by step: each page request is a promise the test
// resolves, its `onBody` call standing for "the answer has arrived, parsing is next". The HTTP side
// is covered against the real mock in test/public/api.test.ts; here the order of requests is.
import { paginatePages, type PageFetch } from './query.js';
import type { QueryResult } from './types.js';

interface Asked {
  maxRows: number;
  offset: number;
  first: boolean;
  /** The answer arrives (onBody), then it is parsed (resolves) with `rows` rows. */
  arrive(rows: number): void;
  parse(): void;
}

function pager(total: number) {
  const asked: Asked[] = [];
  const fetch: PageFetch<number> = (maxRows, offset, first, onBody) =>
    new Promise<QueryResult<number>>((resolve) => {
      let n = 0;
      asked.push({
        maxRows,
        offset,
        first,
        arrive(rows) {
          n = rows;
          onBody?.();
        },
        parse() {
          resolve({ rows: Array.from({ length: n }, (_, i) => offset + i), rowCount: total, schemaName: 'lists', queryName: 'T', fields: [] });
        },
      });
    });
  return { asked, fetch };
}

const tick = () => new Promise((r) => setImmediate(r));

test('the next page is asked for when the awaited page has arrived, before it is parsed (not for the first page)', async () => {
  const { asked, fetch } = pager(25);
  const it = paginatePages(fetch, { pageSize: 10 });
  const p1 = it.next();
  await tick();
  expect(asked.map((a) => a.offset)).toEqual([0]);
  asked[0]!.arrive(10);
  expect(asked).toHaveLength(1); // the first page's row count is not known before it is parsed
  asked[0]!.parse();
  expect((await p1).value).toHaveLength(10);
  expect(asked.map((a) => [a.offset, a.maxRows])).toEqual([[0, 10], [10, 10]]);

  const p2 = it.next();
  await tick();
  asked[1]!.arrive(10);
  // Page 2 is in but not parsed: page 3 (a full page asked, 5 rows left) is already asked for.
  expect(asked.map((a) => [a.offset, a.maxRows])).toEqual([[0, 10], [10, 10], [20, 10]]);
  asked[1]!.parse();
  expect((await p2).value?.[0]).toBe(10);
  const p3 = it.next();
  await tick();
  asked[2]!.arrive(5);
  asked[2]!.parse();
  expect((await p3).value).toEqual([20, 21, 22, 23, 24]);
  expect((await it.next()).done).toBe(true);
  expect(asked).toHaveLength(3);
});

test('while the caller still reads a page, an arriving page asks for nothing more: one in flight, one read', async () => {
  const { asked, fetch } = pager(40);
  const it = paginatePages(fetch, { pageSize: 10 });
  const p1 = it.next();
  await tick();
  asked[0]!.arrive(10);
  asked[0]!.parse();
  await p1; // the caller holds page 1; page 2 is in flight
  asked[1]!.arrive(10);
  asked[1]!.parse();
  await tick();
  expect(asked).toHaveLength(2);
  const p2 = it.next(); // the caller is done with page 1
  expect((await p2).value?.[0]).toBe(10);
  expect(asked.map((a) => a.offset)).toEqual([0, 10, 20]);
});

test('an early page is dropped when the page before comes back short, and none follows', async () => {
  const { asked, fetch } = pager(30);
  const it = paginatePages(fetch, { pageSize: 10 });
  const p1 = it.next();
  await tick();
  asked[0]!.arrive(10);
  asked[0]!.parse();
  await p1;
  const p2 = it.next();
  await tick();
  asked[1]!.arrive(4); // the table shrank: a short page
  expect(asked.map((a) => a.offset)).toEqual([0, 10, 20]);
  asked[1]!.parse();
  expect((await p2).value).toHaveLength(4);
  expect((await it.next()).done).toBe(true);
  expect(asked).toHaveLength(3);
});

test('the early page keeps to maxRows', async () => {
  const { asked, fetch } = pager(1000);
  const it = paginatePages(fetch, { pageSize: 10, maxRows: 23 });
  const p1 = it.next();
  await tick();
  asked[0]!.arrive(10);
  asked[0]!.parse();
  await p1;
  const p2 = it.next();
  await tick();
  asked[1]!.arrive(10);
  expect(asked.map((a) => [a.offset, a.maxRows])).toEqual([[0, 10], [10, 10], [20, 3]]);
  asked[1]!.parse();
  await p2;
  const p3 = it.next();
  await tick();
  asked[2]!.arrive(3);
  asked[2]!.parse();
  expect((await p3).value).toEqual([20, 21, 22]);
  expect((await it.next()).done).toBe(true);
  expect(asked).toHaveLength(3);
});

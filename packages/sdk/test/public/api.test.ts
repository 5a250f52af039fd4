// The API surface against the mock: selectRows in every response format, filters, sort, columns,
// paging, iterators, executeSql (WAF-encoded), row mutations, containers and API key management.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { Filter, filter, isNotFoundError, isSecret, parseFilter, wafEncode, type LabKeyClient } from '@lk/sdk';
import { clientFor, logFor, rejection } from './helpers.js';

let server: MockServer;
let alice: LabKeyClient;
let admin: LabKeyClient;

beforeAll(async () => {
  server = await startMockServer({ generatedRows: 2500 });
  alice = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
  admin = clientFor(server, { apiKey: server.state.issueApiKey('admin@lk.test').key });
});
afterAll(async () => {
  await alice.close();
  await admin.close();
  await server.close();
});

interface Person {
  Key: number;
  Name: string;
  Age: number;
  Email: string | null;
}

describe('selectRows', () => {
  test('rows are the same plain objects in 8.3, 9.1, 13.2 and 17.1 formats', async () => {
    const base = { schemaName: 'lists', queryName: 'People', sort: 'Key' } as const;
    const classic = await alice.selectRows<Person>(base);
    expect(classic.rows.length).toBeGreaterThanOrEqual(5);
    expect(classic.rows[0]).toEqual({ Key: 1, Name: expect.any(String), Age: expect.any(Number), Email: expect.anything() });
    for (const apiVersion of [9.1, 13.2, 17.1]) {
      const r = await alice.selectRows<Person>({ ...base, apiVersion });
      expect(r.rows).toEqual(classic.rows);
      expect(r.schemaName).toBe('lists');
      expect(r.rowCount).toBe(classic.rowCount);
      expect(r.fields.map((f) => f.name)).toEqual(classic.fields.map((f) => f.name));
    }
  });

  test('filters, sort, columns, maxRows and offset', async () => {
    const r = await alice.selectRows<Pick<Person, 'Name' | 'Age'>>({
      schemaName: 'lists',
      queryName: 'People',
      columns: ['Name', 'Age'],
      filters: [Filter.gte('Age', 40), filter('Name', 'doesnotstartwith', 'Z')],
      sort: ['-Age'],
      maxRows: 2,
      offset: 1,
    });
    expect(r.rows).toHaveLength(2);
    for (const row of r.rows) {
      expect(Object.keys(row).sort()).toEqual(['Age', 'Name']);
      expect(row.Age).toBeGreaterThanOrEqual(40);
    }
    expect(r.rows[0]!.Age).toBeGreaterThanOrEqual(r.rows[1]!.Age);
    const all = await alice.selectRows<Person>({ schemaName: 'lists', queryName: 'People', filters: [Filter.gte('Age', 40)], sort: '-Age' });
    expect(r.rows.map((x) => x.Name)).toEqual(all.rows.slice(1, 3).map((x) => x.Name));
  });

  test('list operators and parseFilter', async () => {
    const people = await alice.selectRows<Person>({ schemaName: 'lists', queryName: 'People', sort: 'Key' });
    const names = people.rows.slice(0, 2).map((p) => p.Name);
    const r = await alice.selectRows<Person>({ schemaName: 'lists', queryName: 'People', filters: [Filter.in('Name', names)] });
    expect(r.rows.map((p) => p.Name).sort()).toEqual([...names].sort());
    expect(parseFilter('Age~gt=30')).toEqual({ column: 'Age', op: 'gt', value: '30' });
    expect(parseFilter('Name=Ada')).toEqual({ column: 'Name', op: 'eq', value: 'Ada' });
    expect(parseFilter('Email~isblank')).toEqual({ column: 'Email', op: 'isblank', value: undefined });
    expect(Filter.between('Age', [20, 30]).value).toBe('20,30');
    expect(() => parseFilter('Age~bogus=1')).toThrow(/Unknown filter operator/);
    expect(() => Filter.eq('Age', undefined)).toThrow(/needs a value/);
  });

  test('an unknown query → NotFoundError (query)', async () => {
    const e = await rejection(alice.selectRows({ schemaName: 'lists', queryName: 'NoSuchList' }));
    expect(isNotFoundError(e)).toBe(true);
    expect(e.what).toBe('query');
  });
});

describe('iterators page in bounded requests', () => {
  test('selectRowsIter yields every row once, one request per page', async () => {
    const before = logFor(server, 'selectRows').length;
    const keys: number[] = [];
    for await (const row of alice.selectRowsIter<{ Key: number }>({ schemaName: 'lists', queryName: 'Generated', columns: ['Key'], sort: 'Key', pageSize: 1000 })) {
      keys.push(row.Key);
    }
    expect(keys).toHaveLength(2500);
    expect(new Set(keys).size).toBe(2500);
    expect(keys[0]).toBe(1);
    expect(keys[2499]).toBe(2500);
    expect(logFor(server, 'selectRows').length - before).toBe(3);
  });

  test('onMetadata gets the first page\'s fields and row count once, before the first row (also with no rows)', async () => {
    const events: string[] = [];
    let meta: { fields: { name: string; type: string | undefined }[]; rowCount: number | undefined } | undefined;
    for await (const row of alice.selectRowsIter<{ Key: number }>({ schemaName: 'lists', queryName: 'Generated', sort: 'Key', pageSize: 1000, maxRows: 1500, onMetadata: (m) => { events.push('meta'); meta = m; } })) {
      if (row.Key === 1 || row.Key === 1001) events.push(`row ${row.Key}`);
    }
    expect(events).toEqual(['meta', 'row 1', 'row 1001']);
    expect(meta?.rowCount).toBe(2500);
    expect(meta?.fields.map((f) => [f.name, f.type])).toEqual([['Key', 'int'], ['Name', 'string'], ['Value', 'float'], ['Category', 'string'], ['Flag', 'boolean'], ['Created', 'date']]);
    let empty: unknown;
    for await (const _ of alice.executeSqlIter({ schemaName: 'lists', sql: 'SELECT Key, Name FROM Generated WHERE Key < 0', onMetadata: (m) => { empty = m; } })) throw new Error('no rows expected');
    expect(empty).toMatchObject({ fields: [expect.objectContaining({ name: 'Key', type: 'int' }), expect.objectContaining({ name: 'Name', type: 'string' })] });
  });

  test('selectRowsIter asks for the next page while the caller reads this one, never more than one ahead', async () => {
    const before = logFor(server, 'selectRows').length;
    const seen: number[] = []; // requests the server had received when each page's first row arrived
    const settle = async () => {
      // Long enough for a request in flight to reach the in-process server several times over.
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
    };
    let n = 0;
    for await (const row of alice.selectRowsIter<{ Key: number }>({ schemaName: 'lists', queryName: 'Generated', columns: ['Key'], sort: 'Key', pageSize: 1000 })) {
      if (n++ % 1000 === 0) {
        await settle(); // the caller is slow with this page
        seen.push(logFor(server, 'selectRows').length - before);
        expect(row.Key).toBe(n);
      }
    }
    expect(n).toBe(2500);
    // Page 1 arrived: page 2 was already asked for (2 requests), not page 3; page 3 (the last,
    // a short one) was asked for while page 2 was read; nothing after it.
    expect(seen).toEqual([2, 3, 3]);
    expect(logFor(server, 'selectRows').length - before).toBe(3);
  });

  test('selectRowsIter: a next page that fails while this one is read reaches the caller after its rows', async () => {
    const { key, rowId } = server.state.issueApiKey('alice@lk.test');
    const client = clientFor(server, { apiKey: key });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
    };
    const keys: number[] = [];
    try {
      const err = await (async () => {
        for await (const row of client.selectRowsIter<{ Key: number }>({ schemaName: 'lists', queryName: 'Generated', columns: ['Key'], sort: 'Key', pageSize: 1000 })) {
          keys.push(row.Key);
          if (row.Key === 1) {
            await settle(); // page 2 has been served
            server.state.revokeApiKey(rowId); // so page 3 is refused
          }
          if (row.Key === 1001) await settle(); // page 3's refusal arrives while page 2 is read
        }
      })().then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'LK_API_KEY_REJECTED' });
      expect(keys).toHaveLength(2000);
      expect(keys[1999]).toBe(2000);
    } finally {
      await client.close();
    }
  });

  test('selectRowsPages and executeSqlPages yield the same rows a page (one array) at a time', async () => {
    const sizes: number[] = [];
    let last = 0;
    for await (const page of alice.selectRowsPages<{ Key: number }>({ schemaName: 'lists', queryName: 'Generated', columns: ['Key'], sort: 'Key', pageSize: 1000 })) {
      sizes.push(page.length);
      for (const r of page) expect(r.Key).toBe(++last);
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    const sql: number[] = [];
    for await (const page of alice.executeSqlPages<{ Key: number }>({ schemaName: 'lists', sql: 'SELECT Key FROM Generated WHERE Key <= 1234 ORDER BY Key', pageSize: 500 })) sql.push(page.length);
    expect(sql).toEqual([500, 500, 234]);
  });

  test('selectRowsIter honours offset and maxRows across pages', async () => {
    const got: number[] = [];
    for await (const row of alice.selectRowsIter<{ Key: number }>({ schemaName: 'lists', queryName: 'Generated', sort: 'Key', offset: 10, maxRows: 25, pageSize: 10 })) {
      got.push(row.Key);
    }
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => 11 + i));
  });

  test('executeSqlIter pages a SQL result', async () => {
    let n = 0;
    for await (const row of alice.executeSqlIter<{ Key: number }>({ schemaName: 'lists', sql: 'SELECT Key FROM Generated WHERE Key <= 1234 ORDER BY Key', pageSize: 500 })) {
      n++;
      expect(row.Key).toBe(n);
    }
    expect(n).toBe(1234);
  });
});

describe('executeSql', () => {
  test('runs LabKey SQL, sent WAF-encoded', async () => {
    const r = await alice.executeSql<{ Name: string; Age: number }>({ schemaName: 'lists', sql: "SELECT Name, Age FROM People WHERE Name LIKE '%a%' AND Age > 1 ORDER BY Age" });
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.queryName).toBe('sql');
    const sql = "SELECT 'a+b /*x*/' AS t";
    const enc = wafEncode(sql);
    expect(enc.startsWith('/*{{base64/x-www-form-urlencoded/wafText}}*/')).toBe(true);
    const b64 = enc.slice('/*{{base64/x-www-form-urlencoded/wafText}}*/'.length);
    expect(b64).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(decodeURIComponent(Buffer.from(b64, 'base64').toString('utf8'))).toBe(sql);
    const t = await alice.executeSql<{ t: string }>({ schemaName: 'lists', sql });
    expect(t.rows).toEqual([{ t: 'a+b /*x*/' }]);
  });
});

describe('insertRows, updateRows, deleteRows', () => {
  test('round trip', async () => {
    const ins = await admin.insertRows<Partial<Person>>({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Test Person', Age: 7 }] });
    expect(ins.command).toBe('insert');
    expect(ins.rowsAffected).toBe(1);
    const key = ins.rows[0]!.Key!;
    expect(key).toEqual(expect.any(Number));
    const up = await admin.updateRows({ schemaName: 'lists', queryName: 'People', rows: [{ Key: key, Age: 8 }] });
    expect(up.rowsAffected).toBe(1);
    const after = await admin.selectRows<Person>({ schemaName: 'lists', queryName: 'People', filters: [Filter.eq('Key', key)] });
    expect(after.rows[0]!.Age).toBe(8);
    const del = await admin.deleteRows({ schemaName: 'lists', queryName: 'People', rows: [{ Key: key }] });
    expect(del.rowsAffected).toBe(1);
    const gone = await admin.selectRows<Person>({ schemaName: 'lists', queryName: 'People', filters: [Filter.eq('Key', key)] });
    expect(gone.rows).toEqual([]);
  });
});

describe('getContainers', () => {
  test('home with its subfolders', async () => {
    const home = await alice.getContainers({ includeSubfolders: true });
    expect(home.path).toBe('/home');
    expect(Array.isArray(home.children)).toBe(true);
  });

  test('a container path with a space and a plus is encoded per segment', async () => {
    const c = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key, container: '/home/Sub Folder' });
    const e = await c.getContainers().then(
      (r) => r,
      (err) => err,
    );
    const last = logFor(server, 'getContainers').at(-1)!;
    expect(last.path).toBe('/labkey/home/Sub%20Folder/project-getContainers.api');
    if (!(e instanceof Error)) expect(e.path).toBe('/home/Sub Folder');
    const plus = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key, container: '/home/a+b' });
    await rejection(plus.getContainers());
    expect(logFor(server, 'getContainers').at(-1)!.path).toBe('/labkey/home/a%2Bb/project-getContainers.api');
  });
});

describe('API keys', () => {
  test('create (info from core.UserAPIKeys), list, use, revoke', async () => {
    const created = await alice.createApiKey({ description: 'api test key' });
    expect(isSecret(created.apiKey)).toBe(true);
    expect(created.apiKey.reveal()).toMatch(/^[0-9a-f]{64}$/);
    expect(created.info).toEqual(
      expect.objectContaining({ fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/), rowId: expect.any(Number), expiresAt: null, description: 'api test key' }),
    );
    const list = await alice.listApiKeys();
    expect(list.find((k) => k.rowId === created.info.rowId)?.description).toBe('api test key');
    const withNew = clientFor(server, { apiKey: created.apiKey });
    expect((await withNew.whoAmI()).email).toBe('alice@lk.test');
    await alice.revokeApiKey(created.info.rowId!);
    expect((await alice.listApiKeys()).some((k) => k.rowId === created.info.rowId)).toBe(false);
    await rejection(withNew.whoAmI());
  });

  test('listAllApiKeys: admins see every key; others get NotFoundError', async () => {
    const all = await admin.listAllApiKeys();
    expect(new Set(all.map((k) => k.createdBy)).size).toBeGreaterThan(1);
    const e = await rejection(alice.listAllApiKeys());
    expect(isNotFoundError(e)).toBe(true);
  });
});

test('a selectRows whose URL would be too long goes as a form POST (read-only, no CSRF)', async () => {
  const names = Array.from({ length: 400 }, (_, i) => `Nobody Named ${i}`);
  const before = logFor(server, 'selectRows').length;
  const r = await alice.selectRows<Person>({ schemaName: 'lists', queryName: 'People', filters: [Filter.in('Name', [...names, 'Ada Lovelace'])] });
  expect(r.rows.map((p) => p.Name)).toEqual(['Ada Lovelace']);
  const sent = logFor(server, 'selectRows').slice(before);
  expect(sent.map((e) => [e.method, e.csrf])).toEqual([['POST', 'none']]);
});

test('createApiKey returns the new key even when the follow-up listing fails', async () => {
  // A proxy that passes createApiKey through and fails the core.UserAPIKeys listing.
  const { request: httpRequest } = await import('node:http');
  const { rawServer, sendJson } = await import('./helpers.js');
  const proxy = await rawServer((req, res, body) => {
    if ((req.url ?? '').includes('selectRows')) return sendJson(res, 503, { exception: 'down for a moment' });
    const up = httpRequest({ host: '127.0.0.1', port: server.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${server.port}` } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.end(body);
  });
  try {
    const c = clientFor(server, { baseUrl: proxy.origin + '/labkey', apiKey: server.state.issueApiKey('alice@lk.test').key });
    const created = await c.createApiKey({ description: 'listing fails' });
    expect(created.apiKey.reveal()).toMatch(/^[0-9a-f]{64}$/);
    expect(created.info.rowId).toBeUndefined();
    expect(created.info.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(server.state.listApiKeys('alice@lk.test').some((k) => k.Description === 'listing fails')).toBe(true);
    await c.close();
  } finally {
    await proxy.close();
  }
});

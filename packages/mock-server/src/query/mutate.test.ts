// insertRows, updateRows, deleteRows and saveRows on lists (protocol §4.4, §4.5), their error
// shapes (§2.7), and serialize/load of list rows.
import { createQueryEngine, type QueryEngine, type QueryUser } from './index.js';

const alice: QueryUser = { id: 1001, email: 'alice@lk.test', displayName: 'alice', isSiteAdmin: false, impersonated: false, guest: false };

let engine: QueryEngine;
beforeEach(() => {
  engine = createQueryEngine({ generatedRows: 20 });
});
afterEach(() => engine.close());

type R = { status: number; body: any };
const insert = (body: any, container = '/home') => engine.insertRows({ body, container, user: alice }) as R;
const update = (body: any, container = '/home') => engine.updateRows({ body, container, user: alice }) as R;
const del = (body: any, container = '/home') => engine.deleteRows({ body, container, user: alice }) as R;
const people = (extra: Record<string, string[]> = {}) =>
  (engine.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['People'], ...extra }, container: '/home', user: alice }) as R).body.rows;

describe('insertRows', () => {
  test('assigns the next key, matches column names case-insensitively, ignores unknown keys', () => {
    const r = insert({ schemaName: 'lists', queryName: 'People', rows: [{ name: 'Barbara Liskov', AGE: '84', email: 'bl@example.org', Shoe: 42 }, { Name: 'Nobody' }] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      schemaName: 'lists',
      queryName: 'People',
      command: 'insert',
      containerPath: '/home',
      rows: [
        { Key: 6, Name: 'Barbara Liskov', Age: 84, Email: 'bl@example.org' },
        { Key: 7, Name: 'Nobody', Age: null, Email: null },
      ],
      rowsAffected: 2,
    });
    expect(people()).toHaveLength(7);
  });

  test('keys are never reused after a delete', () => {
    insert({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Temp' }] });
    del({ schemaName: 'lists', queryName: 'People', rows: [{ Key: 6 }] });
    expect(insert({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Next' }] }).body.rows[0].Key).toBe(7);
  });

  test('an explicit key is kept; a duplicate key is a 500 and nothing of the batch is written', () => {
    expect(insert({ schemaName: 'lists', queryName: 'People', rows: [{ Key: 50, Name: 'Fifty' }] }).body.rows[0].Key).toBe(50);
    const r = insert({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Before' }, { Key: 1, Name: 'Dup' }] });
    expect(r.status).toBe(500);
    expect(r.body.exception).toMatch(/^ERROR: duplicate key value violates unique constraint/);
    expect(r.body.success).toBe(false);
    expect(people().map((p: any) => p.Name)).not.toContain('Before');
  });

  test('no rows: 400 "No \'rows\' array supplied."', () => {
    for (const body of [{ schemaName: 'lists', queryName: 'People' }, { schemaName: 'lists', queryName: 'People', rows: [] }, { schemaName: 'lists', queryName: 'People', rows: 'x' }]) {
      const r = insert(body);
      expect(r.status).toBe(400);
      expect(r.body.exception).toBe("No 'rows' array supplied.");
      expect(r.body.success).toBe(false);
      expect(r.body.errors).toEqual([expect.objectContaining({ message: "No 'rows' array supplied.", severity: 'ERROR' })]);
    }
  });

  test('unknown schema or query: 500 IllegalArgumentException', () => {
    const a = insert({ schemaName: 'nope', queryName: 'People', rows: [{}] });
    expect(a.status).toBe(500);
    expect(a.body).toMatchObject({ exception: "The schema 'nope' does not exist.", exceptionClass: 'java.lang.IllegalArgumentException', success: false });
    const b = insert({ schemaName: 'lists', queryName: 'Nope', rows: [{}] });
    expect(b.status).toBe(500);
    expect(b.body.exception).toBe("The query 'Nope' in the schema 'lists' does not exist.");
    expect(insert({ schemaName: 'lists', queryName: 'People', rows: [{}] }, '/Shared').status).toBe(500);
  });

  test('a value that does not convert: 400 BatchValidationException shape, nothing written', () => {
    const r = insert({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'ok', Age: 1 }, { Name: 'bad', Age: 'old' }] });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      exception: "Could not convert value 'old' (String) for Integer field 'Age'",
      errors: [
        {
          exception: "Could not convert value 'old' (String) for Integer field 'Age'",
          errors: [{ id: 'Age', field: 'Age', msg: expect.any(String), message: "Could not convert value 'old' (String) for Integer field 'Age'" }],
          schemaName: 'lists',
          queryName: 'People',
          row: { Name: 'bad', Age: 'old' },
          rowNumber: 2,
        },
      ],
      errorCount: 1,
      extraContext: {},
      success: false,
    });
    expect(people()).toHaveLength(5);
  });

  test('apiVersion >= 13.2: row errors come back with status 200 and an errors key', () => {
    const r = insert({ schemaName: 'lists', queryName: 'People', apiVersion: 13.2, rows: [{ Age: 'x' }] });
    expect(r.status).toBe(200);
    expect(r.body.errors.errorCount).toBe(1);
    expect(r.body.errors.errors[0].errors[0].field).toBe('Age');
    expect(r.body.rowsAffected).toBe(0);
  });

  test('dates and booleans convert from JSON (Generated list)', () => {
    const r = insert({ schemaName: 'lists', queryName: 'Generated', rows: [{ Name: 'n', Value: '1.5', Flag: 'true', Created: '2024-03-04T05:06:07' }, { Flag: false, Created: '2024/03/05' }] });
    expect(r.status).toBe(200);
    expect(r.body.rows[0]).toMatchObject({ Key: 21, Value: 1.5, Flag: true, Created: '2024-03-04 05:06:07.000' });
    expect(r.body.rows[1]).toMatchObject({ Key: 22, Flag: false, Created: '2024-03-05 00:00:00.000' });
    expect(insert({ schemaName: 'lists', queryName: 'Generated', rows: [{ Created: '2024-02-31' }] }).status).toBe(400);
    expect(insert({ schemaName: 'lists', queryName: 'Generated', rows: [{ Flag: 'maybe' }] }).status).toBe(400);
  });
});

describe('updateRows', () => {
  test('updates the given columns by key (case-insensitive), returns the re-selected rows', () => {
    const r = update({ schemaName: 'lists', queryName: 'people', rows: [{ key: 2, age: 42 }, { KEY: '3', Email: null }] });
    expect(r.status).toBe(200);
    expect(r.body.command).toBe('update');
    expect(r.body.rowsAffected).toBe(2);
    expect(r.body.rows).toEqual([
      { Key: 2, Name: 'Alan Turing', Age: 42, Email: 'alan@example.org' },
      { Key: 3, Name: 'Grace Hopper', Age: 85, Email: null },
    ]);
    expect(people({ 'query.Key~eq': ['2'] })[0].Age).toBe(42);
  });

  test('a row without its key: 400, nothing changed', () => {
    const r = update({ schemaName: 'lists', queryName: 'People', rows: [{ Key: 1, Age: 1 }, { Age: 2 }] });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ rowNumber: 2, errors: [expect.objectContaining({ field: 'Key' })] });
    expect(people()[0].Age).toBe(36);
  });

  test('a key that does not exist: 404 and the whole batch rolls back', () => {
    const r = update({ schemaName: 'lists', queryName: 'People', rows: [{ Key: 1, Age: 1 }, { Key: 999, Age: 2 }] });
    expect(r.status).toBe(404);
    expect(r.body.exception).toBe('The existing row was not found.');
    expect(people()[0].Age).toBe(36);
  });
});

describe('deleteRows', () => {
  test('deletes by key, answers with the rows it was given', () => {
    const r = del({ schemaName: 'lists', queryName: 'People', rows: [{ key: 1 }, { Key: 4, Name: 'ignored' }] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ schemaName: 'lists', queryName: 'People', command: 'delete', containerPath: '/home', rows: [{ key: 1 }, { Key: 4, Name: 'ignored' }], rowsAffected: 2 });
    expect(people().map((p: any) => p.Key)).toEqual([2, 3, 5]);
  });

  test('a row without its key is refused', () => {
    const r = del({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Ada Lovelace' }] });
    expect(r.status).toBe(400);
    expect(r.body.success).toBe(false);
    expect(people()).toHaveLength(5);
  });

  test('the total-count cache sees the change', () => {
    const count = () =>
      (engine.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['Generated'], 'query.maxRows': ['5'] }, container: '/home', user: alice }) as R).body.rowCount;
    expect(count()).toBe(20);
    del({ schemaName: 'lists', queryName: 'Generated', rows: [{ Key: 1 }, { Key: 2 }] });
    expect(count()).toBe(18);
  });
});

describe('saveRows', () => {
  test('runs several commands in one transaction', () => {
    const r = engine.saveRows({
      body: {
        commands: [
          { command: 'insert', schemaName: 'lists', queryName: 'People', rows: [{ Name: 'New' }] },
          { command: 'update', schemaName: 'lists', queryName: 'People', rows: [{ Key: 1, Age: 37 }] },
          { command: 'delete', schemaName: 'lists', queryName: 'People', rows: [{ Key: 2 }] },
        ],
      },
      container: '/home',
      user: alice,
    }) as R;
    expect(r.status).toBe(200);
    expect(r.body.committed).toBe(true);
    expect(r.body.errorCount).toBe(0);
    expect(r.body.result.map((x: any) => x.command)).toEqual(['insert', 'update', 'delete']);
    expect(people().map((p: any) => p.Name)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra', 'New']);
  });

  test('a failing command rolls back the earlier ones', () => {
    const r = engine.saveRows({
      body: {
        commands: [
          { command: 'insert', schemaName: 'lists', queryName: 'People', rows: [{ Name: 'New' }] },
          { command: 'update', schemaName: 'lists', queryName: 'People', rows: [{ Key: 999, Age: 1 }] },
        ],
      },
      container: '/home',
      user: alice,
    }) as R;
    expect(r.status).toBe(404);
    expect(people()).toHaveLength(5);
  });

  test('validateOnly never commits; empty commands is a 404', () => {
    const r = engine.saveRows({ body: { validateOnly: true, commands: [{ command: 'insert', schemaName: 'lists', queryName: 'People', rows: [{ Name: 'New' }] }] }, container: '/home', user: alice }) as R;
    expect(r.status).toBe(200);
    expect(r.body.committed).toBe(false);
    expect(people()).toHaveLength(5);
    const e = engine.saveRows({ body: { commands: [] }, container: '/home', user: alice }) as R;
    expect(e.status).toBe(404);
    expect(e.body.exception).toBe('Empty request');
  });
});

describe('serialize / load', () => {
  test('round trip keeps rows, keys, the next key and the generated list', () => {
    insert({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Kept', Age: 1 }] });
    del({ schemaName: 'lists', queryName: 'People', rows: [{ Key: 6 }] });
    update({ schemaName: 'lists', queryName: 'People', rows: [{ Key: 3, Name: 'Rear Admiral Hopper' }] });
    const data = JSON.parse(JSON.stringify(engine.serialize()));
    // The untouched generated list is stored as its recipe, not as 20 rows.
    const genEntry = data.lists.find((l: any) => l.name === 'Generated');
    expect(genEntry.generated.rows).toBe(20);
    expect(genEntry.rows).toBeUndefined();

    const other = createQueryEngine({ seed: 'empty' });
    try {
      expect((other.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['People'] }, container: '/home', user: alice }) as R).status).toBe(404);
      other.load(data);
      const got = other.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['People'] }, container: '/home', user: alice }) as R;
      expect(got.body.rows).toEqual(people());
      const gen = (e: QueryEngine) => (e.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['Generated'] }, container: '/home', user: alice }) as R).body.rows;
      expect(gen(other)).toEqual(gen(engine));
      const next = other.insertRows({ body: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'After' }] }, container: '/home', user: alice }) as R;
      expect(next.body.rows[0].Key).toBe(7);
    } finally {
      other.close();
    }
  });

  test('a modified generated list is stored as rows', () => {
    del({ schemaName: 'lists', queryName: 'Generated', rows: [{ Key: 1 }] });
    const data = engine.serialize() as any;
    const genEntry = data.lists.find((l: any) => l.name === 'Generated');
    expect(genEntry.rows).toHaveLength(19);
  });

  test('load refuses malformed data and keeps the current lists', () => {
    expect(() => engine.load({ nope: true })).toThrow(/lk-mock-lists/);
    expect(() => engine.load({ format: 'lk-mock-lists', version: 1, lists: [{ container: '/home', name: 'X', columns: [], nextKey: 1, rows: [] }] })).toThrow(/malformed/);
    expect(people()).toHaveLength(5);
  });
});

test('saveRows with apiVersion 13.2: row errors are counted and nothing is committed', () => {
  const r = engine.saveRows({
    body: {
      apiVersion: 13.2,
      commands: [
        { command: 'insert', schemaName: 'lists', queryName: 'People', rows: [{ Name: 'New' }] },
        { command: 'insert', schemaName: 'lists', queryName: 'People', rows: [{ Age: 'x' }] },
      ],
    },
    container: '/home',
    user: alice,
  }) as R;
  expect(r.status).toBe(200);
  expect(r.body.errorCount).toBe(1);
  expect(r.body.committed).toBe(false);
  expect(people()).toHaveLength(5);
});

describe('paging in key order (keyset resume) stays exact', () => {
  const page = (offset: number, extra: Record<string, string[]> = {}) =>
    (engine.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['Generated'], 'query.maxRows': ['3'], 'query.offset': [String(offset)], 'query.columns': ['Name'], ...extra }, container: '/home', user: alice }) as R).body.rows.map(
      (r: any) => r.Name,
    );
  const walk = (extra: Record<string, string[]> = {}) => {
    const out: string[] = [];
    for (let off = 0; ; off += 3) {
      const got = page(off, extra);
      out.push(...got);
      if (got.length < 3) return out;
    }
  };
  const all = (extra: Record<string, string[]> = {}) =>
    (engine.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['Generated'], 'query.maxRows': ['-1'], ...extra }, container: '/home', user: alice }) as R).body.rows.map((r: any) => r.Name);

  test('sequential pages equal one full read, with and without a filter', () => {
    expect(walk()).toEqual(all());
    expect(walk()).toEqual(all()); // second walk resumes from remembered keys
    const beta = { 'query.Category~eq': ['beta'] };
    expect(walk(beta)).toEqual(all(beta));
    expect(walk(beta)).toHaveLength(7);
  });

  test('a change between pages is seen exactly as OFFSET would see it', () => {
    expect(page(0)).toEqual(['Row 1', 'Row 2', 'Row 3']);
    expect(page(3)).toEqual(['Row 4', 'Row 5', 'Row 6']);
    del({ schemaName: 'lists', queryName: 'Generated', rows: [{ Key: 2 }] });
    expect(page(6)).toEqual(['Row 8', 'Row 9', 'Row 10']);
    expect(page(3)).toEqual(['Row 5', 'Row 6', 'Row 7']);
  });

  test('a jump to an offset never visited falls back to OFFSET', () => {
    expect(page(10)).toEqual(['Row 11', 'Row 12', 'Row 13']);
    expect(page(13)).toEqual(['Row 14', 'Row 15', 'Row 16']);
  });
});

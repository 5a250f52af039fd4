// The saved queries of executeSql saveInSession (QueryServiceImpl.saveSessionQuery): names, the
// place they are kept (container and schema key, any case), and the mock's memory budget.
import { findSessionQuery, SavedQueries } from './session-queries.js';
import type { SessionQueries } from './types.js';

describe('SavedQueries (QueryServiceImpl.saveSessionQuery)', () => {
  it('names <schemaName as sent>_temp_<n> from one counter for every session; the same SQL in the same place keeps its name', () => {
    const saved = new SavedQueries();
    const a: SessionQueries = new Map();
    const b: SessionQueries = new Map();
    expect(saved.save(a, '/home', 'lists', 'SELECT 1').name).toBe('lists_temp_1');
    expect(saved.save(b, '/home', 'Lists', 'SELECT 1').name).toBe('Lists_temp_2');
    expect(saved.save(a, '/home', 'LISTS', 'SELECT 1').name).toBe('lists_temp_1');
    expect(saved.save(a, '/Shared', 'lists', 'SELECT 1').name).toBe('lists_temp_3');
    expect(saved.save(a, '/home', 'lists', 'SELECT 2').name).toBe('lists_temp_4');
  });

  it('finds a name in any case, only in its own session, container and schema', () => {
    const saved = new SavedQueries();
    const a: SessionQueries = new Map();
    const { name } = saved.save(a, '/home', 'lists', 'SELECT 1');
    expect(findSessionQuery(a, '/HOME', 'Lists', name.toUpperCase())?.sql).toBe('SELECT 1');
    expect(findSessionQuery(new Map(), '/home', 'lists', name)).toBeUndefined();
    expect(findSessionQuery(undefined, '/home', 'lists', name)).toBeUndefined();
    expect(findSessionQuery(a, '/Shared', 'lists', name)).toBeUndefined();
    expect(findSessionQuery(a, '/home', 'core', name)).toBeUndefined();
  });

  it('past its budget forgets the oldest saved queries, across sessions, and always keeps the newest', () => {
    const saved = new SavedQueries(30);
    const a: SessionQueries = new Map();
    const b: SessionQueries = new Map();
    const first = saved.save(a, '/home', 'lists', 'SELECT 1 AS x'); // 13 characters
    const second = saved.save(b, '/home', 'lists', 'SELECT 2 AS x'); // 26
    expect(findSessionQuery(a, '/home', 'lists', first.name)).toBe(first);
    const third = saved.save(a, '/home', 'lists', 'SELECT 3 AS x'); // 39 > 30: the first goes
    expect(findSessionQuery(a, '/home', 'lists', first.name)).toBeUndefined();
    expect(findSessionQuery(b, '/home', 'lists', second.name)).toBe(second);
    expect(findSessionQuery(a, '/home', 'lists', third.name)).toBe(third);
    const huge = saved.save(b, '/home', 'lists', `SELECT '${'x'.repeat(100)}' AS x`);
    expect(findSessionQuery(b, '/home', 'lists', huge.name)).toBe(huge);
    expect(findSessionQuery(b, '/home', 'lists', second.name)).toBeUndefined();
    expect(findSessionQuery(a, '/home', 'lists', third.name)).toBeUndefined();
  });
});

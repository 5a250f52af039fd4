import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runSelect, selectCommand } from './select.js';

describe('lk query select', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps every flag; --filter repeats', async () => {
      const got = await parseOnly(selectCommand, deps, [
        'select', 'lists', 'People', '--container', '/home', '--columns', 'Name,Age', '--filter', 'Age~gt=30', '--filter', 'Name~neq=Bo',
        '--sort', '-Age', '--max-rows', '10', '--page-size', '5', '--format', 'csv', '--auth', 'basic', '--server', 'http://h',
      ]);
      expect(got).toEqual([
        'lists',
        'People',
        { container: '/home', columns: 'Name,Age', filter: ['Age~gt=30', 'Name~neq=Bo'], sort: '-Age', maxRows: 10, pageSize: 5, format: 'csv', auth: 'basic', server: 'http://h' },
      ]);
    });

    it('--columns and --sort given twice keep both lists (commander kept only the last)', async () => {
      const [, , opts] = await parseOnly(selectCommand, deps, ['select', 'lists', 'People', '--columns', 'Name', '--columns', 'Age,Email', '--sort', '-Age', '--sort', 'Name']);
      expect(opts).toMatchObject({ columns: 'Name,Age,Email', sort: '-Age,Name' });
    });

    it('defaults: no filters, no format (chosen by the terminal)', async () => {
      expect(await parseOnly(selectCommand, deps, ['select', 's', 'q'])).toEqual(['s', 'q', { filter: [] }]);
    });

    it('usage errors: missing query, bad --max-rows, bad --format', async () => {
      await expect(parseOnly(selectCommand, deps, ['select', 'lists'])).rejects.toMatchObject({ code: 'commander.missingArgument' });
      await expect(parseOnly(selectCommand, deps, ['select', 'a', 'b', '--max-rows', 'ten'])).rejects.toMatchObject({ code: 'LK_USAGE' });
      // Every usage error says what to type instead.
      await expect(parseOnly(selectCommand, deps, ['select', 'a', 'b', '--max-rows', '-1'])).rejects.toMatchObject({ hint: 'Give a whole number of at least 0, e.g. --max-rows 100.' });
      await expect(parseOnly(selectCommand, deps, ['select', 'a', 'b', '--page-size', 'x'])).rejects.toMatchObject({ hint: 'Give a whole number of at least 1, e.g. --page-size 100.' });
      await expect(parseOnly(selectCommand, deps, ['select', 'a', 'b', '--format', 'xml'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer({ bearer: true, generatedRows: 250 });
    let deps: TestDeps;

    const withKey = async (o: { stdoutIsTTY?: boolean; stderrIsTTY?: boolean } = {}) => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key }, ...o });
    };

    it('filters, sorts and picks columns, as csv', async () => {
      await withKey();
      const n = await runSelect('lists', 'People', { server: server.url, filter: ['Age~gt=50'], sort: '-Age', columns: 'Name,Age', format: 'csv' }, deps);
      expect(deps.io.stdout()).toBe('Name,Age\nKatherine Johnson,101\nGrace Hopper,85\nEdsger Dijkstra,72\n');
      expect(n).toBe(3);
      expect(deps.io.stderr()).toBe('');
    });

    it('streams many pages (one request a page) with each credential form', async () => {
      for (const auth of ['apikey', 'basic', 'bearer'] as const) {
        await withKey();
        const before = server.requests.length;
        await runSelect('lists', 'Generated', { server: server.url, filter: [], columns: 'Key', pageSize: 100, format: 'ndjson', auth }, deps);
        const lines = deps.io.stdout().trimEnd().split('\n');
        expect(lines).toHaveLength(250);
        expect(lines[249]).toBe('{"Key":250}');
        const mine = server.requests.slice(before).filter((r) => r.action?.toLowerCase() === 'selectrows');
        expect(mine).toHaveLength(3);
        expect(new Set(mine.map((r) => r.authForm))).toEqual(new Set([{ apikey: 'apikey-header', basic: 'basic-apikey', bearer: 'bearer' }[auth]]));
        deps.cleanup();
      }
      deps = await createTestDeps();
    });

    it('--max-rows stops early', async () => {
      await withKey();
      await runSelect('lists', 'Generated', { server: server.url, filter: [], columns: 'Key', maxRows: 3, format: 'tsv' }, deps);
      expect(deps.io.stdout()).toBe('Key\n1\n2\n3\n');
    });

    it('table on a terminal; a progress line on stderr when stderr is a terminal, erased at the end', async () => {
      await withKey({ stdoutIsTTY: true, stderrIsTTY: true });
      await runSelect('lists', 'People', { server: server.url, filter: ['Key~lte=2'], columns: 'Key,Name' }, deps);
      expect(deps.io.stdout()).toBe('Key  Name\n1    Ada Lovelace\n2    Alan Turing\n');
      expect(deps.io.stderr()).toMatch(/^\r\u001b\[KFetched 1 row…\r\u001b\[K$/);
    });

    it('on a terminal, the progress line is erased before rows are printed (never mixed into them)', async () => {
      await withKey({ stdoutIsTTY: true, stderrIsTTY: true });
      let t = 0;
      deps.now = () => new Date((t += 1000)); // every tick is due: the line shows after each row
      const { out, err } = deps.io;
      let visible = false;
      let mixed = 0;
      deps.io.out = (s: string) => {
        if (visible) mixed++;
        return out.call(deps.io, s);
      };
      deps.io.err = (s: string) => {
        if (s.includes('Fetched')) visible = true;
        else if (s === '\r\u001b[K') visible = false;
        err.call(deps.io, s);
      };
      await runSelect('lists', 'People', { server: server.url, filter: ['Key~lte=3'], columns: 'Key,Name', pageSize: 1 }, deps);
      expect(deps.io.stdout()).toBe('Key  Name\n1    Ada Lovelace\n2    Alan Turing\n3    Grace Hopper\n');
      expect(deps.io.stderr()).toContain('Fetched 2 rows…');
      expect(mixed).toBe(0);
    });

    it('a bad --filter is a usage error before any request', async () => {
      await withKey();
      const before = server.requests.length;
      await expect(runSelect('lists', 'People', { server: server.url, filter: ['Age>30'] }, deps)).rejects.toMatchObject({ code: 'LK_USAGE' });
      expect(server.requests.length).toBe(before);
    });

    it('an unknown query is the server’s 404, as a typed error', async () => {
      await withKey();
      await expect(runSelect('lists', 'Nope', { server: server.url, filter: [] }, deps)).rejects.toMatchObject({ code: 'LK_NOT_FOUND' });
    });
  });
});

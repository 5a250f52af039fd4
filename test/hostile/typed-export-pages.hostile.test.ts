/**
 * `lk query select ... --output FILE` (parquet, arrow, csv) against a server whose pages do not
 * add up: a column named twice, columns that change from one page to the next, a row count the
 * pages do not reach, a page with more rows than asked for. Each is a typed error with one plain message (no stack, no
 * key), exit 1, and neither FILE nor a temp file beside it; never a file whose values are wrong.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, ROOT, runLk, trackSecret, type LkRun } from '../helpers/run-lk.js';
import { field, page, startPagesServer, type PagesServer } from './helpers/pages-server.js';

expectNoLeaks();
jest.setTimeout(60_000);

const KEY = trackSecret('lk_test_0000000000000000000000000000000000000000000000000000000000000521');
const READER = join(ROOT, 'test', 'helpers', 'read-typed-file.mjs');

let server: PagesServer;
beforeAll(async () => {
  server = await startPagesServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const home = useTempHome();

async function exportTo(format: string, extra: string[] = []): Promise<{ run: LkRun; files: string[]; out: string }> {
  // A folder of its own: FILE and any temp file beside it are all it holds.
  const dir = mkdtempSync(join(home.dir, 'export-'));
  const out = join(dir, `out.${format}`);
  const run = await runLk(['query', 'select', 'lists', 'T', '--format', format, '--output', out, ...extra], {
    home,
    env: { LABKEY_API_KEY: KEY, LABKEY_SERVER: server.url, LK_KEYCHAIN: 'off' },
  });
  return { run, files: readdirSync(dir), out };
}

/** The run failed as a typed error: exit 1, one `lk:` line matching `message` (and a hint), no stack, no FILE, no temp file. */
function expectFailed(r: { run: LkRun; files: string[] }, message: RegExp): void {
  expect(r.run.code).toBe(1);
  expect(r.run.stderr).toMatch(message);
  expect(r.run.stderr).not.toMatch(/\n\s+at /);
  expect(r.run.stderr.split('\n').filter((l) => l.startsWith('lk:'))).toHaveLength(1);
  expect(r.files).toEqual([]);
}

const read = (format: string, file: string, ...rows: number[]) =>
  JSON.parse(execFileSync(process.execPath, [READER, format, file, ...rows.map(String)], { encoding: 'utf8' })) as { numRows: number; rows: Record<string, unknown>[] };

const FIELDS = [field('id', 'int'), field('name', 'string')];
const rowsAt = (offset: number, n: number) => Array.from({ length: n }, (_, k) => ({ id: offset + k, name: `n${offset + k}` }));

describe('pages that do not add up', () => {
  it('a well-behaved server, paged: the file holds every row (the baseline the cases below break)', async () => {
    server.answer = ({ offset, maxRows }) => page(FIELDS, rowsAt(offset, Math.min(maxRows, 5 - offset)), 5);
    for (const format of ['parquet', 'arrow', 'csv']) {
      const r = await exportTo(format, ['--page-size', '2']);
      expect(r.run.code).toBe(0);
      expect(r.files).toEqual([`out.${format}`]);
      if (format !== 'csv') expect(read(format, r.out, 4)).toMatchObject({ numRows: 5, rows: [{ id: '4n', name: 'n4' }] });
    }
  });

  for (const [change, later] of [
    ['renamed', [field('id', 'int'), field('label', 'string')]],
    ['retyped', [field('id', 'string'), field('name', 'string')]],
    ['added', [...FIELDS, field('extra', 'float')]],
    ['removed', [field('id', 'int')]],
  ] as const) {
    it(`a column ${change} on page 2 is an error, not a column of nulls from there on`, async () => {
      server.answer = ({ offset, maxRows }) => {
        const rows = rowsAt(offset, Math.min(maxRows, 4 - offset));
        return offset === 0 ? page(FIELDS, rows, 4) : page(later, change === 'renamed' ? rows.map((r) => ({ id: r.id, label: r.name })) : rows, 4);
      };
      for (const format of ['parquet', 'arrow', 'csv']) {
        expectFailed(await exportTo(format, ['--page-size', '2']), /lk: The server's columns changed during the export \(at row 3\)/);
      }
    });
  }

  it('a column named twice in the metadata is an error, not a second column of nulls', async () => {
    server.answer = () => page([field('x', 'int'), field('x', 'int'), field('y', 'string')], [{ x: 1, y: 'a' }]);
    for (const format of ['parquet', 'arrow']) {
      expectFailed(await exportTo(format), /lk: The server's metadata names the column "x" twice, so lk cannot lay out a typed file by it\.\nhint: /);
    }
  });

  it('a later page without metadata is read by the first page\'s columns', async () => {
    server.answer = ({ offset, maxRows }) => page(offset === 0 ? FIELDS : undefined, rowsAt(offset, Math.min(maxRows, 4 - offset)), 4);
    const r = await exportTo('parquet', ['--page-size', '2']);
    expect(r.run.code).toBe(0);
    expect(read('parquet', r.out, 3)).toMatchObject({ numRows: 4, rows: [{ id: '3n', name: 'n3' }] });
  });

  for (const [what, answer] of [
    ['pages that stop short of the rowCount', ({ offset, maxRows }: { offset: number; maxRows: number }) => page(FIELDS, rowsAt(offset, Math.min(maxRows, 3 - offset)), 10)],
    ['an empty page in the middle', ({ offset, maxRows }: { offset: number; maxRows: number }) => page(FIELDS, offset === 4 ? [] : rowsAt(offset, Math.min(maxRows, 6 - offset)), 6)],
    ['a page with more rows than asked for', ({ offset, maxRows }: { offset: number; maxRows: number }) => page(FIELDS, rowsAt(offset, maxRows + 1), 10)],
  ] as const) {
    it(`${what}: an error naming both counts, not a file with fewer rows`, async () => {
      server.answer = answer;
      for (const format of ['parquet', 'arrow', 'csv']) {
        expectFailed(await exportTo(format, ['--page-size', '2']), /lk: The server said the result has \d+ rows but sent \d+/);
      }
    });
  }

  it('more rows than --max-rows asked for: an error, not more rows than asked', async () => {
    server.answer = ({ offset }) => page(FIELDS, rowsAt(offset, 3), 10);
    expectFailed(await exportTo('parquet', ['--max-rows', '2']), /lk: The server sent 3 rows where --max-rows asked for 2, so the output would not be the result\. Nothing was written to /);
  });

  it('--max-rows below the rowCount is no mismatch', async () => {
    server.answer = ({ offset, maxRows }) => page(FIELDS, rowsAt(offset, maxRows), 10);
    const r = await exportTo('arrow', ['--max-rows', '3', '--page-size', '2']);
    expect(r.run.code).toBe(0);
    expect(read('arrow', r.out, 2)).toMatchObject({ numRows: 3, rows: [{ id: '2n' }] });
  });
});

describe('cells the column cannot hold, end to end', () => {
  const body = (type: string, cell: string) => `{"rowCount":2,"metaData":{"fields":[{"name":"v","fieldKey":"v","jsonType":"${type}"}]},"rows":[{"v":null},{"v":${cell}}]}`;
  for (const [type, cell, shown] of [
    ['string', '"a\\ud800b"', '"a\\ud800b" is not Unicode text'],
    ['float', '1e400', "a number beyond a double's range (Infinity) is not a float"],
    ['date', '"2020-13-01 00:00:00.000"', '"2020-13-01 00:00:00.000" is not a timestamp'],
  ] as const) {
    it(`${type} ${cell}: LK_EXPORT_TYPE naming row 2, no file`, async () => {
      server.answer = () => body(type, cell);
      for (const format of ['parquet', 'arrow']) expectFailed(await exportTo(format), new RegExp(`lk: Row 2, column v: ${shown.replace(/[\\()]/g, '\\$&')}`));
    });
  }

  it('a page that is not UTF-8 (Latin-1 é) is an error, not text with U+FFFD in it', async () => {
    server.answer = () => (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat([Buffer.from(body('string', '"caf').slice(0, -3)), Buffer.from([0xe9]), Buffer.from('"}]}')]));
    };
    for (const format of ['parquet', 'arrow', 'csv']) {
      expectFailed(await exportTo(format), /lk: The server's answer for rows 1 to 2 is not UTF-8 text \(as JSON must be\)/);
    }
  });
});

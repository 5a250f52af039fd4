import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import type { TestIOOptions } from '../../io.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runSelect, selectCommand } from './select.js';
import { runSql } from './sql.js';

/** What a second implementation (parquet-wasm, flechette) reads from the file: see test/helpers/read-typed-file.mjs. */
interface ReadBack {
  numRows: number;
  columns: { name: string; type: string; bitWidth?: number; precision?: number; unit?: string; timezone?: string | null }[];
  rows: Record<string, unknown>[];
}
const READER = join(__dirname, '..', '..', '..', '..', '..', 'test', 'helpers', 'read-typed-file.mjs');
function readBack(format: 'parquet' | 'arrow', file: string, ...rows: number[]): ReadBack {
  return JSON.parse(execFileSync(process.execPath, [READER, format, file, ...rows.map(String)], { encoding: 'utf8' })) as ReadBack;
}

const GENERATED_TYPES = [
  { name: 'Key', type: 'int', bitWidth: 64 },
  { name: 'Name', type: 'utf8' },
  { name: 'Value', type: 'float', precision: 2 },
  { name: 'Category', type: 'utf8' },
  { name: 'Flag', type: 'bool' },
  { name: 'Created', type: 'timestamp', unit: 'ms', timezone: null },
];

/** LabKey's `yyyy-MM-dd HH:mm:ss.SSS` wall-clock time as the ms a zone-less timestamp holds. */
const wallClockMs = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);

describe('lk query --format parquet|arrow, --output', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();
    it('maps --format parquet and --output', async () => {
      const [, , opts] = await parseOnly(selectCommand, deps, ['select', 'lists', 'People', '--format', 'parquet', '--output', 'p.parquet']);
      expect(opts).toMatchObject({ format: 'parquet', output: 'p.parquet' });
      await expect(parseOnly(selectCommand, deps, ['select', 'lists', 'People', '--format', 'xlsx'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    });
  });

  describe('more rows than one batch (16,384 rows a row group or record batch)', () => {
    const server = useMockServer({ generatedRows: 40_000 });
    const deps = useTestDeps();
    for (const format of ['parquet', 'arrow'] as const) {
      it(`${format}: each batch holds its own rows (the batch arrays are reused from batch to batch)`, async () => {
        const { key } = server.state.issueApiKey('alice@lk.test');
        const d = await createTestDeps({ env: { LABKEY_API_KEY: key } });
        const out = join(deps.home, `big.${format}`);
        expect(await runSelect('lists', 'Generated', { server: server.url, filter: [], format, output: out }, d)).toBe(40_000);
        const at = [0, 16_383, 16_384, 20_000, 32_767, 32_768, 39_999];
        const back = readBack(format, out, ...at);
        expect(back.numRows).toBe(40_000);
        const j = await createTestDeps({ env: { LABKEY_API_KEY: key } });
        await runSelect('lists', 'Generated', { server: server.url, filter: [`Key~in=${at.map((i) => i + 1).join(';')}`], sort: 'Key', format: 'json' }, j);
        const json = JSON.parse(j.io.stdout()) as Record<string, unknown>[];
        expect(back.rows).toEqual(json.map((r) => ({ Key: `${String(r.Key)}n`, Name: r.Name, Value: r.Value, Category: r.Category, Flag: r.Flag, Created: wallClockMs(r.Created as string) })));
        await d.cleanup();
        await j.cleanup();
      });
    }
  });

  describe('against the mock server', () => {
    const server = useMockServer();
    let deps: TestDeps;
    const withKey = async (io: TestIOOptions = {}) => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key }, ...io });
    };
    const tsvRows = async (...args: Parameters<typeof runSelect>) => {
      const d = await createTestDeps({ env: deps.env });
      await runSelect(args[0], args[1], { ...args[2], format: 'json' }, d);
      return JSON.parse(d.io.stdout()) as Record<string, unknown>[];
    };

    for (const format of ['parquet', 'arrow'] as const) {
      it(`${format}: every row, with the server's column types, read back by another implementation`, async () => {
        await withKey();
        const out = join(deps.home, `g.${format}`);
        const n = await runSelect('lists', 'Generated', { server: server.url, filter: [], format, output: out, pageSize: 300 }, deps);
        expect(n).toBe(1000);
        const back = readBack(format, out, 0, 1, 999);
        expect(back.numRows).toBe(1000);
        expect(back.columns).toEqual(GENERATED_TYPES.map((c) => expect.objectContaining(c)));
        const json = await tsvRows('lists', 'Generated', { server: server.url, filter: ['Key~in=1;2;1000'], sort: 'Key' });
        expect(back.rows).toEqual(
          json.map((r) => ({ Key: `${String(r.Key)}n`, Name: r.Name, Value: r.Value, Category: r.Category, Flag: r.Flag, Created: wallClockMs(r.Created as string) })),
        );
        expect(deps.io.stderr()).toBe(`✓ Wrote 1000 rows to ${out} (${format})\n`);
        expect(deps.io.stdout()).toBe('');
      });
    }

    it('nulls stay null; the extension picks the format; lk query sql too', async () => {
      await withKey();
      const out = join(deps.home, 'people.arrow');
      await runSql('SELECT Key, Name, Age, Email FROM People ORDER BY Key', { server: server.url, schema: 'lists', output: out }, deps);
      const back = readBack('arrow', out, 3);
      expect(back.columns.map((c) => [c.name, c.type])).toEqual([
        ['Key', 'int'],
        ['Name', 'utf8'],
        ['Age', 'int'],
        ['Email', 'utf8'],
      ]);
      expect(back.rows).toEqual([{ Key: '4n', Name: 'Katherine Johnson', Age: '101n', Email: null }]);
      // The same through parquet (read back by hyparquet, not the writer's library).
      const pq = join(deps.home, 'people.parquet');
      await runSql('SELECT Key, Name, Age, Email FROM People ORDER BY Key', { server: server.url, schema: 'lists', output: pq }, deps);
      expect(readBack('parquet', pq, 3).rows).toEqual([{ Key: '4n', Name: 'Katherine Johnson', Age: '101n', Email: null }]);
    });

    it('no rows: a valid file with the columns and no rows', async () => {
      await withKey();
      const out = join(deps.home, 'none.parquet');
      expect(await runSelect('lists', 'People', { server: server.url, filter: ['Key~lt=0'], output: out }, deps)).toBe(0);
      const back = readBack('parquet', out);
      expect(back.numRows).toBe(0);
      expect(back.columns.map((c) => c.name)).toEqual(['Key', 'Name', 'Age', 'Email']);
    });

    it('--output with a text format writes the file and nothing to stdout', async () => {
      await withKey();
      const out = join(deps.home, 'p.csv');
      await runSelect('lists', 'People', { server: server.url, filter: ['Key~lte=2'], columns: 'Key,Name', output: out }, deps);
      expect(readFileSync(out, 'utf8')).toBe('Key,Name\n1,Ada Lovelace\n2,Alan Turing\n');
      expect(deps.io.stdout()).toBe('');
    });

    it('a failed export leaves the existing file as it was and no temp file', async () => {
      await withKey();
      const out = join(deps.home, 'keep.parquet');
      writeFileSync(out, 'the previous export');
      const { key, rowId } = server.state.issueApiKey('alice@lk.test');
      const d = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      let rows = 0;
      const failing = runSelect('lists', 'Generated', { server: server.url, filter: [], output: out, pageSize: 100 }, d);
      // The key is revoked after the first pages: a later page is refused mid-export.
      const t = setInterval(() => {
        rows = server.requests.filter((r) => r.action?.toLowerCase() === 'selectrows').length;
        if (rows >= 2) server.state.revokeApiKey(rowId);
      }, 1);
      await expect(failing).rejects.toMatchObject({ code: 'LK_API_KEY_REJECTED' });
      clearInterval(t);
      expect(readFileSync(out, 'utf8')).toBe('the previous export');
      expect(readdirSync(d.home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('parquet or arrow without --output is a usage error; an --output in a missing folder is a clear error', async () => {
      await withKey();
      await expect(runSelect('lists', 'People', { server: server.url, filter: [], format: 'arrow' }, deps)).rejects.toMatchObject({
        code: 'LK_USAGE',
        message: '--format arrow writes a binary file: give it --output FILE.',
      });
      const missing = join(deps.home, 'no', 'such', 'x.parquet');
      await expect(runSelect('lists', 'People', { server: server.url, filter: [], output: missing }, deps)).rejects.toMatchObject({ code: 'LK_OUTPUT' });
      expect(existsSync(missing)).toBe(false);
    });

    it('a progress bar on stderr when it is a terminal, with the server\'s row count, erased at the end', async () => {
      await withKey({ stderrIsTTY: true });
      let t = 0;
      deps.now = () => new Date((t += 1000)); // every tick is due
      const out = join(deps.home, 'g.arrow');
      await runSelect('lists', 'Generated', { server: server.url, filter: [], output: out, maxRows: 500, pageSize: 250 }, deps);
      const err = deps.io.stderr();
      expect(err).toContain('\r\u001b[K[##########----------] 50% 250/500 rows');
      expect(err).toContain('[####################] 100% 500/500 rows');
      expect(err.endsWith(`\r\u001b[K✓ Wrote 500 rows to ${out} (arrow)\n`)).toBe(true);
    });
  });
});

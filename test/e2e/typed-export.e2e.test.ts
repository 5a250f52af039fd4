/**
 * lk query --format parquet|arrow end to end, at size: 1,000,000 rows of lists.Generated through
 * the bundled bin (run as users run it, so its #! line's heap flags apply), read back by another
 * implementation than the one that wrote each file (test/helpers/read-typed-file.mjs: hyparquet
 * for parquet, flechette for Arrow), with the bin's peak RSS from GNU time under a bound: 100 MB
 * for arrow (the bound the csv and ndjson exports are held to in bench/export; it peaks at 80-82
 * MB), 110 MB for parquet (95-99.5 MB measured: parquet-wasm's module and its memory are ~17 MB
 * more, too close to 100 for a bound that must not fail on an unlucky run).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { baseEnv, expectNoLeaks, LK_BIN, recordRun, ROOT, runLk, trackSecret, type LkRun } from '../helpers/run-lk.js';

expectNoLeaks();
// Two exports of a million rows and their read-back: ~40 s on an idle two-core machine.
jest.setTimeout(240_000);

const ROWS = 1_000_000;
const READER = join(ROOT, 'test', 'helpers', 'read-typed-file.mjs');
const TIME = '/usr/bin/time';

/** Runs the bin under GNU time; returns the run and its peak RSS in kB (`%M`, from the kernel's maxrss). */
function runMeasured(args: string[], env: Record<string, string>, cwd: string): Promise<{ run: LkRun; peakKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', 'LK_PEAK_RSS_KB=%M', LK_BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const m = /LK_PEAK_RSS_KB=(\d+)\n?$/.exec(stderr);
      const run: LkRun = { args, code, signal, stdout, stderr: m ? stderr.slice(0, m.index) : stderr };
      recordRun(run);
      resolve({ run, peakKb: m ? Number(m[1]) : Number.NaN });
    });
  });
}

describe('typed exports of 1,000,000 rows, end to end', () => {
  const mock = withMockServer({ generatedRows: ROWS });
  const home = useTempHome();

  it('GNU time is there to measure the peak RSS', () => {
    expect(existsSync(TIME)).toBe(true);
  });

  it('each format loads its own library file, and only when used', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const dir = mkdtempSync(join(tmpdir(), 'lk-imports-'));
    const loaded = (format: string) =>
      new Promise<string[]>((resolve, reject) => {
        const log = join(dir, `${format}.log`);
        const args = ['query', 'select', 'lists', 'Generated', '--server', mock.url, '--max-rows', '10', '--format', format, '--output', join(home.dir, `small.${format}`)];
        const child = spawn(process.execPath, ['--import', join(ROOT, 'test/helpers/record-imports.mjs'), LK_BIN, ...args], {
          env: baseEnv(home, { LK_IMPORT_LOG: log, LABKEY_API_KEY: key, LK_KEYCHAIN: 'off' }),
          stdio: 'ignore',
        });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve([...new Set(readFileSync(log, 'utf8').split('\n').filter((l) => /\/dist\/[a-z]+\.cjs$/.test(l)).map((l) => l.slice(l.lastIndexOf('/') + 1)))].sort()) : reject(new Error(`lk exited ${code}`))));
      });
    expect(await loaded('parquet')).toEqual(['arrow.cjs', 'hyparquet.cjs', 'lk.cjs', 'parquet.cjs', 'undici.cjs']);
    expect(await loaded('arrow')).toEqual(['arrow.cjs', 'lk.cjs', 'undici.cjs']);
    expect(await loaded('csv')).toEqual(['lk.cjs', 'undici.cjs']);
  });

  for (const [signal, ends] of [
    ['SIGINT', { code: 130, signal: null }],
    ['SIGTERM', { code: null, signal: 'SIGTERM' }],
  ] as const) {
    it(`${signal} during an --output export leaves no temp file and no partial FILE, and says so`, async () => {
      const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
      const out = join(home.dir, 'stopped.parquet');
      const child = spawn(LK_BIN, ['query', 'select', 'lists', 'Generated', '--server', mock.url, '--page-size', '2000', '--output', out], {
        env: baseEnv(home, { LABKEY_API_KEY: key, LK_KEYCHAIN: 'off' }),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const temps = () => readdirSync(home.dir).filter((f) => f.endsWith('.tmp'));
      const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
      for (let i = 0; i < 400 && temps().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(temps()).toHaveLength(1); // the export is under way, into its temp file
      child.kill(signal);
      expect(await closed).toEqual(ends);
      expect(temps()).toEqual([]);
      expect(existsSync(out)).toBe(false);
      const said = `lk: stopped before the export was complete: ${out} was not written.\n`;
      expect(stderr.slice(-said.length)).toBe(said);
    });
  }

  for (const format of ['parquet', 'arrow'] as const) {
    const boundMb = format === 'parquet' ? 110 : 100;
    it(`${format}: right row count, column names and types read back by another implementation; peak RSS under ${boundMb} MB`, async () => {
      const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
      expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
      const out = join(home.dir, `generated.${format}`);
      const { run, peakKb } = await runMeasured(['query', 'select', 'lists', 'Generated', '--format', format, '--output', out], baseEnv(home, { LK_KEYCHAIN: 'off' }), home.dir);
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: `✓ Wrote ${ROWS} rows to ${out} (${format})\n` });
      expect(statSync(out).size).toBeGreaterThan(1_000_000);
      expect(readdirSync(home.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const back = JSON.parse(execFileSync(process.execPath, [READER, format, out, '0', String(ROWS - 1)], { encoding: 'utf8', maxBuffer: 1 << 20 })) as {
        numRows: number;
        columns: { name: string; type: string }[];
        rows: { Key: string; Name: string }[];
      };
      expect(back.numRows).toBe(ROWS);
      expect(back.columns.map((c) => [c.name, c.type])).toEqual([
        ['Key', 'int'],
        ['Name', 'utf8'],
        ['Value', 'float'],
        ['Category', 'utf8'],
        ['Flag', 'bool'],
        ['Created', 'timestamp'],
      ]);
      expect(back.rows.map((r) => [r.Key, r.Name])).toEqual([
        ['1n', 'Row 1'],
        [`${ROWS}n`, `Row ${ROWS}`],
      ]);
      expect(peakKb).toBeLessThan(boundMb * 1024);
      // The figure, for the report (the test fails above if it is over the bound).
      process.stdout.write(`typed export ${format}: ${ROWS} rows, peak RSS ${Math.round(peakKb / 1024)} MB\n`);
    });
  }
});

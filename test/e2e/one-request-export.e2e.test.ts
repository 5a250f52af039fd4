/**
 * `lk query select lists Generated --format csv` of 1,000,000 rows through the bundled bin: ONE
 * selectRows request (the mock's request log), streamed and cut into pages as it arrives, the
 * right line count on stdout, and the bin's peak RSS (GNU time) under 100 MB, the bound the
 * paged csv export is held to (bench/export).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { baseEnv, expectNoLeaks, LK_BIN, recordRun, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(240_000);

const ROWS = 1_000_000;
const TIME = '/usr/bin/time';

describe('csv export of 1,000,000 rows in one request', () => {
  const mock = withMockServer({ generatedRows: ROWS });
  const home = useTempHome();

  it('one selectRows, 1,000,001 lines, peak RSS under 100 MB', async () => {
    expect(existsSync(TIME)).toBe(true);
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const before = mock.server.requests.length;
    const { code, lines, last, stderr, peakKb } = await new Promise<{ code: number | null; lines: number; last: string; stderr: string; peakKb: number }>((resolve, reject) => {
      const child = spawn(TIME, ['-f', 'LK_PEAK_RSS_KB=%M', LK_BIN, 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', 'csv'], {
        env: baseEnv(home, { LABKEY_API_KEY: key, LK_KEYCHAIN: 'off' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Counted as it comes, not kept: ~90 MB of csv.
      let n = 0;
      let tail = '';
      child.stdout.on('data', (d: Buffer) => {
        for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) n++;
        tail = (tail + d.toString('utf8')).slice(-200);
      });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', (c) => {
        const m = /LK_PEAK_RSS_KB=(\d+)\n?$/.exec(err);
        recordRun({ args: ['query', 'select', 'lists', 'Generated'], code: c, signal: null, stdout: tail, stderr: err });
        resolve({ code: c, lines: n, last: tail.trimEnd().split('\n').pop() ?? '', stderr: m ? err.slice(0, m.index) : err, peakKb: m ? Number(m[1]) : Number.NaN });
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines).toBe(ROWS + 1);
    expect(last.startsWith(`${ROWS},`)).toBe(true);
    const selects = mock.server.requests.slice(before).filter((r) => r.action?.toLowerCase() === 'selectrows');
    expect(selects).toHaveLength(1);
    process.stdout.write(`one-request csv export: ${ROWS} rows, peak RSS ${Math.round(peakKb / 1024)} MB\n`);
    expect(peakKb / 1024).toBeLessThan(100);
  });
});

describe('one request writes the bytes paged requests write', () => {
  const mock = withMockServer({ generatedRows: 0 });
  const home = useTempHome();
  // Awkward values (quotes, commas, newlines, tabs, backslashes, multi-byte UTF-8, nulls) over
  // several 1,000-row pages and many chunks.
  const AWKWARD = [
    { Name: 'a "quoted", comma', Value: -0.1, Category: null, Flag: false, Created: null },
    { Name: 'line\nbreak\r\nand\ttab', Value: null, Category: 'back\\slash ]}', Flag: null, Created: '2024-02-29 23:59:00.000' },
    { Name: ' edge {spaces} ', Value: 1e21, Category: 'unicode é 漢字 😀 \u2028', Flag: true, Created: '2025-12-31 00:00:00.000' },
  ];

  it.each(['csv', 'tsv', 'ndjson'])('%s: byte for byte the --page-size 7 output', async (format) => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    if (mock.server.requests.every((r) => r.action !== 'insertRows')) {
      const file = join(home.dir, 'rows.json');
      writeFileSync(file, JSON.stringify({ schemaName: 'lists', queryName: 'Generated', rows: Array.from({ length: 1200 }, () => AWKWARD).flat() }));
      expect((await runLk(['api', 'query-insertRows.api', '--input', file], { home, timeoutMs: 60_000 })).code).toBe(0);
    }
    const before = mock.server.requests.length;
    const one = await runLk(['query', 'select', 'lists', 'Generated', '--format', format], { home, timeoutMs: 60_000 });
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(mock.server.requests.slice(before).filter((r) => r.action === 'selectRows')).toHaveLength(1);
    const paged = await runLk(['query', 'select', 'lists', 'Generated', '--format', format, '--page-size', '7'], { home, timeoutMs: 120_000 });
    expect(paged).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout.length).toBeGreaterThan(3600 * 20);
    expect(one.stdout).toBe(paged.stdout);
  });
});

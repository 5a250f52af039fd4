/**
 * `lk query select lists Generated --format csv` of 1,000,000 rows through the bundled bin: ONE
 * selectRows request (the mock's request log), streamed and cut into pages as it arrives, the
 * right line count on stdout, and the bin's peak RSS (GNU time) under 100 MB, the bound the
 * paged csv export is held to (bench/export).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { baseEnv, expectNoLeaks, LK_BIN, recordRun, trackSecret } from '../helpers/run-lk.js';

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

#!/usr/bin/env node
// bench/export: bulk export of lists.Generated from the mock, `lk query select lists Generated
// --format csv|ndjson` against a Python baseline doing what LabKey's Python client does (a
// requests Session, the `apikey` header, one selectRows POST with query.maxRows=-1, response
// .json(), then Python's csv writer). Same mock, same machine, same run. Checked once against
// LabKey's real Python client (labkey-api-python select_rows(max_rows=-1), then the same csv
// writer) on the same 1,000,000-row mock, three interleaved pairs at load ~1.8: baseline 8.4-9.0 s,
// real client 8.7-11.2 s (it also fetches a CSRF token first). The baseline is the faster, so the
// ratio against it is conservative.
//
// For each row count (BENCH_ROWS, default 200000,1000000) one `lk-mock-server --generated-rows N`
// runs in its own process; the arms take turns round by round (the order rotates), each writing
// its output to a file that is checked for the right number of lines. Wall time, client CPU and
// peak RSS come from GNU time (`/usr/bin/time`, Debian package `time`). Medians of the rounds.
// lk runs as a user runs it: the bin itself (its #! line gives node lk's heap flags).
// The mock's own cost is shown beside, with clients that do nothing with the bytes: the whole
// table in one request as the baseline asks for it (pretty JSON), the same as lk asks for it
// (respFormat=json_compact: lk's exports read the whole result in one streamed request), and in
// 5,000-row compact pages (what `lk --page-size 5000` asks for, offsets in key order). The compact
// one request is the fastest lk could be on this mock, so python's time over it is the ceiling
// of lk's ratio in this run. (The mock hides what paging costs a real LabKey, which runs
// LIMIT/OFFSET per page: on PostgreSQL 15 here, 200 such pages of 1,000,000 rows took 7.3-8.1 s
// against 0.6-1.0 s for the one query.)
// lk's typed exports (--format parquet|arrow --output FILE) run in the same rounds; Debian has no
// pyarrow, so they have no Python arm of their own and their ratio is against the csv baseline.
// BENCH_LK_BEFORE=/path/to/lk.cjs (another build's bin, e.g. a copy of main's dist/*.cjs) adds its
// csv and ndjson arms to the same rounds: a before/after of lk's CPU against one mock.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startGeneratedMock } from '../lib/mock.mjs';

const ROWS = (process.env.BENCH_ROWS ?? '200000,1000000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = join(import.meta.dirname, '..', '..');
const lk = join(root, 'packages', 'cli', 'dist', 'lk.cjs');
const mockBin = join(root, 'packages', 'mock-server', 'dist', 'bin', 'lk-mock-server.js');
const BEFORE = process.env.BENCH_LK_BEFORE;
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const TIME = '/usr/bin/time';
for (const [what, path] of [['lk', lk], ['lk-mock-server', mockBin], ['GNU time (apt-get install time)', TIME]]) {
  if (!existsSync(path)) {
    console.error(`bench/export: ${what} missing at ${path}`);
    process.exit(1);
  }
}
if (spawnSync(PYTHON, ['-c', 'import requests'], { encoding: 'utf8' }).status !== 0) {
  console.error('bench/export: python3 cannot import requests (apt-get install python3-requests)');
  process.exit(1);
}

// What labkey-api-python's select_rows(max_rows=-1) does, minus the library: one form POST on a
// requests Session with the apikey header, the whole result parsed with json, then csv.writer.
const PY = `
import csv, os, sys, requests
url = sys.argv[1]
s = requests.Session()
s.headers.update({"apikey": os.environ["LABKEY_API_KEY"]})
r = s.post(url + "/home/query-selectRows.api", data={"schemaName": "lists", "query.queryName": "Generated", "query.maxRows": -1, "query.showRows": "all"})
r.raise_for_status()
rows = r.json()["rows"]
if rows:
    cols = list(rows[0].keys())
    w = csv.writer(sys.stdout)
    w.writerow(cols)
    for row in rows:
        w.writerow([row.get(c) for c in cols])
`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs one arm under GNU time, stdout to `out` (as a shell redirect would); wall s, CPU s, peak RSS MB. */
function timed(argv, env, out) {
  const timeFile = join(dir, 'time');
  const sh = `exec ${[TIME, '-f', '%U %S %M', '-o', timeFile, ...argv].map(q).join(' ')} > ${q(out)}`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', sh], { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(' ')} failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  const [user, sys, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rss: kb / 1024, stderr: r.stderr };
}

function q(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

async function countLines(file) {
  let n = 0;
  for await (const chunk of createReadStream(file)) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

async function mockAlone(url, key, compact = false) {
  const t0 = process.hrtime.bigint();
  const r = await request(`${url}/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&query.maxRows=-1&query.showRows=all${compact ? '&respFormat=json_compact' : ''}`, { headers: { apikey: key } });
  let bytes = 0;
  for await (const c of r.body) bytes += c.length;
  return { secs: Number(process.hrtime.bigint() - t0) / 1e9, bytes };
}

const PAGE = 5000;
async function mockPaged(url, key, rows) {
  const t0 = process.hrtime.bigint();
  for (let offset = 0; offset < rows; offset += PAGE) {
    const r = await request(`${url}/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&respFormat=json_compact&query.maxRows=${PAGE}&query.offset=${offset}`, { headers: { apikey: key } });
    if (r.statusCode !== 200) throw new Error(`the mock answered ${r.statusCode} to a page`);
    for await (const c of r.body);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const dir = mkdtempSync(join(tmpdir(), 'lk-bench-export-'));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
try {
  console.log(`${ROUNDS} rounds per row count, arms interleaved (order rotates); medians. Load average at start: ${load()}`);
  for (const rows of ROWS) {
    const mock = await startGeneratedMock(mockBin, rows);
    try {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LABKEY_API_KEY: mock.key, LK_KEYCHAIN: 'off' };
      const arms = [
        { name: 'python requests+json+csv', argv: [PYTHON, '-c', PY, mock.url], lines: rows + 1 },
        { name: 'lk --format csv', argv: [lk, 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', 'csv'], lines: rows + 1 },
        { name: 'lk --format ndjson', argv: [lk, 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', 'ndjson'], lines: rows },
        // Typed files (no Python arm: Debian has no pyarrow); their ratio is against the csv baseline's rows/s.
        ...['parquet', 'arrow'].map((f) => ({ name: `lk --format ${f}`, argv: [lk, 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', f, '--output', join(dir, `out.${f}`)], wrote: rows })),
        ...(BEFORE
          ? [
              { name: 'lk before: csv', argv: [BEFORE, 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', 'csv'], lines: rows + 1 },
              { name: 'lk before: ndjson', argv: [BEFORE, 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', 'ndjson'], lines: rows },
            ]
          : []),
      ];
      const results = new Map(arms.map((a) => [a.name, []]));
      const alone = [];
      const aloneCompact = [];
      const paged = [];
      for (let round = 0; round < ROUNDS; round++) {
        alone.push((await mockAlone(mock.url, mock.key)).secs);
        aloneCompact.push((await mockAlone(mock.url, mock.key, true)).secs);
        paged.push(await mockPaged(mock.url, mock.key, rows));
        for (let j = 0; j < arms.length; j++) {
          const a = arms[(round + j) % arms.length];
          const out = join(dir, 'out');
          const r = timed(a.argv, env, out);
          if (a.wrote !== undefined) {
            if (!r.stderr.includes(`Wrote ${a.wrote} rows`)) throw new Error(`${a.name}: ${r.stderr.trim()}`);
          } else {
            const got = await countLines(out);
            if (got !== a.lines) throw new Error(`${a.name}: ${got} lines written, expected ${a.lines}`);
          }
          rmSync(out, { force: true });
          results.get(a.name).push(r);
        }
      }
      const m = (name, k) => median(results.get(name).map((r) => r[k]));
      const py = 'python requests+json+csv';
      const fmt = (n) => Math.round(n).toLocaleString('en-US');
      console.log(
        `\n${fmt(rows)} rows of lists.Generated; the mock alone serves them in one request in ${median(alone).toFixed(2)} s (as Python asks), ${median(aloneCompact).toFixed(2)} s (compact, as lk asks), in ${fmt(Math.ceil(rows / PAGE))} pages of ${fmt(PAGE)} (lk --page-size ${PAGE}) in ${median(paged).toFixed(2)} s`,
      );
      console.log(`  (a client reading lk's one compact request and costing nothing would reach ${(m(py, 'wall') / median(aloneCompact)).toFixed(2)}x python rows/s: the ceiling of this run)`);
      for (const a of arms) {
        const wall = m(a.name, 'wall');
        const rate = rows / wall;
        console.log(
          `  ${a.name.padEnd(25)} ${wall.toFixed(2).padStart(6)} s  ${fmt(rate).padStart(9)} rows/s  cpu ${m(a.name, 'cpu').toFixed(2)} s  peak RSS ${m(a.name, 'rss').toFixed(0).padStart(4)} MB` +
            (a.name === py ? '' : `   ${(m(py, 'wall') / wall).toFixed(2)}x python rows/s`),
        );
      }
    } finally {
      mock.child.kill('SIGTERM');
    }
  }
  console.log(`\nLoad average at end: ${load()} (other work on the machine moves these figures; goal at 1,000,000 rows: lk >= 3x python rows/s, lk peak RSS < 100 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
// bench/mock-rows: the mock's own CPU per 1,000,000 rows of lists.Generated served, for the two
// ways clients read a table: paged compact requests as lk makes them (5,000-row pages,
// respFormat=json_compact, offsets in key order) and one pretty-printed maxRows=-1 request as
// LabKey's Python client makes it. The client only reads and drops the bytes.
//
// The mock runs in its own process (`lk-mock-server --generated-rows N`, BENCH_ROWS, default
// 1000000); its CPU is utime+stime from /proc/<pid>/stat around each arm (Linux), so the load of
// the machine changes it less than wall time. With BENCH_BASELINE_MOCK=<path of another build's
// dist/bin/lk-mock-server.js> that build runs beside this one, arms interleaved round by round,
// and the ratios this/baseline are printed. Medians of BENCH_ROUNDS (default 3).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startGeneratedMock } from '../lib/mock.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE = 5000;
const root = join(import.meta.dirname, '..', '..');
const builds = [{ name: 'this build', bin: join(root, 'packages', 'mock-server', 'dist', 'bin', 'lk-mock-server.js') }];
if (process.env.BENCH_BASELINE_MOCK) builds.push({ name: 'baseline', bin: process.env.BENCH_BASELINE_MOCK });
for (const b of builds) {
  if (!existsSync(b.bin)) {
    console.error(`bench/mock-rows: lk-mock-server missing at ${b.bin}`);
    process.exit(1);
  }
}
const TICK = 100; // USER_HZ on Linux

/** CPU seconds the process has used (user + system). */
function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

async function get(url, key) {
  const r = await request(url, { headers: { apikey: key } });
  let bytes = 0;
  for await (const c of r.body) bytes += c.length;
  if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode} from ${url}`);
  return bytes;
}

const base = (m) => `${m.url}/home/query-selectRows.api?schemaName=lists&query.queryName=Generated`;
const arms = {
  async paged(m) {
    let bytes = 0;
    for (let off = 0; off < ROWS; off += PAGE) bytes += await get(`${base(m)}&query.maxRows=${PAGE}&query.offset=${off}&respFormat=json_compact`, m.key);
    return bytes;
  },
  async oneShot(m) {
    return get(`${base(m)}&query.maxRows=-1&query.showRows=all`, m.key);
  },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const mocks = [];
try {
  for (const b of builds) mocks.push({ ...b, ...(await startGeneratedMock(b.bin, ROWS)) });
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${ROWS.toLocaleString('en-US')} rows, ${ROUNDS} rounds, medians of the mock's CPU per 1,000,000 rows served. Load average at start: ${load()}`);
  const cpu = new Map();
  const bytes = new Map();
  // Warm up every arm on every build once.
  for (const m of mocks) for (const arm of Object.values(arms)) await arm(m);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...mocks].reverse() : mocks;
    for (const m of order) {
      for (const [name, arm] of Object.entries(arms)) {
        const c0 = cpuOf(m.child.pid);
        const n = await arm(m);
        const used = cpuOf(m.child.pid) - c0;
        const k = `${m.name}|${name}`;
        cpu.set(k, [...(cpu.get(k) ?? []), (used * 1_000_000) / ROWS]);
        bytes.set(k, n);
      }
    }
  }
  for (const name of Object.keys(arms)) {
    for (const m of mocks) {
      const k = `${m.name}|${name}`;
      const mine = median(cpu.get(k));
      const line = `${name.padEnd(8)} ${m.name.padEnd(10)} ${mine.toFixed(2)} s CPU per 1M rows (${(bytes.get(k) / 1e6).toFixed(0)} MB)`;
      const other = mocks.length > 1 && m === mocks[0] ? median(cpu.get(`baseline|${name}`)) : undefined;
      console.log(other === undefined ? line : `${line}   ratio to baseline ${(mine / other).toFixed(2)}`);
    }
  }
  if (mocks.length > 1) {
    for (const name of Object.keys(arms)) {
      if (bytes.get(`this build|${name}`) !== bytes.get(`baseline|${name}`)) console.log(`note: ${name} answers differ in length between the builds`);
    }
  }
} finally {
  for (const m of mocks) m.child.kill();
}

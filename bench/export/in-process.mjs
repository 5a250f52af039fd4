#!/usr/bin/env node
// bench/export/in-process: lk's own cost per 1,000,000 rows of lists.Generated written as csv, tsv
// or ndjson, in this process, no network: one compact 5,000-row page (the export's page size) is
// fetched once from an in-process mock, then written over and over by
//   object path: decode + JSON.parse + normalizeRows + the row writer's row() (what lk did before),
//   raw path:    the SDK's one walk over the page (findRowsSpan, as each raw page gets: it checks
//                the body as JSON.parse would and records every row's and cell's place and kind in
//                a page-wide table, reading a row shaped like the first by comparing the text
//                around its values with the first row's, four bytes at a time) + the row writer's
//                rawPage() (output/transcode.ts: cells copied from the table's spans, four bytes at
//                a time, ndjson rows in native runs; the bytes are not read again to be checked).
// 2026-12-08 01:06-01:10, load 4-8, the build before the table then this one, twice: raw path
// csv 1015/1073 -> 524/420 ms CPU per 1M rows, tsv 920/1157 -> 523/416, ndjson 854/884 -> 425/360.
// The first page goes through the object path in both (it decides the columns). Both outputs are
// checked equal byte for byte. Prints ms per 1M rows (median of BENCH_ROUNDS, default 5) and the ratio.
// Usage: node bench/export/in-process.mjs  (after pnpm build)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
const imp = (p) => import(pathToFileURL(join(root, p)).href);
const { startMockServer } = await imp('packages/mock-server/dist/index.js');
const { findRowsSpan, releaseTable } = await imp('packages/sdk/dist/api/raw-rows.js');
const { normalizeRows } = await imp('packages/sdk/dist/api/rows.js');
const { createRowWriter } = await imp('packages/cli/dist/output/row-writer.js');

const PAGE = 5000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PAGES = 1_000_000 / PAGE;

const mock = await startMockServer({ generatedRows: 2 * PAGE });
const key = mock.state.issueApiKey('alice@lk.test').key;
const fetchPage = async (offset) => {
  const url = `${mock.url}/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&respFormat=json_compact&query.maxRows=${PAGE}&query.offset=${offset}`;
  const res = await fetch(url, { headers: { apikey: key } });
  if (!res.ok) throw new Error(`mock answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
};
const first = await fetchPage(0);
const body = await fetchPage(PAGE);
await mock.close();

const parsePage = (bytes) => {
  const json = JSON.parse(bytes.toString('utf8'));
  return normalizeRows(json.rows);
};
const rawPage = (bytes) => {
  const span = findRowsSpan(bytes);
  let rows;
  return { bytes, span, count: span.count, rowCount: undefined, fields: [], schemaName: '', queryName: '', rows: () => (rows ??= normalizeRows(JSON.parse(bytes.toString('utf8', span.start, span.end)))), release: () => span.table && releaseTable(span.table) };
};

/** A sink IO keeping a hash-free check: total bytes and the last chunk. */
const sink = () => {
  const io = { n: 0, chunks: [], keep: false, out: async (b) => { io.n += b.length; if (io.keep) io.chunks.push(Buffer.from(b)); }, stdoutIsTTY: false, stdoutClosed: false };
  return io;
};

async function run(format, raw, pages, keep = false) {
  const io = sink();
  io.keep = keep;
  const w = createRowWriter(io, { format, firstPage: PAGE });
  for (const r of parsePage(first)) { const p = w.row(r); if (p) await p; }
  for (let i = 1; i < pages; i++) {
    if (raw) {
      const page = rawPage(body);
      const fast = w.rawPage(page);
      if (!fast) throw new Error('raw page not transcoded');
      while (!fast.done) { const p = fast.step(); if (p) await p; }
      page.release(); // as lk's export does once a page is written
    } else {
      for (const r of parsePage(body)) { const p = w.row(r); if (p) await p; }
    }
  }
  await w.end();
  return io;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const format of ['csv', 'tsv', 'ndjson']) {
  const a = Buffer.concat((await run(format, false, 3, true)).chunks);
  const b = Buffer.concat((await run(format, true, 3, true)).chunks);
  if (!a.equals(b)) throw new Error(`${format}: raw path output differs from the object path`);
  const times = { object: [], raw: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const arm of r % 2 ? ['raw', 'object'] : ['object', 'raw']) {
      globalThis.gc?.();
      const t0 = process.cpuUsage();
      await run(format, arm === 'raw', PAGES + 1);
      const t = process.cpuUsage(t0);
      times[arm].push((t.user + t.system) / 1000);
    }
  }
  const o = median(times.object);
  const x = median(times.raw);
  console.log(`${format.padEnd(6)} object path ${o.toFixed(0).padStart(5)} ms CPU per 1M rows, raw path ${x.toFixed(0).padStart(5)} ms: ${(o / x).toFixed(2)}x`);
}

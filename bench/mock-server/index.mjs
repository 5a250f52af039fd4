// bench/mock-server: authenticated `login-whoAmI.api` requests per second against the built mock
// server, as a ratio to a bare node:http server returning the same JSON in the same run, and the
// ratio with 100,000 stored keys against 10 keys (key lookup is one Map get by hash).
//
// Loopback only, undici Pool with keep-alive, a bounded number of requests per round; rounds
// alternate between the servers and the median round counts.
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { startMockServer } from '@lk/mock-server';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2500);
const CONCURRENCY = 8;
const ROUNDS = 6;

async function run(pool, path, headers, n) {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const r = await pool.request({ path, method: 'GET', headers });
      await r.body.text();
      if (r.statusCode !== 200) failures++;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (failures) throw new Error(`${failures} requests failed`);
  return n / secs;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function mockTarget(keys) {
  const server = await startMockServer({ maxLogEntries: 1000 });
  const { key } = server.state.issueApiKey('alice@lk.test');
  for (let i = 1; i < keys; i++) server.state.seedApiKey(i % 2 ? 'bob@lk.test' : 'admin@lk.test', `lk_bench_${i.toString(16).padStart(16, '0')}`);
  const url = new URL(server.url);
  const pool = new Pool(server.origin, { connections: CONCURRENCY, pipelining: 1 });
  // Keep the CSRF cookie like a real client, so the server does not mint one per request.
  const first = await pool.request({ path: `${url.pathname}/login-whoAmI.api`, method: 'GET', headers: { apikey: key } });
  const body = await first.body.json();
  const headers = { apikey: key, cookie: `X-LABKEY-CSRF=${body.CSRF}` };
  return { server, pool, path: `${url.pathname}/login-whoAmI.api`, headers, body, count: server.state.listApiKeys().length };
}

async function bareTarget(bodyObj) {
  const text = Buffer.from(JSON.stringify(bodyObj, null, 2), 'utf8');
  const server = createServer({ keepAlive: true }, (req, res) => {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json;charset=UTF-8');
    res.setHeader('Content-Length', text.length);
    res.end(text);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const pool = new Pool(origin, { connections: CONCURRENCY, pipelining: 1 });
  return { pool, path: '/labkey/login-whoAmI.api', headers: {}, close: () => new Promise((r) => server.close(r)) };
}

const small = await mockTarget(10);
const big = await mockTarget(100_000);
const bare = await bareTarget(small.body);
console.log(`keys stored: ${small.count} and ${big.count}; ${REQUESTS} requests x ${ROUNDS} rounds, concurrency ${CONCURRENCY}`);

// Warm up every target.
for (const t of [bare, small, big]) await run(t.pool, t.path, t.headers, 500);

const r = { bare: [], small: [], big: [] };
// Rotate the order every round, so no target always runs right after another.
const order = ['bare', 'small', 'big'];
const targets = { bare, small, big };
for (let i = 0; i < ROUNDS; i++) {
  for (let j = 0; j < order.length; j++) {
    const name = order[(i + j) % order.length];
    const t = targets[name];
    r[name].push(await run(t.pool, t.path, t.headers, REQUESTS));
  }
}
const m = { bare: median(r.bare), small: median(r.small), big: median(r.big) };
const fmt = (x) => `${Math.round(x).toLocaleString('en-US')} req/s`;
console.log(`bare node:http (same JSON)        ${fmt(m.bare)}`);
console.log(`mock whoAmI, apikey, 10 keys      ${fmt(m.small)}   ratio to bare ${(m.small / m.bare).toFixed(2)}`);
console.log(`mock whoAmI, apikey, 100,000 keys ${fmt(m.big)}   ratio to 10 keys ${(m.big / m.small).toFixed(2)}`);

await Promise.all([small.pool.close(), big.pool.close(), bare.pool.close()]);
await Promise.all([small.server.close(), big.server.close(), bare.close()]);

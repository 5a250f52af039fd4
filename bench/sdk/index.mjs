// bench/sdk: SDK `selectRows` requests per second against raw `undici.request` with the same
// request on the same endpoint, as a ratio measured in the same run (goal: 0.9 or better against
// the canned server), on two servers:
//   - a canned-response server (node:http, one prebuilt selectRows body, no work per request): it
//     answers in microseconds, so the ratio shows the SDK's own cost;
//   - the mock server (which spends most of each request itself, so both arms mostly measure it).
//
// Both servers run in a child process so only client-side work differs between the arms. Every
// arm: sequential keep-alive requests on its own undici Agent, GET query-selectRows.api for
// lists.People (the SDK's exact request line, respFormat=json_compact included, taken from what
// the canned server saw), the same request headers (checked against the canned server's record
// before timing), the whole body read and JSON.parse'd. The SDK additionally builds the URL, applies
// the credential and cookie jar, checks the status, size cap and error shapes, and normalises rows.
// The arms alternate request by request (the order rotating); the median of the per-round ratios
// is reported.
//
// The SDK reads answers through undici's dispatch handler API, not `undici.request` (whose
// response stream costs more than the rest of the SDK's work), so it can come out faster than
// the raw arm. A third arm, bare `dispatch` (a handler that only collects the chunks, then
// JSON.parse), is the floor of that API: SDK / dispatch is the SDK's own cost above it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { createClient } from '@lk/sdk';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const info = JSON.parse(await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
}));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => `${Math.round(x).toLocaleString('en-US')} req/s`;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** The request line and headers the canned server saw last (names lower-cased, sorted). */
async function lastRequest() {
  const r = await request(`${new URL(info.canned).origin}/__last-request`);
  const j = await r.body.json();
  const h = [];
  for (let i = 0; i < j.rawHeaders.length; i += 2) h.push(`${j.rawHeaders[i].toLowerCase()}: ${j.rawHeaders[i + 1]}`);
  return { line: `${j.method} ${j.url}`, url: j.url, headers: h.sort() };
}

/** The SDK's request path and query against the canned server (the mock's container path is the same). */
async function sdkPath() {
  const client = createClient({ baseUrl: info.canned, apiKey: info.key, container: '/home', retries: 0, resolveContext: { env: {}, keychain: undefined, homedir: undefined } });
  await client.selectRows({ schemaName: 'lists', queryName: 'People' });
  await client.close();
  return (await lastRequest()).url;
}

async function compare(label, url, key, path, requests, checkSame) {
  const client = createClient({
    baseUrl: url,
    apiKey: key,
    container: '/home',
    retries: 0,
    resolveContext: { env: {}, keychain: undefined, homedir: undefined },
  });
  const query = { schemaName: 'lists', queryName: 'People' };
  // One SDK request first: it fills the cookie jar (X-LABKEY-CSRF on the mock), which the raw arms then copy.
  const first = await client.selectRows(query);
  const cookie = await csrfCookie(url, key);

  const origin = new URL(url).origin;
  const rawUrl = `${origin}${path}`;
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const bare = new Agent({ keepAliveTimeout: 10_000 });
  const rawHeaders = { 'user-agent': `lk-sdk/0.1.0 (node ${process.version.slice(1)})`, accept: 'application/json', apikey: key, ...(cookie ? { cookie } : {}) };
  const raw = async () => {
    const r = await request(rawUrl, { dispatcher: agent, method: 'GET', headers: rawHeaders });
    const j = await r.body.json();
    if (r.statusCode !== 200 || !j.rows) throw new Error(`raw: ${r.statusCode}`);
    return j.rows.length;
  };
  const dispatch = () =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let status = 0;
      bare.dispatch(
        { origin, path, method: 'GET', headers: rawHeaders },
        {
          onRequestStart() {},
          onResponseStart(_c, s) {
            status = s;
          },
          onResponseData(_c, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            const j = JSON.parse((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8'));
            if (status !== 200 || !j.rows) reject(new Error(`dispatch: ${status}`));
            else resolve(j.rows.length);
          },
          onResponseError(_c, e) {
            reject(e);
          },
        },
      );
    });
  const sdk = async () => (await client.selectRows(query)).rows.length;
  const arms = [raw, sdk, dispatch];
  const seen = [];
  for (const arm of arms) {
    if ((await arm()) !== first.rows.length) throw new Error('the arms disagree on the rows');
    if (checkSame) seen.push(await lastRequest());
  }
  if (checkSame && seen.some((s) => JSON.stringify(s) !== JSON.stringify(seen[0]))) {
    throw new Error(`the arms send different requests:\n${seen.map((s) => JSON.stringify(s)).join('\n')}`);
  }

  const time = async (fn) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0);
  };
  for (let i = 0; i < 300; i++) for (const arm of arms) await arm();
  const ratios = [];
  const floors = [];
  const totals = [0, 0, 0];
  for (let i = 0; i < ROUNDS; i++) {
    const t = [0, 0, 0];
    for (let b = 0; b < requests; b++) {
      for (let k = 0; k < 3; k++) {
        const j = (b + k) % 3;
        t[j] += await time(arms[j]);
      }
    }
    for (let j = 0; j < 3; j++) totals[j] += t[j];
    ratios.push(t[0] / t[1]); // = (req/s SDK) / (req/s raw)
    floors.push(t[2] / t[1]); // = (req/s SDK) / (req/s bare dispatch)
  }
  const n = ROUNDS * requests;
  console.log(`${label}: ${ROUNDS} rounds x ${requests} sequential keep-alive requests per arm, alternating request by request; lists.People, ${first.rows.length} rows`);
  if (checkSame) console.log(`  every arm sends: ${seen[0].line} with ${seen[0].headers.map((h) => h.split(':')[0]).join(', ')}`);
  console.log(`  raw undici.request + body.json()   ${fmt(n / (totals[0] / 1e9))}`);
  console.log(`  SDK client.selectRows()            ${fmt(n / (totals[1] / 1e9))}`);
  console.log(`  bare dispatch + JSON.parse         ${fmt(n / (totals[2] / 1e9))}`);
  console.log(`  ratio SDK / raw: ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')}); whole run ${(totals[0] / totals[1]).toFixed(2)}`);
  console.log(`  ratio SDK / bare dispatch: ${median(floors).toFixed(2)} (rounds: ${floors.map((r) => r.toFixed(2)).join(' ')})`);
  await client.close();
  await agent.close();
  await bare.close();
  return median(ratios);
}

try {
  console.log(`load average at start: ${load()}`);
  const path = await sdkPath();
  const canned = await compare('canned-response server', info.canned, info.key, path, REQUESTS * 4, true);
  await compare('mock server', info.url, info.key, path, REQUESTS, false);
  console.log(`SDK / raw against the canned server: ${canned.toFixed(2)}, goal >= 0.90: ${canned >= 0.9 ? 'met' : 'NOT met'} (load average at end: ${load()})`);
} finally {
  child.kill('SIGTERM');
}

/** The CSRF cookie the mock hands out, fetched the way the SDK's jar gets it (none from the canned server). */
async function csrfCookie(base, apiKey) {
  const r = await request(`${base}/login-whoAmI.api`, { method: 'GET', headers: { apikey: apiKey } });
  const j = await r.body.json();
  return typeof j.CSRF === 'string' ? `X-LABKEY-CSRF=${j.CSRF}` : undefined;
}

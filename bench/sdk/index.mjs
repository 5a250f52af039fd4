// bench/sdk: SDK `selectRows` requests per second against raw `undici.request` with the same
// headers on the same endpoint, as a ratio measured in the same run (goal: 0.9 or better against
// the canned server), on two servers:
//   - a canned-response server (node:http, one prebuilt selectRows body, no work per request): it
//     answers in microseconds, so the ratio shows the SDK's own cost;
//   - the mock server (which spends most of each request itself, so both arms mostly measure it).
//
// Both servers run in a child process so only client-side work differs between the arms. Both
// arms: sequential keep-alive requests on one undici Agent, GET query-selectRows.api for
// lists.People, the body parsed as JSON. The SDK additionally builds the URL, applies the
// credential and cookie jar, checks the status and normalises rows. The arms alternate request
// by request (who goes first alternates too); the median of the per-round ratios is reported.
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

async function compare(label, url, key, requests) {
  const client = createClient({
    baseUrl: url,
    apiKey: key,
    container: '/home',
    retries: 0,
    resolveContext: { env: {}, keychain: undefined, homedir: undefined },
  });
  const query = { schemaName: 'lists', queryName: 'People' };
  // One SDK request first: it fills the cookie jar (X-LABKEY-CSRF on the mock), which the raw arm then copies.
  const first = await client.selectRows(query);
  const cookie = await csrfCookie(url, key);

  const rawUrl = `${url}/home/query-selectRows.api?schemaName=lists&query.queryName=People`;
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const rawHeaders = { 'user-agent': `lk-sdk/0.1.0 (node ${process.version.slice(1)})`, accept: 'application/json', apikey: key, ...(cookie ? { cookie } : {}) };
  const raw = async () => {
    const r = await request(rawUrl, { dispatcher: agent, method: 'GET', headers: rawHeaders });
    const j = await r.body.json();
    if (r.statusCode !== 200 || !j.rows) throw new Error(`raw: ${r.statusCode}`);
    return j.rows.length;
  };
  const sdk = async () => (await client.selectRows(query)).rows.length;
  if ((await raw()) !== first.rows.length) throw new Error('the arms disagree on the rows');

  const time = async (fn) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0);
  };
  for (let i = 0; i < 300; i++) {
    await raw();
    await sdk();
  }
  const ratios = [];
  let totalRaw = 0;
  let totalSdk = 0;
  for (let i = 0; i < ROUNDS; i++) {
    let tRaw = 0;
    let tSdk = 0;
    for (let b = 0; b < requests; b++) {
      if (b % 2) {
        tSdk += await time(sdk);
        tRaw += await time(raw);
      } else {
        tRaw += await time(raw);
        tSdk += await time(sdk);
      }
    }
    totalRaw += tRaw;
    totalSdk += tSdk;
    ratios.push(tRaw / tSdk); // = (req/s SDK) / (req/s raw)
  }
  const n = ROUNDS * requests;
  console.log(`${label}: ${ROUNDS} rounds x ${requests} sequential keep-alive requests per arm, alternating request by request; lists.People, ${first.rows.length} rows`);
  console.log(`  raw undici.request + body.json()   ${fmt(n / (totalRaw / 1e9))}`);
  console.log(`  SDK client.selectRows()            ${fmt(n / (totalSdk / 1e9))}`);
  console.log(`  ratio SDK / raw: ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')}); whole run ${(totalRaw / totalSdk).toFixed(2)}`);
  await client.close();
  await agent.close();
  return median(ratios);
}

try {
  console.log(`load average at start: ${load()}`);
  const canned = await compare('canned-response server', info.canned, info.key, REQUESTS * 4);
  await compare('mock server', info.url, info.key, REQUESTS);
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

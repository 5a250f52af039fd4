// bench/sdk: SDK `selectRows` requests per second against raw `undici.request` on the same mock
// endpoint with the same headers, as a ratio measured in the same run (goal: 0.9 or better).
//
// The mock server runs in a child process so only client-side work differs between the arms.
// Both arms: sequential keep-alive requests on one undici Agent, GET query-selectRows.api for
// lists.People, the body parsed as JSON. The SDK additionally builds the URL, applies the
// credential and cookie jar, checks the status and normalises rows. Rounds alternate between
// the arms every request; the median of the per-round ratios is reported.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { createClient } from '@lk/sdk';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BATCH = 1;

const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const { url, key } = JSON.parse(await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`mock server exited (${code})`)));
}));

try {
  const client = createClient({
    baseUrl: url,
    apiKey: key,
    container: '/home',
    retries: 0,
    resolveContext: { env: {}, keychain: undefined, homedir: undefined },
  });
  const query = { schemaName: 'lists', queryName: 'People' };
  // One SDK request first: it fills the cookie jar (X-LABKEY-CSRF), which the raw arm then copies.
  const first = await client.selectRows(query);
  const cookie = await csrfCookie(url, key);

  const rawUrl = `${url}/home/query-selectRows.api?schemaName=lists&query.queryName=People`;
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const rawHeaders = { 'user-agent': `lk-sdk/0.1.0 (node ${process.version.slice(1)})`, accept: 'application/json', apikey: key, cookie };
  const raw = async () => {
    const r = await request(rawUrl, { dispatcher: agent, method: 'GET', headers: rawHeaders });
    const j = await r.body.json();
    if (r.statusCode !== 200 || !j.rows) throw new Error(`raw: ${r.statusCode}`);
    return j.rows.length;
  };
  const sdk = async () => (await client.selectRows(query)).rows.length;
  if ((await raw()) !== first.rows.length) throw new Error('the arms disagree on the rows');

  const time = async (fn, n) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  await time(raw, 300);
  await time(sdk, 300);

  // The machine is shared, so load comes and goes: the arms alternate every BATCH requests (who
  // goes first alternates too) and each round sums its time per arm, so both see the same load.
  const ratios = [];
  let totalRaw = 0;
  let totalSdk = 0;
  for (let i = 0; i < ROUNDS; i++) {
    let tRaw = 0;
    let tSdk = 0;
    for (let b = 0; b < REQUESTS / BATCH; b++) {
      if (b % 2) {
        tSdk += await time(sdk, BATCH);
        tRaw += await time(raw, BATCH);
      } else {
        tRaw += await time(raw, BATCH);
        tSdk += await time(sdk, BATCH);
      }
    }
    totalRaw += tRaw;
    totalSdk += tSdk;
    ratios.push(tRaw / tSdk); // = (req/s SDK) / (req/s raw)
  }
  const n = ROUNDS * REQUESTS;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (x) => `${Math.round(x).toLocaleString('en-US')} req/s`;
  console.log(`${ROUNDS} rounds x ${REQUESTS} sequential keep-alive requests per arm, alternating ${BATCH === 1 ? "request by request" : `every ${BATCH}`}; GET query-selectRows.api (lists.People, ${first.rows.length} rows); mock server in a child process`);
  console.log(`raw undici.request + body.json()   ${fmt(n / totalRaw)}`);
  console.log(`SDK client.selectRows()            ${fmt(n / totalSdk)}`);
  console.log(`ratio SDK / raw: ${median(ratios).toFixed(2)} (median of rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')}); whole run ${(totalRaw / totalSdk).toFixed(2)}; goal >= 0.90`);
  await client.close();
  await agent.close();
} finally {
  child.kill('SIGTERM');
}

/** The CSRF cookie the server hands out, fetched the way the SDK's jar gets it. */
async function csrfCookie(base, apiKey) {
  const r = await request(`${base}/login-whoAmI.api`, { method: 'GET', headers: { apikey: apiKey } });
  const j = await r.body.json();
  return `X-LABKEY-CSRF=${j.CSRF}`;
}

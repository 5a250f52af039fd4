// Child process for bench/sdk: runs the built mock server, and a canned-response server (node:http
// answering every request with one prebuilt selectRows body, no work per request), so their CPU
// time is not the client's. Prints one JSON line {url, origin, key, canned} (a key of this
// throw-away mock; `canned` is a base URL like `url`) and serves until killed.
import { createServer } from 'node:http';
import { startMockServer } from '@lk/mock-server';

const server = await startMockServer({ maxLogEntries: 1000 });
const { key } = server.state.issueApiKey('alice@lk.test', { description: 'bench' });

// The canned body: what the mock answers for the bench's query, captured once.
const r = await fetch(`${server.url}/home/query-selectRows.api?schemaName=lists&query.queryName=People`, { headers: { apikey: key } });
if (r.status !== 200) throw new Error(`mock answered ${r.status}`);
const body = Buffer.from(await r.arrayBuffer());
const headers = { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(body.length) };
const canned = createServer({ keepAlive: true }, (_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
await new Promise((resolve) => canned.listen(0, '127.0.0.1', resolve));
const cannedUrl = `http://127.0.0.1:${canned.address().port}${new URL(server.url).pathname}`;

process.stdout.write(JSON.stringify({ url: server.url, origin: server.origin, key, canned: cannedUrl }) + '\n');
process.on('SIGTERM', () => {
  canned.close();
  server.close().then(() => process.exit(0));
});

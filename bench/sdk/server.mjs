// Child process for bench/sdk: runs the built mock server, and a canned-response server (node:http
// answering every request with one prebuilt selectRows body, no work per request), so their CPU
// time is not the client's. Prints one JSON line {url, origin, key, canned} (a key of this
// throw-away mock; `canned` is a base URL like `url`) and serves until killed. The canned server
// answers GET /__last-request with the request line and raw headers of the request before, so the
// bench can check that its arms send the same request.
import { createServer } from 'node:http';
import { startMockServer } from '@lk/mock-server';

const server = await startMockServer({ maxLogEntries: 1000 });
const { key } = server.state.issueApiKey('alice@lk.test', { description: 'bench' });

// The canned body: what the mock answers for the bench's query as the SDK asks for it (compact
// JSON), captured once.
const r = await fetch(`${server.url}/home/query-selectRows.api?schemaName=lists&query.queryName=People&respFormat=json_compact`, { headers: { apikey: key } });
if (r.status !== 200) throw new Error(`mock answered ${r.status}`);
const body = Buffer.from(await r.arrayBuffer());
const headers = { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(body.length) };
let last = { method: '', url: '', rawHeaders: [] };
const canned = createServer({ keepAlive: true }, (req, res) => {
  if (req.url === '/__last-request') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(last));
    return;
  }
  last = { method: req.method, url: req.url, rawHeaders: req.rawHeaders };
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

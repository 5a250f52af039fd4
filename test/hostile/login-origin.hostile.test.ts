/**
 * `lk auth login` against a server that redirects whoAmI to another origin (issue 12, item 7):
 * the key is dropped at the origin change, and the other origin's answer (here naming a user)
 * said nothing about the key, yet lk printed "Logged in". Now the SDK refuses a whoAmI answered
 * by a request that did not carry the key, and login fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, fromValue, type LabKeyError } from '@lk/sdk';
import { useTempHome } from '../helpers/temp-home.js';
import { runLk } from '../helpers/run-lk.js';

const KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000000000def';
let a: Server;
let b: Server;
let aUrl: string;
let bSawKey = false;

const listen = async (s: Server): Promise<string> => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  b = createServer((req, res) => {
    if (req.headers.apikey || req.headers.authorization) bSawKey = true;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 1005, email: 'mallory@other.test', displayName: 'mallory', CSRF: 'x', success: true }));
  });
  const bUrl = await listen(b);
  a = createServer((req, res) => {
    res.writeHead(302, { location: `${bUrl}${req.url}` });
    res.end();
  });
  aUrl = await listen(a);
});
afterAll(async () => {
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('a whoAmI answered by an origin that never saw the key', () => {
  it('is not taken as the key working (SDK)', async () => {
    const client = createClient({ baseUrl: aUrl, credentials: fromValue(KEY), retries: 0 });
    try {
      const e = (await client.whoAmI().catch((err: unknown) => err)) as LabKeyError;
      expect(e.code).toMatch(/^LK_/);
      expect(e.message).toMatch(/redirected to another origin/);
      expect(bSawKey).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe('lk auth login', () => {
  const home = useTempHome();
  it('does not say Logged in, and stores nothing', async () => {
    const r = await runLk(['auth', 'login', '--server', aUrl, '--with-token', '--store', 'netrc'], { home, stdin: `${KEY}\n` });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/Logged in/);
    expect(home.netrcExists() ? home.readNetrc() : '').not.toContain(KEY);
    expect(bSawKey).toBe(false);
  });
});

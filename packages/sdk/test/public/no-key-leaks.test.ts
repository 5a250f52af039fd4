// No key value appears in any error or debug line the SDK produces: a full tour (key creation,
// queries, every failure kind, every credential source and form) with every output captured and
// searched in every printable form (util.inspect, JSON.stringify, String, message, hint, stack).
import { inspect } from 'node:util';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { createMemoryKeychain, keychainAccountFor, KEYCHAIN_SERVICE, setDebugSink, type AuthScheme, type LabKeyClient } from '@lk/sdk';
import { clientFor, netrcHome, rawServer, type RawServer } from './helpers.js';

let server: MockServer;
let legacy: MockServer;
let raws: RawServer[] = [];
const keys = new Set<string>();
const errors: unknown[] = [];
const lines: string[] = [];
let restoreSink: ReturnType<typeof setDebugSink>;

beforeAll(async () => {
  server = await startMockServer();
  legacy = await startMockServer({ legacyAuth: true });
  restoreSink = setDebugSink((l) => lines.push(l));
});
afterAll(async () => {
  setDebugSink(restoreSink);
  await Promise.all([server.close(), legacy.close(), ...raws.map((r) => r.close())]);
});

function issue(s: MockServer, email = 'alice@lk.test'): string {
  const k = s.state.issueApiKey(email, { description: 'leak test' }).key;
  keys.add(k);
  return k;
}
function fake(hex: string): string {
  const k = hex.repeat(64 / hex.length);
  keys.add(k);
  return k;
}
async function capture(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    errors.push(e);
  }
}
/** Every printable form of an error, its cause chain included. */
function printable(e: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const o = cur as { message?: unknown; hint?: unknown; stack?: unknown; cause?: unknown };
    out.push(inspect(cur, { depth: 10, showHidden: true }), JSON.stringify(cur) ?? '', String(cur), String(o.message), String(o.hint), String(o.stack));
    cur = o.cause;
  }
  return out;
}

test('a full tour produces errors and debug lines, none holding a key', async () => {
  const forms: AuthScheme[] = ['apikey', 'basic', 'bearer'];
  const bearerServer = await startMockServer({ bearer: true });
  try {
    for (const auth of forms) {
      const s = auth === 'bearer' ? bearerServer : server;
      const good = issue(s);
      const c: LabKeyClient = clientFor(s, { apiKey: good, auth }, lines);
      await c.whoAmI();
      const created = await c.createApiKey({ description: 'made in leak test' });
      keys.add(created.apiKey.reveal());
      expect(inspect(created)).not.toContain(created.apiKey.reveal());
      expect(JSON.stringify(created)).not.toContain(created.apiKey.reveal());
      await c.selectRows({ schemaName: 'lists', queryName: 'People' });
      await capture(c.selectRows({ schemaName: 'lists', queryName: 'Nope' })); // 404
      await capture(c.request({ controller: 'security', action: 'createApiKey', method: 'GET' })); // 405
      await capture(c.request({ controller: 'security', action: 'createApiKey', method: 'POST', json: {} })); // 500
      await capture(c.request({ controller: 'user', action: 'impersonateUser', method: 'POST', json: { email: 'bob@lk.test' } })); // 403
      await capture(c.insertRows({ schemaName: 'lists', queryName: 'People', rows: [{ Age: 'not a number' }] })); // 400/500
      await c.revokeApiKey(created.info.rowId!);
      await capture(clientFor(s, { apiKey: created.apiKey, auth, keyInfo: { get: () => created.info } }, lines).whoAmI()); // revoked
      await capture(clientFor(s, { apiKey: 'apikey|' + good, auth }, lines).whoAmI()); // prefixed
      await c.close();
    }
    // Sources: env (malformed, quoted), netrc default entry (wrong host), env shadowing a keychain entry.
    const quoted = issue(server);
    keys.add(`"${quoted}"`);
    await capture(clientFor(server, { resolveContext: { env: { LABKEY_API_KEY: `"${quoted}"` } } }, lines).whoAmI());
    const home = netrcHome(`machine elsewhere.example.org login apikey password ${fake('ab')}\ndefault login apikey password ${fake('cd')}\n`);
    await capture(clientFor(server, { resolveContext: { homedir: home } }, lines).whoAmI());
    const keychain = createMemoryKeychain();
    const stored = issue(server);
    await keychain.set(KEYCHAIN_SERVICE, keychainAccountFor(server.url), stored);
    await capture(clientFor(server, { resolveContext: { keychain, env: { LABKEY_API_KEY: fake('ef') } } }, lines).whoAmI());
    await capture(clientFor(legacy, { apiKey: fake('12') }, lines).whoAmI()); // legacy guest
    await capture(clientFor(legacy, { apiKey: fake('12') }, lines).selectRows({ schemaName: 'core', queryName: 'UserAPIKeys' }));
    // Transport failures.
    const hung = await rawServer(() => {});
    const broken = await rawServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '99' });
      res.end('{"a":');
    });
    raws = [hung, broken];
    const k = fake('9a');
    await capture(clientFor(server, { baseUrl: hung.origin, apiKey: k, timeouts: { headers: 200 } }, lines).whoAmI());
    await capture(clientFor(server, { baseUrl: broken.origin, apiKey: k, auth: 'basic' }, lines).whoAmI());
    const port = hung.port;
    await hung.close();
    await capture(clientFor(server, { baseUrl: `http://127.0.0.1:${port}`, apiKey: k }, lines).whoAmI());
    await capture(clientFor(server, { resolveContext: { env: {} } }, lines).selectRows({ schemaName: 'lists', queryName: 'People' })); // no credentials
  } finally {
    await bearerServer.close();
  }

  // The tour really produced what it is meant to check.
  const codes = new Set(errors.map((e) => (e as { code: string }).code));
  for (const c of ['LK_NOT_FOUND', 'LK_METHOD_NOT_ALLOWED', 'LK_SERVER_ERROR', 'LK_FORBIDDEN', 'LK_API_KEY_REJECTED', 'LK_TIMEOUT', 'LK_BAD_RESPONSE', 'LK_NETWORK', 'LK_NO_CREDENTIALS']) {
    expect(codes).toContain(c);
  }
  const reasons = new Set(errors.map((e) => (e as { reason?: string }).reason).filter(Boolean));
  for (const r of ['revoked', 'prefixed', 'malformed', 'wrong-host', 'shadowed', 'legacy-guest']) expect(reasons).toContain(r);
  expect(lines.some((l) => /^GET http:\/\/127\.0\.0\.1:\d+\/labkey\/login-whoAmI\.api apikey-header from option fp=[0-9a-f]{8}/.test(l))).toBe(true);
  expect(lines.some((l) => /basic-apikey from option fp=/.test(l))).toBe(true);
  expect(lines.some((l) => /bearer from option fp=/.test(l))).toBe(true);
  expect(lines.some((l) => /from env:LABKEY_API_KEY fp=/.test(l))).toBe(true);
  expect(lines.some((l) => /from netrc:.*\.netrc:2 fp=/.test(l))).toBe(true);
  expect(lines.some((l) => /^credentials:/.test(l))).toBe(true);

  const haystack = [...errors.flatMap(printable), ...lines];
  expect(keys.size).toBeGreaterThan(10);
  for (const key of keys) {
    const b64 = Buffer.from(`apikey:${key}`).toString('base64');
    for (const text of haystack) {
      if (text.includes(key) || text.includes(b64)) throw new Error(`a key leaked into: ${text.slice(0, 300)}`);
    }
  }
});

test('without a client sink, request lines go through the SDK debug log (NODE_DEBUG=lk)', async () => {
  const before = lines.length;
  const key = issue(server);
  const c = clientFor(server, { apiKey: key, debug: undefined });
  await c.whoAmI();
  await c.close();
  const mine = lines.slice(before).filter((l) => l.startsWith('http => '));
  expect(mine.some((l) => /GET http:\/\/127\.0\.0\.1:\d+\/labkey\/login-whoAmI\.api apikey-header from option fp=/.test(l))).toBe(true);
  for (const l of lines.slice(before)) expect(l).not.toContain(key);
});

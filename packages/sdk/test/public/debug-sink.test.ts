// The debug sink a client is given receives the credential sources' lines (env, keychain, netrc,
// the chain's choice) as well as the request lines; the process-wide log (NODE_DEBUG=lk, or the
// sink `setDebugSink` installs) stays the default for a client given none. No line holds a key.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { createClient, createMemoryKeychain, setDebugSink } from '@lk/sdk';
import { clientFor, netrcHome, tempHome } from './helpers.js';

let server: MockServer;
const global: string[] = [];
let restore: ReturnType<typeof setDebugSink>;

beforeAll(async () => {
  server = await startMockServer();
  restore = setDebugSink((l) => global.push(l));
});
afterAll(async () => {
  setDebugSink(restore);
  await server.close();
});
beforeEach(() => {
  global.length = 0;
});

function keyForms(key: string): string[] {
  return [key, Buffer.from(`apikey:${key}`).toString('base64')];
}

test('a client given a sink receives its credential sources’ debug lines, without the key', async () => {
  const envKey = server.state.issueApiKey('alice@lk.test').key;
  const netrcKey = server.state.issueApiKey('bob@lk.test').key;
  const host = new URL(server.url).hostname;
  const fromEnv: string[] = [];
  const fromNetrc: string[] = [];
  const a = clientFor(server, { resolveContext: { env: { LABKEY_API_KEY: envKey } } }, fromEnv);
  const b = clientFor(server, { resolveContext: { homedir: netrcHome(`machine ${host} login apikey password ${netrcKey}\n`), keychain: createMemoryKeychain() } }, fromNetrc);
  try {
    expect((await a.whoAmI()).email).toBe('alice@lk.test');
    expect((await b.whoAmI()).email).toBe('bob@lk.test');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }

  expect(fromEnv).toEqual(
    expect.arrayContaining([
      'credentials:env => found LABKEY_API_KEY',
      expect.stringMatching(/^credentials:chain => using env:LABKEY_API_KEY \(key [0-9a-f]{8}\)$/),
      expect.stringMatching(/^GET .*login-whoAmI\.api apikey-header from env:LABKEY_API_KEY fp=[0-9a-f]{8}$/),
    ]),
  );
  expect(fromNetrc).toEqual(
    expect.arrayContaining([
      'credentials:env => not found LABKEY_API_KEY',
      'credentials:keychain => not found service lk account ' + server.url.replace(/\/$/, ''),
      expect.stringMatching(new RegExp(`^credentials:netrc => found .*\\.netrc:1 for ${host.replace(/\./g, '\\.')}$`)),
      expect.stringMatching(/^credentials:chain => using netrc:.*\.netrc:1 \(key [0-9a-f]{8}\)$/),
    ]),
  );
  // Each client's lines went to its own sink only.
  expect(fromEnv.some((l) => l.includes('netrc'))).toBe(false);
  expect(fromNetrc.some((l) => l.startsWith('credentials:env => found'))).toBe(false);
  expect(global.filter((l) => l.startsWith('credentials:'))).toEqual([]);
  for (const line of [...fromEnv, ...fromNetrc]) {
    for (const form of [...keyForms(envKey), ...keyForms(netrcKey)]) expect(line).not.toContain(form);
  }
});

test('a client given no sink writes the sources’ lines to the process-wide debug log', async () => {
  const key = server.state.issueApiKey('alice@lk.test').key;
  const home = tempHome();
  const c = createClient({ baseUrl: server.url, retries: 0, resolveContext: { env: { LABKEY_API_KEY: key }, homedir: home.dir, keychain: undefined } });
  try {
    await c.whoAmI();
  } finally {
    await c.close();
    home.cleanup();
  }
  expect(global).toEqual(expect.arrayContaining(['credentials:env => found LABKEY_API_KEY', expect.stringMatching(/^credentials:chain => using env:LABKEY_API_KEY/)]));
  for (const line of global) for (const form of keyForms(key)) expect(line).not.toContain(form);
});

// A client is an object people log (`console.log(client)`) or serialise by accident. Its printed
// forms must not carry the key it was given or resolved, nor the auth headers it built from it.
import { inspect } from 'node:util';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { clientFor } from './helpers.js';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());

function printed(v: unknown): string {
  return [inspect(v, { depth: 20 }), inspect(v, { depth: null, getters: true }), JSON.stringify(v) ?? '', String(v)].join('\n');
}

test.each([
  ['an apiKey option', (key: string) => ({ apiKey: key })],
  ['LABKEY_API_KEY in the environment', (key: string) => ({ resolveContext: { env: { LABKEY_API_KEY: key } } })],
])('a used client given %s prints no key, in any form, in .extend() copies too', async (_name, opts) => {
  const key = server.state.issueApiKey('alice@lk.test').key;
  const c = clientFor(server, opts(key));
  // After requests: the resolved credential, its headers and the CSRF state are all in memory.
  expect((await c.whoAmI()).email).toBe('alice@lk.test');
  await c.insertRows({ schemaName: 'lists', queryName: 'people', rows: [{ name: 'printing' }] }).catch(() => undefined);
  const copy = c.extend({ container: '/home' });
  for (const v of [c, copy]) {
    const out = printed(v);
    expect(out).toContain(server.url); // still useful to print
    expect(out).not.toContain(key);
    expect(out).not.toContain(Buffer.from(`apikey:${key}`).toString('base64'));
  }
  await c.close();
});

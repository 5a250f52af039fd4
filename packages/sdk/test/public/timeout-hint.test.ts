// A timeout's hint says how to raise that timeout (the option, and lk's --timeout / LK_TIMEOUT),
// not just "raise the timeout" with no way named.
import { createServer, type Server } from 'node:net';
import { createClient, isTimeoutError } from '@lk/sdk';

let hung: Server;
let url: string;
beforeAll(async () => {
  // Accepts the connection, reads the request, never answers.
  hung = createServer((socket) => socket.on('data', () => {}));
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  const a = hung.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/labkey`;
});
afterAll(async () => {
  hung.closeAllConnections?.();
  await new Promise((r) => hung.close(r));
});

test('no response headers in time: the hint names timeouts.headers and lk --timeout SECONDS / LK_TIMEOUT', async () => {
  const client = createClient({ baseUrl: url, apiKey: 'a'.repeat(64), retries: 0, timeouts: { headers: 300, total: 10_000 } });
  try {
    const e = await client.selectRows({ schemaName: 'lists', queryName: 'People' }).then(() => undefined, (x: unknown) => x);
    expect(isTimeoutError(e)).toBe(true);
    expect(e).toMatchObject({ phase: 'headers' });
    expect((e as { hint: string }).hint).toBe('The server is slow or unreachable: check it with `lk doctor`, or raise the limit with `timeouts: { headers }` (lk: --timeout SECONDS or LK_TIMEOUT).');
  } finally {
    await client.close();
  }
});

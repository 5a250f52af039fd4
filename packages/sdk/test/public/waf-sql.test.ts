// executeSql on servers before LabKey 23.9, which do not decode WAF-encoded SQL (protocol §4.3;
// found by running LabKey's real Python client against the mock): the SDK sends WAF-encoded SQL by
// default, as the official clients do, and when the server parses the encoded text as SQL it sends
// the statement once more as plain SQL, then sends plain SQL to that server from then on.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { ErrorCodes, wafEncode } from '@lk/sdk';
import { clientFor, rejection } from './helpers.js';

const sqlCalls = (server: MockServer) => server.requests.filter((r) => r.action?.toLowerCase() === "executesql").length;

describe.each([['22.11'], ['23.3'], ['24.3'], ['26.7']])('LabKey %s', (version) => {
  const decodes = version !== '22.11' && version !== '23.3';
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ labkeyVersion: version });
  });
  afterAll(() => server.close());

  test('executeSql with the default options returns the rows', async () => {
    const c = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
    const before = sqlCalls(server);
    const r = await c.executeSql({ schemaName: 'lists', sql: "SELECT Name FROM People WHERE Name <> 'x'" });
    expect(r.rows.length).toBeGreaterThan(0);
    // One request where the server decodes WAF text; two (encoded, then plain) where it does not.
    expect(sqlCalls(server) - before).toBe(decodes ? 1 : 2);
    // The client remembers: the next statement to this server is sent the right way at once.
    const again = sqlCalls(server);
    await c.executeSql({ schemaName: 'lists', sql: 'SELECT Name FROM People' });
    expect(sqlCalls(server) - again).toBe(1);
    await c.close();
  });

  test('a real syntax error is reported as the plain SQL\'s error, and sent once when the client knows the server', async () => {
    const c = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
    // A fresh client does not know the server yet: at most the encoded form and the plain one.
    let before = sqlCalls(server);
    const first = await rejection(c.executeSql({ schemaName: 'lists', sql: 'SELEC Name FROM People' }));
    expect(first.code).toBe(ErrorCodes.SERVER_ERROR);
    expect(first.message).not.toMatch(/base64|wafText/);
    expect(sqlCalls(server) - before).toBeLessThanOrEqual(2);
    // Once a statement succeeded, the client knows: one request, the right form.
    await c.executeSql({ schemaName: 'lists', sql: 'SELECT Name FROM People' });
    before = sqlCalls(server);
    const again = await rejection(c.executeSql({ schemaName: 'lists', sql: 'SELEC Name FROM People' }));
    expect(again.code).toBe(ErrorCodes.SERVER_ERROR);
    expect(sqlCalls(server) - before).toBe(1);
    await c.close();
  });

  test('wafEncode: true is sent as asked, with no plain retry', async () => {
    const c = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
    const before = sqlCalls(server);
    const p = c.executeSql({ schemaName: 'lists', sql: 'SELECT Name FROM People', wafEncode: true });
    if (decodes) expect((await p).rows.length).toBeGreaterThan(0);
    else expect((await rejection(p)).code).toBe(ErrorCodes.SERVER_ERROR);
    expect(sqlCalls(server) - before).toBe(1);
    expect(wafEncode('SELECT 1')).toMatch(/^\/\*\{\{base64/);
    await c.close();
  });
});

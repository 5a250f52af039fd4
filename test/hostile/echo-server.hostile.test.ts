/**
 * A server that reflects the request into its 4xx/5xx bodies. The key in
 * use, in every form it was sent (apikey header, Basic, Bearer, URL-encoded), must not appear in
 * any form of the SDK's error (message, stack, JSON.stringify, util.inspect, each field) nor in
 * lk's stdout, stderr or --json output.
 */
import { inspect } from 'node:util';
import { createHash } from 'node:crypto';
import { createClient, fromValue, type AuthScheme, type LabKeyError } from '@lk/sdk';
import { startEchoServer, type EchoServer, type EchoShape } from './helpers/echo-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { runLk } from '../helpers/run-lk.js';

const KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000000000777';
const FP = createHash('sha256').update(KEY).digest('hex').slice(0, 8);
const FORMS = [KEY, Buffer.from(`apikey:${KEY}`).toString('base64'), Buffer.from(KEY).toString('base64')];

let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());

function expectClean(label: string, text: string): void {
  for (const f of FORMS) {
    if (text.includes(f)) throw new Error(`${label} holds the key (form ${FORMS.indexOf(f)}): ${text.slice(0, 300)}`);
  }
}

function errorForms(e: LabKeyError): string[] {
  return [e.message, String(e.stack), JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), e.detail, e.hint ?? '', JSON.stringify(e.toJSON())];
}

const CASES: [number, EchoShape][] = [
  [400, 'json'],
  [400, 'errors'],
  [401, 'text'],
  [403, 'json'],
  [404, 'json'],
  [404, 'html'],
  [405, 'text'],
  [418, 'json'],
  [500, 'json'],
  [500, 'html'],
  [503, 'text'],
  [200, 'text'],
];

describe('a server that echoes the request cannot put the key into an SDK error', () => {
  for (const auth of ['apikey', 'basic', 'bearer'] as AuthScheme[]) {
    it(`scrubs every error form (auth ${auth})`, async () => {
      const client = createClient({ baseUrl: echo.url, credentials: fromValue(KEY), auth, retries: 0 });
      try {
        let checked = 0;
        for (const [status, shape] of CASES) {
          echo.set(status, shape);
          for (const call of [
            () => client.selectRows({ schemaName: 'lists', queryName: 'People', filterArray: [] } as never),
            () => client.executeSql({ schemaName: 'lists', sql: `SELECT '${encodeURIComponent(KEY)}'` } as never),
          ]) {
            const e = (await call().then(
              () => undefined,
              (err: unknown) => err,
            )) as LabKeyError | undefined;
            expect(e?.code).toMatch(/^LK_/);
            for (const form of errorForms(e!)) expectClean(`${status} ${shape} ${e!.code}`, form);
            checked++;
          }
        }
        expect(checked).toBe(CASES.length * 2);
      } finally {
        await client.close();
      }
    });
  }

  it('replaces the key with its fingerprint, so the reflection is still readable', async () => {
    echo.set(500, 'json');
    const client = createClient({ baseUrl: echo.url, credentials: fromValue(KEY), retries: 0 });
    try {
      const e = (await client.whoAmI().catch((err: unknown) => err)) as LabKeyError & { serverException?: string };
      expect(e.serverException).toContain(`"apikey":"[key fp=${FP}]"`);
      expect(e.message).toContain(`[key fp=${FP}]`);
    } finally {
      await client.close();
    }
  });
});

describe('lk prints no key from an echoing server', () => {
  const home = useTempHome();

  it('on stdout, stderr and --json output, for each failing status', async () => {
    const env = { LABKEY_API_KEY: KEY, LABKEY_SERVER: echo.url };
    let runs = 0;
    for (const [status, shape] of [[400, 'json'], [403, 'json'], [404, 'html'], [500, 'json'], [401, 'text']] as [number, EchoShape][]) {
      echo.set(status, shape);
      for (const args of [
        ['query', 'select', 'lists', 'People'],
        ['query', 'sql', 'SELECT 1', '--schema', 'lists'],
        ['keys', 'list', '--json'],
        ['auth', 'status', '--json'],
        ['api', 'query-selectRows.api', '-f', 'schemaName=lists'],
      ]) {
        const r = await runLk(args, { home, env });
        expect(r.code).not.toBe(0);
        expect(r.stdout + r.stderr).not.toBe('');
        expectClean(`stdout of lk ${args.join(' ')} (${status})`, r.stdout);
        expectClean(`stderr of lk ${args.join(' ')} (${status})`, r.stderr);
        runs++;
      }
    }
    // Login with the key on stdin: the server's 4xx text is reported without it.
    echo.set(403, 'json');
    const login = await runLk(['auth', 'login', '--server', echo.url, '--with-token'], { home, stdin: `${KEY}\n` });
    expect(login.code).not.toBe(0);
    expectClean('lk auth login', login.stdout + login.stderr);
    expect(runs).toBe(25);
  }, 120_000);
});

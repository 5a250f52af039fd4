import { startMockServer, type MockServer } from '@lk/mock-server';
import { ErrorCodes, isApiKeyRejectedError, isNoCredentialsError } from '@lk/sdk';
import { clientFor, logFor, mockWithAlice, rejection } from './helpers.js';

let server: MockServer;
let key: string;

mockWithAlice((s, k) => ((server = s), (key = k)), { description: 'test' });

describe('each credential form arrives as sent', () => {
  test.each([
    ['apikey', 'apikey-header'],
    ['basic', 'basic-apikey'],
  ] as const)('auth %s → %s', async (auth, form) => {
    const c = clientFor(server, { apiKey: key, auth });
    const me = await c.whoAmI();
    expect(me.email).toBe('alice@lk.test');
    const last = logFor(server, 'whoAmI').at(-1)!;
    expect(last.authForm).toBe(form);
    expect(last.user).toBe('alice@lk.test');
    expect(last.credentialFingerprint).toBe((await c.credential()).fingerprint);
    await c.close();
  });

  test('auth bearer on a server that accepts Bearer', async () => {
    const s2 = await startMockServer({ bearer: true });
    const k2 = s2.state.issueApiKey('bob@lk.test').key;
    const c = clientFor(s2, { apiKey: k2, auth: 'bearer' });
    expect((await c.whoAmI()).email).toBe('bob@lk.test');
    expect(logFor(s2, 'whoAmI').at(-1)!.authForm).toBe('bearer');
    await c.close();
    await s2.close();
  });
});

describe('no key at all', () => {
  test('guest whoAmI works; a protected query gives NoCredentialsError with the trail', async () => {
    const c = clientFor(server);
    const me = await c.whoAmI();
    expect(me.id).toBe(0);
    expect(logFor(server, 'whoAmI').at(-1)!.authForm).toBe('none');
    const e = await rejection(c.selectRows({ schemaName: 'core', queryName: 'UserAPIKeys' }));
    expect(isNoCredentialsError(e)).toBe(true);
    expect(e.code).toBe(ErrorCodes.NO_CREDENTIALS);
    expect(e.message).toMatch(/LABKEY_API_KEY not set/);
    expect(e.hint).toMatch(/lk auth login/);
    await c.close();
  });
});

describe('a rejected key', () => {
  test('unknown 64-hex key → ApiKeyRejectedError naming the option as source', async () => {
    const c = clientFor(server, { apiKey: 'a'.repeat(64) });
    const e = await rejection(c.whoAmI());
    expect(isApiKeyRejectedError(e)).toBe(true);
    expect(e.status).toBe(401);
    expect(e.reason).toBe('unknown');
    expect(e.source).toBe('option');
    expect(e.serverException).toBe('The API key you provided is invalid.'); // the default mock is 26.7
    expect(e.hint).toMatch(/lk auth login/);
    await c.close();
  });
});

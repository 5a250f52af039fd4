import { Secret } from '../redact/secret.js';
import { authHeadersFor } from './auth-scheme.js';

const key = '0f'.repeat(32);
const cred = (k: string) => ({ apiKey: new Secret(k), source: 'env:LABKEY_API_KEY', details: { variable: 'LABKEY_API_KEY' } });

describe('authHeadersFor', () => {
  test('apikey: the apikey header only', () => {
    expect(authHeadersFor(cred(key), 'apikey')).toEqual({ apikey: key });
  });
  test('basic: Authorization Basic apikey:KEY', () => {
    const h = authHeadersFor(cred(key), 'basic');
    expect(Object.keys(h)).toEqual(['authorization']);
    expect(Buffer.from(h.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe(`apikey:${key}`);
  });
  test('bearer: Authorization Bearer KEY', () => {
    expect(authHeadersFor(cred(key), 'bearer')).toEqual({ authorization: `Bearer ${key}` });
  });
  test('default is apikey', () => {
    expect(authHeadersFor(cred(key))).toEqual({ apikey: key });
  });
  test('a legacy apikey| prefix is part of the key and kept', () => {
    expect(authHeadersFor(cred('apikey|' + 'a'.repeat(32)), 'apikey')).toEqual({ apikey: 'apikey|' + 'a'.repeat(32) });
  });
  test('surrounding whitespace is trimmed', () => {
    expect(authHeadersFor(cred(`  ${key}\n`), 'apikey')).toEqual({ apikey: key });
  });
  test('inner whitespace or control characters are refused, naming the source and not the key', () => {
    expect(() => authHeadersFor(cred(`${key} x`), 'apikey')).toThrow(/from the environment variable LABKEY_API_KEY contains whitespace/);
    try {
      authHeadersFor(cred(`${key}\r\nx-evil: 1`), 'apikey');
      throw new Error('no throw');
    } catch (e) {
      expect((e as Error).message).not.toContain(key);
      expect((e as { code: string }).code).toBe('LK_INVALID_ARGUMENT');
    }
  });
  test('a non-ASCII character (a pasted zero-width space, an emoji) is refused as such, in every scheme', () => {
    // undici refuses such header values with UND_ERR_INVALID_ARG, which reads as a network failure.
    for (const bad of [`${key}\u200b`, `\u200b${key}`, `${key.slice(0, 63)}é`, `${key}😀`]) {
      for (const scheme of ['apikey', 'basic', 'bearer'] as const) {
        let err: unknown;
        try {
          authHeadersFor(cred(bad), scheme);
        } catch (e) {
          err = e;
        }
        expect((err as { code?: string })?.code).toBe('LK_INVALID_ARGUMENT');
        // Named as the rest of lk names a source (before: "The API key from env:LABKEY_API_KEY …", and "into that source").
        expect((err as Error).message).toMatch(/from the environment variable LABKEY_API_KEY contains a non-ASCII character/);
        expect((err as { hint?: string }).hint).toBe('Copy the key again as plain text (64 hex characters) into the environment variable LABKEY_API_KEY, or run `lk doctor`.');
        expect((err as Error).message).not.toContain(key);
      }
    }
  });
  test('a key from a netrc file is named by its file and line', () => {
    const netrc = { apiKey: new Secret(`${key}\u200b`), source: 'netrc:~/.netrc', details: { file: '/home/u/.netrc', line: 3 } };
    expect(() => authHeadersFor(netrc)).toThrow(/^\[lk-sdk\] The API key from \/home\/u\/\.netrc line 3 contains a non-ASCII character/);
  });
  test('empty and unknown scheme', () => {
    expect(() => authHeadersFor(cred('   '), 'apikey')).toThrow(/empty/);
    expect(() => authHeadersFor(cred(key), 'digest' as never)).toThrow(/Unknown auth scheme/);
  });
  test('the result is frozen (shared across requests)', () => {
    expect(Object.isFrozen(authHeadersFor(cred(key), 'apikey'))).toBe(true);
  });
});

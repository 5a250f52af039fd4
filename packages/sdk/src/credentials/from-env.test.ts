import { fromEnv, ENV_API_KEY, ENV_SERVER } from './from-env.js';
import { defaultResolveContext } from './default-chain.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import { setDebugSink } from '../debug.js';
import type { Credential, ResolveContext } from './types.js';

const KEY = 'lk_test_0000000000000000000000000000000000000001';
const SERVER = 'https://lk.example.org/labkey';

function ctx(env: Record<string, string>, server: string | null = SERVER): ResolveContext {
  return defaultResolveContext(server ?? undefined, { env, homedir: undefined, keychain: undefined });
}

describe('fromEnv', () => {
  afterEach(() => {
    setDebugSink(undefined);
  });

  it('exports the variable names as constants', () => {
    expect(ENV_API_KEY).toBe('LABKEY_API_KEY');
    expect(ENV_SERVER).toBe('LABKEY_SERVER');
  });

  it('reads LABKEY_API_KEY, trimmed, as source env:LABKEY_API_KEY', async () => {
    const result = (await fromEnv().resolve(ctx({ LABKEY_API_KEY: `${KEY}\n` }))) as Credential;
    expect(result.source).toBe('env:LABKEY_API_KEY');
    expect(result.apiKey.reveal()).toBe(KEY);
    expect(result.fingerprint).toBe(fingerprintKey(KEY));
    expect(result.details).toEqual({ variable: 'LABKEY_API_KEY' });
  });

  it('skips when the variable is unset or blank', async () => {
    expect(await fromEnv().resolve(ctx({}))).toEqual({ skipped: true, reason: 'LABKEY_API_KEY not set' });
    expect(await fromEnv().resolve(ctx({ LABKEY_API_KEY: '  ' }))).toEqual({
      skipped: true,
      reason: 'LABKEY_API_KEY is set but blank',
    });
  });

  it('uses the key when LABKEY_SERVER names the same server (any case, default port, other path)', async () => {
    for (const envServer of ['https://LK.example.org', 'https://lk.example.org:443/labkey/', 'lk.example.org']) {
      const result = await fromEnv().resolve(ctx({ LABKEY_API_KEY: KEY, LABKEY_SERVER: envServer }));
      expect(result).toMatchObject({ source: 'env:LABKEY_API_KEY' });
    }
  });

  it('skips, naming both servers, when LABKEY_SERVER names a different server', async () => {
    const cases: Array<[string, string]> = [
      ['https://other.example.org/labkey', 'https://other.example.org/labkey'],
      ['https://lk.example.org:8443/labkey', 'https://lk.example.org:8443/labkey'],
      ['http://lk.example.org/labkey', 'http://lk.example.org/labkey'],
      ['https://me:pw@other.example.org/', 'https://other.example.org'],
    ];
    for (const [envServer, shown] of cases) {
      const result = await fromEnv().resolve(ctx({ LABKEY_API_KEY: KEY, LABKEY_SERVER: envServer }));
      expect(result).toEqual({
        skipped: true,
        reason: `LABKEY_API_KEY belongs to LABKEY_SERVER=${shown}, not https://lk.example.org/labkey`,
      });
    }
  });

  it('does not send the key anywhere when LABKEY_SERVER cannot be parsed', async () => {
    const result = await fromEnv().resolve(ctx({ LABKEY_API_KEY: KEY, LABKEY_SERVER: 'ftp://x' }));
    expect(result).toMatchObject({ skipped: true, reason: expect.stringContaining('LABKEY_SERVER is not a valid URL') });
  });

  it('uses the key when there is no target server to compare with', async () => {
    const result = await fromEnv().resolve(ctx({ LABKEY_API_KEY: KEY, LABKEY_SERVER: 'https://other.example.org' }, null));
    expect(result).toMatchObject({ source: 'env:LABKEY_API_KEY' });
  });

  it('logs the variable names it saw, never the value', async () => {
    const lines: string[] = [];
    setDebugSink((l) => lines.push(l));
    await fromEnv().resolve(ctx({ LABKEY_API_KEY: KEY, LABKEY_SERVER: SERVER }));
    expect(lines).toEqual(['credentials:env => found LABKEY_API_KEY, LABKEY_SERVER']);
  });
});

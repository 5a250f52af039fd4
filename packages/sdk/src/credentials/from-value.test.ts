import { fromValue } from './from-value.js';
import { defaultResolveContext } from './default-chain.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import { Secret } from '../redact/secret.js';
import type { Credential } from './types.js';

const KEY = 'lk_test_0000000000000000000000000000000000000001';
const ctx = defaultResolveContext('https://lk.example.org/labkey', { env: {}, homedir: undefined, keychain: undefined });

describe('fromValue', () => {
  it('returns the key passed in code as source `option`, trimmed, with its fingerprint', async () => {
    const result = (await fromValue(` ${KEY}\n`).resolve(ctx)) as Credential;
    expect(result.source).toBe('option');
    expect(result.apiKey.reveal()).toBe(KEY);
    expect(result.fingerprint).toBe(fingerprintKey(KEY));
    expect(result.details).toEqual({});
  });

  it('accepts a Secret', async () => {
    const result = (await fromValue(new Secret(KEY)).resolve(ctx)) as Credential;
    expect(result.apiKey.reveal()).toBe(KEY);
  });

  it('skips with a reason when no key was passed', async () => {
    expect(await fromValue(undefined).resolve(ctx)).toEqual({ skipped: true, reason: 'no apiKey option given' });
  });

  it('throws LK_INVALID_ARGUMENT for a blank key instead of falling through to another source', async () => {
    await expect(fromValue('  \n').resolve(ctx)).rejects.toMatchObject({ code: 'LK_INVALID_ARGUMENT' });
  });
});

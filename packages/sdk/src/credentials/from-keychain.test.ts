import { fromKeychain, keychainAccountFor, KEYCHAIN_SERVICE } from './from-keychain.js';
import { defaultResolveContext } from './default-chain.js';
import { createMemoryKeychain } from './keychain/memory-keychain.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import { KeychainError } from './keychain/keychain-error.js';
import { chain } from './chain.js';
import type { NoCredentialsError } from '../errors/credential-errors.js';
import type { Credential, Keychain } from './types.js';

const KEY = 'lk_test_0000000000000000000000000000000000000001';
const SERVER = 'https://lk.example.org/labkey';

const ctx = (keychain: Keychain | undefined, server: string | null = SERVER) =>
  defaultResolveContext(server ?? undefined, { env: {}, homedir: undefined, keychain });

describe('keychainAccountFor', () => {
  it.each([
    ['https://lk.example.org/labkey', 'https://lk.example.org/labkey'],
    ['HTTPS://LK.Example.org:443/labkey/', 'https://lk.example.org/labkey'],
    ['https://me:secret@lk.example.org/labkey?x=1#y', 'https://lk.example.org/labkey'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['lk.example.org', 'https://lk.example.org'],
  ])('%s → %s', (server, account) => {
    expect(keychainAccountFor(server)).toBe(account);
  });

  it('keeps two context paths on one host apart', () => {
    expect(keychainAccountFor('https://h/a')).not.toBe(keychainAccountFor('https://h/b'));
  });

  it('throws LK_INVALID_ARGUMENT for a non-http URL', () => {
    expect(() => keychainAccountFor('ftp://h')).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
  });
});

describe('fromKeychain', () => {
  it('uses service `lk` and the normalised base URL as account', async () => {
    expect(KEYCHAIN_SERVICE).toBe('lk');
    const keychain = createMemoryKeychain({ entries: { lk: { 'https://lk.example.org/labkey': ` ${KEY}\n` } } });
    const result = (await fromKeychain().resolve(ctx(keychain, 'https://LK.example.org/labkey/'))) as Credential;
    expect(result.source).toBe('keychain:lk/https://lk.example.org/labkey');
    expect(result.apiKey.reveal()).toBe(KEY);
    expect(result.fingerprint).toBe(fingerprintKey(KEY));
    expect(result.details).toEqual({ service: 'lk', account: 'https://lk.example.org/labkey' });
  });

  it('skips with a reason when there is no entry, no server or no keychain', async () => {
    const keychain = createMemoryKeychain();
    expect(await fromKeychain().resolve(ctx(keychain))).toEqual({
      skipped: true,
      reason: 'no entry for service lk, account https://lk.example.org/labkey in memory',
    });
    expect(await fromKeychain().resolve(ctx(keychain, null))).toMatchObject({ skipped: true, reason: expect.stringContaining('no server') });
    expect(await fromKeychain().resolve(ctx(undefined))).toEqual({ skipped: true, reason: 'no keychain available' });
  });

  it('skips when no keychain service is reachable (headless Linux), with the reason', async () => {
    const keychain = createMemoryKeychain({ fail: 'unavailable' });
    const result = await fromKeychain().resolve(ctx(keychain));
    expect(result).toEqual({ skipped: true, reason: 'memory keychain: simulated unavailable', unavailable: true });
  });

  it("keeps the keychain's own text out of the reason: it goes in `detail`, and a no-key error says the plain reason once", async () => {
    const native = 'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files';
    const keychain: Keychain = {
      name: 'Secret Service',
      get: async () => {
        throw new KeychainError('unavailable', 'get', 'No keychain here: the D-Bus session has no Secret Service.', { native });
      },
      set: async () => undefined,
      delete: async () => false,
    };
    expect(await fromKeychain().resolve(ctx(keychain))).toEqual({ skipped: true, reason: 'No keychain here: the D-Bus session has no Secret Service', unavailable: true, detail: native });
    const none = { name: 'none', resolve: async () => ({ skipped: true as const, reason: 'nothing here' }) };
    const e = (await chain(fromKeychain(), none).resolve(ctx(keychain)).catch((x: unknown) => x)) as NoCredentialsError;
    expect(e.code).toBe('LK_NO_CREDENTIALS');
    expect(e.trail[0]).toEqual({ source: 'keychain', outcome: 'skipped', reason: 'No keychain here: the D-Bus session has no Secret Service', unavailable: true, detail: native });
    expect(e.message.match(/no keychain/gi)).toHaveLength(1);
    expect(e.message).not.toMatch(/DBus|freedesktop/);
    expect(JSON.parse(JSON.stringify(e)).trail[0].detail).toBe(native);
  });

  it('skips on the failure kinds listed in skipOn, with the reason, and still throws the others', async () => {
    const locked = createMemoryKeychain({ fail: 'locked' });
    expect(await fromKeychain({ skipOn: ['unavailable', 'locked'] }).resolve(ctx(locked))).toEqual({
      skipped: true,
      reason: 'memory keychain: simulated locked',
    });
    const timeout = createMemoryKeychain({ fail: 'timeout' });
    await expect(fromKeychain({ skipOn: ['locked'] }).resolve(ctx(timeout))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('uses another service name when given', async () => {
    const keychain = createMemoryKeychain({ entries: { 'lk-dev': { [SERVER]: KEY } } });
    expect(await fromKeychain({ service: 'lk-dev' }).resolve(ctx(keychain))).toMatchObject({ source: `keychain:lk-dev/${SERVER}` });
  });

  it.each(['locked', 'timeout'] as const)('by default skips, with the reason, when the keychain is %s', async (kind) => {
    const keychain = createMemoryKeychain({ fail: kind });
    expect(await fromKeychain().resolve(ctx(keychain))).toEqual({ skipped: true, reason: `memory keychain: simulated ${kind}` });
  });

  it.each(['locked', 'timeout'] as const)('throws LK_CREDENTIAL_STORE when the keychain is %s and skipOn is only unavailable', async (kind) => {
    const keychain = createMemoryKeychain({ fail: kind });
    await expect(fromKeychain({ skipOn: ['unavailable'] }).resolve(ctx(keychain))).rejects.toMatchObject({
      code: 'LK_CREDENTIAL_STORE',
      store: 'keychain',
      kind,
    });
  });

  it('throws LK_CREDENTIAL_STORE on any other keychain failure', async () => {
    const keychain = createMemoryKeychain({ fail: 'failure' });
    await expect(fromKeychain().resolve(ctx(keychain))).rejects.toMatchObject({
      code: 'LK_CREDENTIAL_STORE',
      store: 'keychain',
      kind: 'failure',
    });
  });
});

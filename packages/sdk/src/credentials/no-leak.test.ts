/**
 * No key value appears in any message, trail, reason, printable form of a credential, chain
 * result or error, nor in the debug log, whichever source it came from or failed in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { chain } from './chain.js';
import { defaultChain, defaultResolveContext } from './default-chain.js';
import { fromEnv } from './from-env.js';
import { fromKeychain } from './from-keychain.js';
import { fromNetrc } from './from-netrc.js';
import { fromValue } from './from-value.js';
import { createMemoryKeychain } from './keychain/memory-keychain.js';
import { createOsKeychain } from './keychain/os-keychain.js';
import { setDebugSink } from '../debug.js';
import { maskKey } from '../redact/mask.js';
import type { ResolveContext } from './types.js';

const SERVER = 'https://lk.example.org/labkey';
const KEYS = {
  option: 'lk_test_leak_option_00000000000000000000000001',
  env: 'lk_test_leak_env_0000000000000000000000000000002',
  keychain: 'lk_test_leak_keychain_000000000000000000000003',
  netrc: 'lk_test_leak_netrc_00000000000000000000000000004',
  email: 'lk_test_leak_email_password_0000000000000000005',
  broken: 'lk_test_leak_broken_quote_000000000000000000006',
  legacy: `apikey|${'7e'.repeat(32)}`,
};

let home: string;
const debugLines: string[] = [];
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lk-no-leak-'));
  setDebugSink((l) => debugLines.push(l));
});
afterEach(() => {
  setDebugSink(undefined);
  rmSync(home, { recursive: true, force: true });
});

/** Every printable form of a value. */
function printed(value: unknown): string {
  const forms = [
    String(value),
    `${value as string}`,
    JSON.stringify(value) ?? '',
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
  ];
  if (value instanceof Error) forms.push(value.message, value.stack ?? '', inspect(value.cause, { depth: Infinity }));
  return forms.join('\n');
}

function expectNoKey(text: string): void {
  for (const key of Object.values(KEYS)) {
    expect(text).not.toContain(key);
    // The distinctive tail too, in case something printed a slice of it.
    expect(text).not.toContain(key.slice(-20));
  }
}

function ctxWith(env: Record<string, string>, netrc?: string, keychain = createMemoryKeychain()): ResolveContext {
  if (netrc !== undefined) writeFileSync(join(home, '.netrc'), netrc, { mode: 0o600 });
  return defaultResolveContext(SERVER, { env: { HOME: home, ...env }, homedir: home, keychain });
}

describe('no key value leaks', () => {
  afterAll(() => {
    // Everything logged while the tests below ran.
    expect(debugLines.length).toBeGreaterThan(5);
    expectNoKey(debugLines.join('\n'));
  });

  it('from credentials, trails, shadowed info and resolveAll reports of every source', async () => {
    const keychain = createMemoryKeychain({ entries: { lk: { [SERVER]: KEYS.keychain } } });
    const ctx = ctxWith({ LABKEY_API_KEY: KEYS.env }, `machine lk.example.org login apikey password ${KEYS.netrc}\n`, keychain);
    const full = chain(fromValue(KEYS.option), fromEnv(), fromKeychain(), fromNetrc());
    const credential = await full.resolve(ctx, { inspectShadowed: true });
    expect(credential.apiKey.reveal()).toBe(KEYS.option);
    expect(credential.shadowed).toHaveLength(3);
    expectNoKey(printed(credential));
    expectNoKey(printed(credential.trail));
    const reports = await full.resolveAll(ctx);
    expect(reports.filter((r) => r.outcome === 'found')).toHaveLength(4);
    expectNoKey(printed(reports));
    for (const r of reports) expectNoKey(printed(r.credential));
  });

  it('from a legacy apikey| key and its mask', async () => {
    const ctx = ctxWith({ LABKEY_API_KEY: KEYS.legacy });
    const credential = await defaultChain().resolve(ctx);
    expect(credential.apiKey.reveal()).toBe(KEYS.legacy);
    expectNoKey(printed(credential));
    expectNoKey(maskKey(credential.apiKey));
  });

  it('from skip reasons: a non-apikey netrc login, a key in LABKEY_SERVER userinfo', async () => {
    let ctx = ctxWith({}, `machine lk.example.org login me@example.org password ${KEYS.email}\n`);
    let error = await defaultChain().resolve(ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LK_NO_CREDENTIALS' });
    expectNoKey(printed(error));

    ctx = ctxWith({ LABKEY_API_KEY: KEYS.env, LABKEY_SERVER: `https://apikey:${KEYS.netrc}@other.example.org/` });
    error = await defaultChain().resolve(ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LK_NO_CREDENTIALS' });
    expect((error as Error).message).toContain('LABKEY_SERVER=https://other.example.org');
    expectNoKey(printed(error));
  });

  it('from NetrcSyntaxError for a file whose bad token is the key', async () => {
    const ctx = ctxWith({}, `machine lk.example.org login apikey password "${KEYS.broken}\n`);
    const error = await defaultChain().resolve(ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LK_NETRC_SYNTAX' });
    expectNoKey(printed(error));
    const reports = await defaultChain().resolveAll(ctx);
    expect(reports[2]).toMatchObject({ outcome: 'error' });
    expectNoKey(printed(reports));
  });

  it('from keychain errors: a failed set on the OS adapter, and simulated locked/timeout', async () => {
    const os = createOsKeychain({ env: { PATH: '', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }, platform: 'linux' });
    const setError = await os.set('lk', SERVER, KEYS.keychain).catch((e: unknown) => e);
    expect(setError).toMatchObject({ code: 'LK_CREDENTIAL_STORE', kind: 'unavailable', operation: 'set' });
    expectNoKey(printed(setError));
    for (const fail of ['locked', 'timeout'] as const) {
      const keychain = createMemoryKeychain({ entries: { lk: { [SERVER]: KEYS.keychain } }, fail });
      // By default the chain passes over a locked or silent keychain with a reason in the trail…
      const skipped = await defaultChain().resolve(ctxWith({}, undefined, keychain)).catch((e: unknown) => e);
      expect(skipped).toMatchObject({ code: 'LK_NO_CREDENTIALS' });
      expect(String((skipped as Error).message)).toContain(`simulated ${fail}`);
      expectNoKey(printed(skipped));
      // …and a strict keychain source throws the keychain error itself.
      const error = await chain(fromKeychain({ skipOn: ['unavailable'] })).resolve(ctxWith({}, undefined, keychain)).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: fail });
      expectNoKey(printed(error));
    }
  }, 30_000);

  it('from InvalidArgumentError for a blank explicit key and a server URL holding a key', async () => {
    const blank = await fromValue('   ').resolve(ctxWith({})).catch((e: unknown) => e);
    expect(blank).toMatchObject({ code: 'LK_INVALID_ARGUMENT' });
    expectNoKey(printed(blank));
    const ctx = defaultResolveContext(`ftp://apikey:${KEYS.option}@h/`, { env: { HOME: home }, homedir: home, keychain: createMemoryKeychain() });
    const error = await defaultChain().resolve(ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LK_INVALID_ARGUMENT' });
    expectNoKey(printed(error));
  });
});

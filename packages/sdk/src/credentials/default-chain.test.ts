import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultChain, defaultResolveContext } from './default-chain.js';
import { createMemoryKeychain, type MemoryKeychain } from './keychain/memory-keychain.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import type { ResolveContext } from './types.js';

const SERVER = 'https://lk.example.org/labkey';
const OPTION_KEY = 'lk_test_0000000000000000000000000000000000000001';
const ENV_KEY = 'lk_test_0000000000000000000000000000000000000002';
const KEYCHAIN_KEY = 'lk_test_0000000000000000000000000000000000000003';
const NETRC_KEY = 'lk_test_0000000000000000000000000000000000000004';

let home: string;
let netrcFile: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lk-default-chain-'));
  netrcFile = join(home, '.netrc');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function setup(opts: { env?: boolean; keychain?: boolean; netrc?: string | false }): { ctx: ResolveContext; keychain: MemoryKeychain } {
  const keychain = createMemoryKeychain({ entries: opts.keychain ? { lk: { [SERVER]: KEYCHAIN_KEY } } : {} });
  if (opts.netrc !== false) {
    writeFileSync(netrcFile, opts.netrc ?? `machine lk.example.org login apikey password ${NETRC_KEY}\n`, { mode: 0o600 });
  }
  const env: Record<string, string> = { HOME: home };
  if (opts.env) env.LABKEY_API_KEY = ENV_KEY;
  return { ctx: defaultResolveContext(SERVER, { env, homedir: home, keychain }), keychain };
}

describe('defaultChain precedence: option → env → keychain → netrc', () => {
  it('an explicit apiKey option wins over everything, and nothing else is read', async () => {
    const { ctx, keychain } = setup({ env: true, keychain: true });
    const credential = await defaultChain({ apiKey: OPTION_KEY }).resolve(ctx);
    expect(credential.source).toBe('option');
    expect(credential.apiKey.reveal()).toBe(OPTION_KEY);
    expect(credential.trail).toEqual([{ source: 'option', outcome: 'found' }]);
    expect(keychain.calls).toBe(0);
  });

  it('env wins over keychain and netrc; the keychain is not asked and netrc not opened', async () => {
    // A broken netrc proves it is not read: parsing it would throw.
    const { ctx, keychain } = setup({ env: true, keychain: true, netrc: 'machine "unterminated\n' });
    const credential = await defaultChain().resolve(ctx);
    expect(credential.source).toBe('env:LABKEY_API_KEY');
    expect(credential.trail).toEqual([{ source: 'env', outcome: 'found' }]);
    expect(keychain.calls).toBe(0);
  });

  it('keychain wins over netrc', async () => {
    const { ctx } = setup({ keychain: true, netrc: 'machine "unterminated\n' });
    const credential = await defaultChain().resolve(ctx);
    expect(credential.source).toBe(`keychain:lk/${SERVER}`);
    expect(credential.apiKey.reveal()).toBe(KEYCHAIN_KEY);
    expect(credential.trail).toEqual([
      { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
      { source: 'keychain', outcome: 'found' },
    ]);
  });

  it('netrc is last, with the full trail', async () => {
    const { ctx } = setup({});
    const credential = await defaultChain().resolve(ctx);
    expect(credential.source).toBe(`netrc:${netrcFile}:1`);
    expect(credential.apiKey.reveal()).toBe(NETRC_KEY);
    expect(credential.trail).toEqual([
      { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
      { source: 'keychain', outcome: 'skipped', reason: `no entry for service lk, account ${SERVER} in memory` },
      { source: 'netrc', outcome: 'found' },
    ]);
  });

  it('falls through to netrc when no keychain service is reachable', async () => {
    const { ctx, keychain } = setup({});
    keychain.fail = 'unavailable';
    const credential = await defaultChain().resolve(ctx);
    expect(credential.source).toBe(`netrc:${netrcFile}:1`);
    expect(credential.trail[1]).toEqual({ source: 'keychain', outcome: 'skipped', reason: 'memory keychain: simulated unavailable', unavailable: true });
  });

  it('passes over a locked keychain to netrc, with the reason in the trail', async () => {
    const { ctx, keychain } = setup({});
    keychain.fail = 'locked';
    const credential = await defaultChain().resolve(ctx);
    expect(credential.source).toMatch(/^netrc:/);
    expect(credential.trail[1]).toEqual({ source: 'keychain', outcome: 'skipped', reason: 'memory keychain: simulated locked' });
  });

  it('stops with NetrcSyntaxError when it reaches a broken netrc (the file the tests above never open)', async () => {
    const { ctx } = setup({ netrc: 'machine "unterminated\n' });
    await expect(defaultChain().resolve(ctx)).rejects.toMatchObject({ code: 'LK_NETRC_SYNTAX', file: netrcFile });
  });

  it('with nothing anywhere, NoCredentialsError lists all three sources', async () => {
    const { ctx } = setup({ netrc: false });
    const error = await defaultChain().resolve(ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LK_NO_CREDENTIALS' });
    expect((error as { trail: unknown[] }).trail.map((s: any) => s.source)).toEqual(['env', 'keychain', 'netrc']);
    expect((error as Error).message).toContain('netrc: skipped (NETRC is not set and there is no ~/.netrc or ~/_netrc)');
  });

  it('reports env shadowing a different netrc key when asked, and resolveAll shows every source', async () => {
    const { ctx } = setup({ env: true });
    const credential = await defaultChain().resolve(ctx, { inspectShadowed: true });
    expect(credential.source).toBe('env:LABKEY_API_KEY');
    expect(credential.shadowed).toEqual([
      { source: `netrc:${netrcFile}:1`, fingerprint: fingerprintKey(NETRC_KEY), details: { file: netrcFile, line: 1, entry: 'machine', machine: 'lk.example.org' } },
    ]);

    const reports = await defaultChain().resolveAll(ctx);
    expect(reports.map((r) => [r.source, r.outcome, r.credential?.fingerprint])).toEqual([
      ['env', 'found', fingerprintKey(ENV_KEY)],
      ['keychain', 'skipped', undefined],
      ['netrc', 'found', fingerprintKey(NETRC_KEY)],
    ]);
  });
});

describe('defaultResolveContext', () => {
  it('builds a context from the process, with overrides', async () => {
    const ctx = defaultResolveContext(SERVER, { keychain: undefined, env: { HOME: '/nowhere' }, homedir: '/nowhere' });
    expect(ctx.server).toBe(SERVER);
    expect(ctx.keychain).toBeUndefined();
    expect(ctx.platform).toBe(process.platform);
    expect(ctx.now()).toBeInstanceOf(Date);
    await expect(ctx.fs.readFile(join(home, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(join(home, 'f'), 'x', { mode: 0o640 });
    expect(await ctx.fs.stat(join(home, 'f'))).toEqual({ mode: 0o640, isFile: true });
  });

  it('defaults to the OS keychain adapter and the process environment', () => {
    const ctx = defaultResolveContext();
    expect(ctx.keychain?.name).toBe(process.platform === 'linux' ? 'Secret Service' : expect.any(String));
    expect(ctx.env).toBe(process.env);
    expect(ctx.server).toBeUndefined();
  });
});

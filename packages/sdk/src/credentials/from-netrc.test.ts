import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromNetrc } from './from-netrc.js';
import { defaultResolveContext } from './default-chain.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import type { Credential, ResolveContext } from './types.js';

const KEY = 'lk_test_0000000000000000000000000000000000000001';
const SERVER = 'https://lk.example.org:8443/labkey';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lk-from-netrc-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function withNetrc(text: string, server: string | null = SERVER): { ctx: ResolveContext; file: string } {
  const file = join(home, '.netrc');
  writeFileSync(file, text, { mode: 0o600 });
  return { ctx: defaultResolveContext(server ?? undefined, { env: { HOME: home }, homedir: home, keychain: undefined }), file };
}

describe('fromNetrc', () => {
  it('finds the apikey entry for the server hostname (never the port or path), as netrc:<file>:<line>', async () => {
    const { ctx, file } = withNetrc(`# my hosts\nmachine other.example.org login apikey password lk_test_other\n\nmachine lk.example.org\n  login apikey\n  password ${KEY}\n`);
    const result = (await fromNetrc().resolve(ctx)) as Credential;
    expect(result.source).toBe(`netrc:${file}:4`);
    expect(result.apiKey.reveal()).toBe(KEY);
    expect(result.fingerprint).toBe(fingerprintKey(KEY));
    expect(result.details).toEqual({ file, line: 4, entry: 'machine', machine: 'lk.example.org' });
  });

  it('carries a warning (never a value) when other users can read the file, and none at 0600', async () => {
    const { ctx, file } = withNetrc(`machine lk.example.org login apikey password ${KEY}\n`);
    const tight = (await fromNetrc().resolve(ctx)) as Credential;
    expect(tight.warnings).toBeUndefined();
    chmodSync(file, 0o644);
    const loose = (await fromNetrc().resolve(ctx)) as Credential;
    expect(loose.apiKey.reveal()).toBe(KEY);
    expect(loose.warnings).toEqual([`${file} can be read by other users (mode 644); run: chmod 600 ${file}`]);
    expect(JSON.stringify(loose)).not.toContain(KEY);
  });

  it('matches a loopback IPv6 server against a bracket-free machine name', async () => {
    const { file } = withNetrc(`machine ::1 login apikey password ${KEY}\n`);
    const ctx = defaultResolveContext('http://[::1]:8080/labkey', { env: { HOME: home }, homedir: home, keychain: undefined });
    expect(await fromNetrc().resolve(ctx)).toMatchObject({ source: `netrc:${file}:1` });
  });

  it('reads NETRC when set', async () => {
    const file = join(home, 'custom-netrc');
    writeFileSync(file, `machine lk.example.org login apikey password ${KEY}\n`, { mode: 0o600 });
    const ctx = defaultResolveContext(SERVER, { env: { NETRC: file }, homedir: undefined, keychain: undefined });
    expect(await fromNetrc().resolve(ctx)).toMatchObject({ source: `netrc:${file}:1` });
  });

  it('skips with the reason when there is no netrc file', async () => {
    const ctx = defaultResolveContext(SERVER, { env: { HOME: home }, homedir: home, keychain: undefined });
    expect(await fromNetrc().resolve(ctx)).toEqual({
      skipped: true,
      reason: 'NETRC is not set and there is no ~/.netrc or ~/_netrc',
    });
  });

  it('skips when there is no entry for the host', async () => {
    const { ctx, file } = withNetrc(`machine other.example.org login apikey password ${KEY}\n`);
    expect(await fromNetrc().resolve(ctx)).toEqual({ skipped: true, reason: `no entry for host lk.example.org in ${file} (its machines: other.example.org)` });
  });

  it('names the machines the file does have (localhost is not 127.0.0.1), at most five', async () => {
    const hosts = ['localhost', 'a.example', 'b.example', 'c.example', 'd.example', 'e.example'];
    const { ctx, file } = withNetrc(hosts.map((h) => `machine ${h} login apikey password ${KEY}`).join('\n') + '\ndefault login anonymous password x\n');
    const r = await fromNetrc().resolve(ctx);
    // `default` has login anonymous: not an API key, so it is skipped with its own reason.
    expect(r).toMatchObject({ skipped: true });
    const { ctx: ctx2, file: file2 } = withNetrc(hosts.map((h) => `machine ${h} login apikey password ${KEY}`).join('\n') + '\n');
    expect(await fromNetrc().resolve(ctx2)).toEqual({
      skipped: true,
      reason: `no entry for host lk.example.org in ${file2} (its machines: localhost, a.example, b.example, c.example, d.example and 1 more)`,
    });
    expect(JSON.stringify(r) + JSON.stringify(await fromNetrc().resolve(ctx2))).not.toContain(KEY);
    void file;
  });

  it('skips when there is no server to look up', async () => {
    const { ctx } = withNetrc(`machine lk.example.org login apikey password ${KEY}\n`, null);
    expect(await fromNetrc().resolve(ctx)).toMatchObject({ skipped: true, reason: expect.stringContaining('no server') });
  });

  it.each([
    ['https://lk.example.org', 'https://lk.example.org'],
    ['lk.example.org:8443', 'lk.example.org:8443'],
    ['lk.example.org/labkey', 'lk.example.org/labkey'],
  ])('says so when a machine holds the host with a scheme, port or path (%s)', async (machine) => {
    const { ctx, file } = withNetrc(`machine other.example.org login apikey password x\nmachine ${machine} login apikey password ${KEY}\n`);
    const result = await fromNetrc().resolve(ctx);
    expect(result).toEqual({
      skipped: true,
      reason: `no entry for host lk.example.org in ${file}; ${file}:2 has machine "${machine}", but a netrc machine is a bare hostname (no scheme, port or path): write "machine lk.example.org"`,
      // lk doctor --fix renames the machine: the hint says so instead of a new login.
      repairable: true,
    });
  });

  it('skips an entry whose login is not apikey (email/password login is out of scope)', async () => {
    const { ctx, file } = withNetrc(`machine lk.example.org login me@example.org password hunter2-lk_test\n`);
    const result = await fromNetrc().resolve(ctx);
    expect(result).toMatchObject({ skipped: true });
    const reason = (result as { reason: string }).reason;
    expect(reason).toContain(`the entry for lk.example.org at ${file}:1 has login other than "apikey"`);
    expect(reason).not.toContain('me@example.org');
    expect(reason).not.toContain('hunter2');
  });

  it('skips an entry with neither login nor password, and one with an empty password', async () => {
    let { ctx, file } = withNetrc(`machine lk.example.org account x\n`);
    expect(await fromNetrc().resolve(ctx)).toEqual({
      skipped: true,
      reason: `the entry for lk.example.org at ${file}:1 has no login or password`,
    });
    ({ ctx, file } = withNetrc(`machine lk.example.org login apikey password ""\n`));
    expect(await fromNetrc().resolve(ctx)).toEqual({
      skipped: true,
      reason: `the entry for lk.example.org at ${file}:1 has an empty password`,
    });
  });

  it('uses the default entry when no machine matches', async () => {
    const { ctx, file } = withNetrc(`machine other.example.org login apikey password x\ndefault login apikey password ${KEY}\n`);
    expect(await fromNetrc().resolve(ctx)).toMatchObject({ source: `netrc:${file}:2`, details: { file, line: 2, entry: 'default' } });
  });

  it('keeps a legacy apikey| key whole and trims a quoted key with whitespace', async () => {
    const legacy = `apikey|${'ab'.repeat(32)}`;
    let { ctx } = withNetrc(`machine lk.example.org login apikey password "${legacy}"\n`);
    expect(((await fromNetrc().resolve(ctx)) as Credential).apiKey.reveal()).toBe(legacy);
    ({ ctx } = withNetrc(`machine lk.example.org login apikey password " ${KEY} "\n`));
    expect(((await fromNetrc().resolve(ctx)) as Credential).apiKey.reveal()).toBe(KEY);
  });

  it('throws LK_NETRC_SYNTAX for a file that cannot be parsed (configured but broken)', async () => {
    const { ctx, file } = withNetrc(`machine lk.example.org login apikey password "${KEY}\n`);
    await expect(fromNetrc().resolve(ctx)).rejects.toMatchObject({ code: 'LK_NETRC_SYNTAX', file, line: 1 });
  });
});

/** lk keys list / create / revoke end to end. */
import { withMockServer } from '../helpers/with-mock-server.js';
import { createTempHome, useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

describe('lk keys, end to end', () => {
  const mock = withMockServer();
  const home = useTempHome();

  const login = async (email: string) => {
    const { key, rowId } = mock.server.state.issueApiKey(email, { description: `${email} laptop` });
    trackSecret(key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    return { key, rowId };
  };

  it('create prints the key once on stdout with a warning on stderr; list shows it without the key; revoke --yes removes it', async () => {
    await login('bob@lk.test');
    const created = await runLk(['keys', 'create', '--description', 'nightly job'], { home });
    expect(created.code).toBe(0);
    const newKey = created.stdout.trim();
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(created.stderr).toContain('This is the only time the new key is shown');
    expect(created.stderr).not.toContain(newKey);
    trackSecret(newKey, 'created key');

    const list = await runLk(['keys', 'list', '--json'], { home });
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ RowId: number; Description: string; Current: boolean }>;
    const nightly = rows.find((r) => r.Description === 'nightly job');
    expect(nightly).toBeDefined();
    expect(rows.find((r) => r.Description === 'bob@lk.test laptop')?.Current).toBe(true);

    const table = await runLk(['keys', 'list'], { home });
    expect(table.stdout.split('\n')[0]).toBe('RowId\tCreated\tExpiration\tLastUsed\tDescription\tRole\tCurrent');
    expect(table.stdout).toContain('nightly job');

    const noYes = await runLk(['keys', 'revoke', String(nightly?.RowId)], { home });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('Pass --yes to confirm.');

    const revoke = await runLk(['keys', 'revoke', String(nightly?.RowId), '--yes'], { home });
    expect(revoke).toMatchObject({ code: 0, stdout: '', stderr: `✓ Revoked key ${nightly?.RowId}\n` });
    const status = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home, env: { LABKEY_API_KEY: newKey } });
    expect(status.code).toBe(4);
  });

  it('create --format json (and --json): the key with its fingerprint and row, for scripts; --format text is the key alone', async () => {
    await login('bob@lk.test');
    const runs = await Promise.all([['--format', 'json'], ['--json'], ['--format', 'text']].map((f) => runLk(['keys', 'create', '--description', `script ${f.join(' ')}`, ...f], { home })));
    for (const r of runs) expect(r.code).toBe(0);
    const [json, short, text] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    const rows = JSON.parse((await runLk(['keys', 'list', '--json'], { home })).stdout) as Array<{ RowId: number; Description: string }>;
    for (const [r, description] of [[json, 'script --format json'], [short, 'script --json']] as const) {
      const data = JSON.parse(r.stdout) as { server: string; apiKey: string; fingerprint: string; rowId: number; description: string; expiresAt: string | null; role: string | null };
      trackSecret(data.apiKey, 'created key (json)');
      expect(data).toMatchObject({ server: mock.url, description, rowId: rows.find((x) => x.Description === description)?.RowId });
      expect(data.apiKey).toMatch(/^[0-9a-f]{64}$/);
      expect(mock.server.state.lookupApiKey(data.apiKey)?.user.email).toBe('bob@lk.test');
      expect(data.fingerprint).toMatch(/^[0-9a-f]{8,}$/);
      expect(r.stderr).toContain('This is the only time the new key is shown');
      expect(r.stderr).not.toContain(data.apiKey);
    }
    expect(text.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    trackSecret(text.stdout.trim(), 'created key (text)');
    const bad = await runLk(['keys', 'create', '--format', 'csv'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
  });

  it('revoking the key lk uses warns BEFORE the revoke (and without --yes, in the refusal, revoking nothing)', async () => {
    const { rowId } = await login('bob@lk.test');
    const ask = await runLk(['keys', 'revoke', String(rowId)], { home });
    expect(ask.code).toBe(2);
    expect(ask.stderr).toContain(`Key ${rowId} is the key lk uses for ${mock.url}`);
    expect(mock.server.state.listApiKeys('bob@lk.test').map((k) => k.RowId)).toContain(rowId);
    const r = await runLk(['keys', 'revoke', String(rowId), '--yes'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`! Key ${rowId} is the key lk uses for ${mock.url}: once it is revoked, lk (and anything reading the same netrc entry or keychain item) is refused until \`lk auth login\` with a new key.\n✓ Revoked key ${rowId}\n`);
  });

  it('list --all needs a site administrator', async () => {
    await login('bob@lk.test');
    const denied = await runLk(['keys', 'list', '--all'], { home });
    expect(denied.code).toBe(1);
    const admin = createTempHome();
    try {
      const { key } = mock.server.state.issueApiKey('admin@lk.test');
      trackSecret(key);
      await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home: admin, stdin: key });
      const all = await runLk(['keys', 'list', '--all', '--json'], { home: admin });
      expect(all.code).toBe(0);
      expect((JSON.parse(all.stdout) as unknown[]).length).toBeGreaterThanOrEqual(2);
      // The owner is an email, not a user id; an expired key says so.
      const soon = mock.server.state.issueApiKey('bob@lk.test', { description: 'short-lived', expirationSeconds: 1 });
      await new Promise((r) => setTimeout(r, 1500));
      const table = await runLk(['keys', 'list', '--all', '--format', 'tsv'], { home: admin });
      const line = table.stdout.split('\n').find((l) => l.startsWith(`${soon.rowId}\t`));
      expect(line).toMatch(/^\d+\tbob@lk\.test\t.*\(expired\)\t/);
      expect(JSON.parse((await runLk(['keys', 'list', '--all', '--json'], { home: admin })).stdout)).toContainEqual(expect.objectContaining({ RowId: soon.rowId, CreatedBy: 'bob@lk.test', Expired: true }));
      // Another user's key without --all: lk says to add it.
      const other = mock.server.state.issueApiKey('bob@lk.test', { description: 'not yours' });
      const mine = await runLk(['keys', 'revoke', String(other.rowId), '--yes'], { home: admin });
      expect(mine.code).toBe(1);
      expect(mine.stderr).toContain('site administrators revoke those with --all');
      // An administrator revokes another user's key with --all (core.APIKeys).
      const bobs = mock.server.state.issueApiKey('bob@lk.test', { description: 'bob, to revoke' });
      const revoked = await runLk(['keys', 'revoke', String(bobs.rowId), '--all', '--yes'], { home: admin });
      expect(revoked).toMatchObject({ code: 0, stderr: `✓ Revoked key ${bobs.rowId}\n` });
      expect(mock.server.state.listApiKeys('bob@lk.test').map((r) => r.RowId)).not.toContain(bobs.rowId);
    } finally {
      admin.cleanup();
    }
  });

  it('without a key: exit 4 with a hint to log in', async () => {
    const r = await runLk(['keys', 'list', '--server', mock.url], { home });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('hint: Run `lk auth login`');
  });
});

/**
 * Doctor's backups hold old keys (issue 12, item 7): they were kept forever. Now --fix keeps the
 * newest 3, and `lk auth logout` names them (or deletes them with --delete-backups).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempHome } from '../helpers/temp-home.js';
import { runLk } from '../helpers/run-lk.js';
import { withMockServer } from '../helpers/with-mock-server.js';
import { backupFile } from '../../packages/cli/src/commands/doctor/backup.js';

describe("doctor's backups", () => {
  const home = useTempHome();
  const mock = withMockServer();
  const backups = () => readdirSync(home.dir).filter((f) => f.startsWith('.netrc.lk-backup-')).sort();

  it('keeps only the newest 3 backups of a file', async () => {
    home.writeNetrc('machine a.test login apikey password old\n');
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push(await backupFile(home.netrcPath, new Date(Date.UTC(2026, 0, 1, 0, 0, i < 4 ? i : 3))));
    expect(backups().map((b) => join(home.dir, b)).sort()).toEqual(made.slice(-3).sort());
  });

  it('lk auth logout names the backups, and deletes them with --delete-backups', async () => {
    const { key } = mock.server.state.issueApiKey('alice@lk.test');
    const login = async () => expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token', '--store', 'netrc'], { home, stdin: `${key}\n` })).code).toBe(0);
    await login();
    const stale = join(home.dir, '.netrc.lk-backup-20260101T000000Z');
    writeFileSync(stale, `machine old password ${key}\n`, { mode: 0o600 });
    const out = await runLk(['auth', 'logout', '--server', mock.url], { home });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(stale);
    expect(out.stderr).toMatch(/may still hold this key/);
    expect(backups()).toEqual(['.netrc.lk-backup-20260101T000000Z']);
    await login();
    const del = await runLk(['auth', 'logout', '--server', mock.url, '--delete-backups'], { home });
    expect(del.code).toBe(0);
    expect(del.stderr).toMatch(/Deleted 1 backup/);
    expect(backups()).toEqual([]);
  });
});

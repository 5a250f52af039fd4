import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupFile, backupStamp } from './backup.js';

describe('backupFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-doctor-backup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the file byte for byte to <file>.lk-backup-<time>, mode 0600, even from a 0644 file', async () => {
    const file = join(dir, '.netrc');
    const bytes = '# keys\r\nmachine a.org login apikey password lk_test_0001\r\n\u00e9\n';
    writeFileSync(file, bytes, { mode: 0o644 });
    const now = new Date('2026-11-27T08:17:00.123Z');
    const path = await backupFile(file, now);
    expect(path).toBe(`${file}.lk-backup-20261127T081700Z`);
    expect(readFileSync(path, 'utf8')).toBe(bytes);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('never overwrites an earlier backup made in the same second', async () => {
    const file = join(dir, '.netrc');
    writeFileSync(file, 'one\n');
    const now = new Date('2026-11-27T08:17:00Z');
    const first = await backupFile(file, now);
    writeFileSync(file, 'two\n');
    const second = await backupFile(file, now);
    expect(second).toBe(`${first}-1`);
    expect(readFileSync(first, 'utf8')).toBe('one\n');
    expect(readFileSync(second, 'utf8')).toBe('two\n');
  });

  it('stamps sort by time', () => {
    expect(backupStamp(new Date('2026-01-02T03:04:05Z')) < backupStamp(new Date('2026-01-02T03:04:06Z'))).toBe(true);
  });
});

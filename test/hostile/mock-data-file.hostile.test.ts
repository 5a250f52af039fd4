/**
 * The mock's --data file (issue 12, item 7): its temp file had a fixed name (.<file>.<pid>.tmp)
 * opened without O_EXCL, so a symlink planted there was written through. Now each write uses a
 * fresh name created exclusively.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer } from '@lk/mock-server';

describe("the mock's data file", () => {
  it('is written through a fresh exclusive temp: a symlink at the old fixed temp name is not followed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-hostile-data-'));
    try {
      const victim = join(dir, 'victim.txt');
      writeFileSync(victim, 'untouched\n');
      const data = join(dir, 'state.json');
      symlinkSync(victim, join(dir, `.state.json.${process.pid}.tmp`));
      const mock = await startMockServer({ dataFile: data });
      mock.state.issueApiKey('alice@lk.test');
      await mock.close();
      expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
      expect(existsSync(data)).toBe(true);
      expect(JSON.parse(readFileSync(data, 'utf8'))).toEqual(expect.any(Object));
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') && f !== `.state.json.${process.pid}.tmp`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

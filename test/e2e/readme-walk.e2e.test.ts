/**
 * The README's "Using lk" block, pasted line by line into bash against the mock (the example
 * server URL replaced by the mock's), does what its comments say: one command per line (a line
 * that reads as a pipeline of lk commands created a key and revoked key 12 when pasted).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { baseEnv, LK_BIN, ROOT, trackSecret } from '../helpers/run-lk.js';

jest.setTimeout(180_000);

/** The lines of the first sh block under `heading` in a markdown file. */
function usingLkLines(file: string, heading: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const section = text.slice(text.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`no sh block under ${heading} in ${file}`);
  return (block[1] as string).split('\n').filter((l) => l.trim() !== '');
}

/** The line with its comment removed (a # outside quotes), to check its shape. */
function command(line: string): string {
  return line.replace(/\s+#.*$/, '').trim();
}

describe('the README command lists', () => {
  it.each([['README.md', '## Using lk'], ['packages/cli/README.md', '# @lk/cli']])('%s: one command per line, nothing that pipes lk into lk or needs [brackets] removed', (file, heading) => {
    const lines = usingLkLines(file, heading);
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) {
      const c = command(l);
      expect(c).toMatch(/^(lk |source <\(lk )/);
      expect(c.replace(/'[^']*'/g, "''")).not.toMatch(/\|\s*lk\b|\[--|\w\|\w/);
    }
  });
});

describe("pasting the README's Using lk block into bash against the mock", () => {
  const mock = withMockServer({ generatedRows: 300 });
  const home = useTempHome();

  it('each line does what its comment says', async () => {
    const bin = join(home.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'lk'), `#!/bin/sh\nexec "${process.execPath}" "${LK_BIN}" "$@"\n`);
    chmodSync(join(bin, 'lk'), 0o755);
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    writeFileSync(join(home.dir, 'key.txt'), key);
    const env = baseEnv(home, { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    const bash = (line: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn('bash', ['-c', line], { env, cwd: home.dir, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        child.stdin.end('');
      });
    const seen: string[] = [];
    for (const raw of usingLkLines('README.md', '## Using lk')) {
      const line = raw.replaceAll('https://labkey.example.org/labkey', mock.url);
      const c = command(line);
      // The hidden prompt needs a person at a terminal: with stdin not one, lk says to use --with-token.
      const interactive = /^lk auth login --server \S+$/.test(c);
      const r = await bash(line);
      seen.push(c);
      const where = `${c}\n${r.stdout}${r.stderr}`;
      if (interactive) {
        expect([where, r.code]).toEqual([where, 2]);
        expect(r.stderr).toContain('--with-token');
      } else if (c.startsWith('lk keys revoke')) {
        // Asks first (without a terminal and without --yes it refuses); row 12 is no key of the walk's: nothing revoked.
        expect([where, r.code === 1 || r.code === 2]).toEqual([where, true]);
        expect(r.stderr).toMatch(/--yes|nothing was revoked/);
      } else {
        expect([where, r.code]).toEqual([where, 0]);
      }
      if (c.startsWith('lk query select lists People')) {
        const [header, ...rows] = r.stdout.trimEnd().split('\n');
        const ages = rows.map((l) => Number(l.split(',')[1]));
        expect(header).toBe('Name,Age');
        expect(ages.length).toBeGreaterThan(2);
        expect(ages.every((a) => a > 30)).toBe(true);
        expect(ages).toEqual([...ages].sort((a, b) => b - a));
      }
      if (c.startsWith('lk query sql')) expect(r.stdout.trimEnd().split('\n').every((l) => 'Name' in JSON.parse(l))).toBe(true);
      if (c.includes('--output generated.parquet')) expect(existsSync(join(home.dir, 'generated.parquet'))).toBe(true);
      if (c === 'lk auth token') expect(r.stdout.trim()).toBe(key);
    }
    expect(seen).toContain('lk keys create --description ci');
    // Only the keys the walk made were touched: alice's first key was rotated, not revoked by row 12.
    expect(mock.server.state.listApiKeys().filter((k) => k.rowId === 12)).toEqual([]);
  });
});

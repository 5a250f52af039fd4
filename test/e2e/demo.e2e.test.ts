/** `pnpm demo` (the built demo) runs green, end to end, and never prints a key. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/run-lk.js';

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' };
    const child = spawn(process.execPath, [join(ROOT, 'packages/demo/dist/demo.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm demo', () => {
  it('narrates the whole flow and ends with the success line', async () => {
    const r = await runDemo();
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('✓ Demo finished: every step behaved as narrated.');
    expect(r.code).toBe(0);
    for (const cmd of [
      '$ lk auth login --server ',
      '$ lk auth status',
      '--auth apikey',
      '--auth basic',
      '--auth bearer',
      '$ lk query sql ',
      '$ lk keys list',
      '$ lk keys revoke ',
      '$ lk doctor\n',
      '$ lk doctor --fix',
    ]) {
      expect(r.stdout).toContain(cmd);
    }
    expect(r.stdout).toMatch(/expired at /);
    expect(r.stdout).toMatch(/revoked/);
    // Step 7 uses a new key: the narration says where it came from before it shows up in ~/.netrc.
    expect(r.stdout).toMatch(/She generates a third key[^]*✓ a third key [0-9a-f]{4}\*+ \(64 chars\)[^]*~\/\.netrc now says/);
    // No key (64 hex, with or without a prefix) anywhere in the narration or lk's output.
    expect(r.stdout).not.toMatch(/[0-9a-f]{64}/);
  }, 120_000);
});

/**
 * servers.json under parallel writers (issue 12, item 7: 3 of 20 entries lost in 2 of 3 rounds):
 * 20 processes each add a server through the CLI's config store at once; none is lost.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CONFIG = pathToFileURL(join(__dirname, '..', '..', 'packages', 'cli', 'dist', 'config.js')).href;

function addServer(dir: string, i: number): Promise<void> {
  const script = `const { createConfigStore } = await import(${JSON.stringify(CONFIG)});
await createConfigStore(${JSON.stringify(dir)}).update((c) => { c.servers['https://lk${i}.test'] = { store: 'netrc' }; });`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 }, (err, _o, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve())),
  );
}

describe('servers.json under 20 parallel logins', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-hostile-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every entry, in 3 rounds, and leaves no lock or temp file', async () => {
    for (let round = 0; round < 3; round++) {
      rmSync(join(dir, 'servers.json'), { force: true });
      await Promise.all(Array.from({ length: 20 }, (_, i) => addServer(dir, i)));
      const servers = Object.keys((JSON.parse(readFileSync(join(dir, 'servers.json'), 'utf8')) as { servers: object }).servers);
      expect(servers.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `https://lk${i}.test`).sort());
      expect(readdirSync(dir)).toEqual(['servers.json']);
    }
  }, 120_000);
});

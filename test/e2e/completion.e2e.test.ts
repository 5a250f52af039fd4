/**
 * lk completion bash, sourced in a real bash: the completion function, called as bash calls it
 * (COMP_WORDS, COMP_CWORD), runs the built lk and fills COMPREPLY.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { LK_BIN, expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(120_000);

/** COMPREPLY after completing `words` (the last is the word being completed) in a bash that sourced `lk completion bash`. */
function bashComplete(home: TempHome, words: string[]): Promise<string[]> {
  const bin = join(home.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  try {
    symlinkSync(LK_BIN, join(bin, 'lk'));
  } catch {
    /* already linked for this home */
  }
  const quoted = ['lk', ...words].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `source <(lk completion bash) || exit 9\ntype _lk_complete >/dev/null || exit 8\nCOMP_WORDS=(${quoted})\nCOMP_CWORD=${words.length}\n_lk_complete\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-c', script], {
      env: { HOME: home.dir, PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter((l) => l !== '')) : reject(new Error(`bash exited ${code}: ${err}`))));
  });
}

describe('lk completion bash in a real bash', () => {
  const mock = withMockServer({ generatedRows: 10 });
  const home = useTempHome();

  it('lk au<TAB> completes to lk auth', async () => {
    expect(await bashComplete(home, ['au'])).toEqual(['auth']);
  });

  it('subcommands, flags and flag choices', async () => {
    expect(await bashComplete(home, ['query', 'sel'])).toEqual(['select']);
    expect(await bashComplete(home, ['query', 'select', '--for'])).toEqual(['--format']);
    expect(await bashComplete(home, ['query', 'select', 'lists', 'People', '--format', ''])).toEqual(expect.arrayContaining(['table', 'csv', 'tsv', 'json', 'ndjson']));
    expect(await bashComplete(home, ['query', 'select', 'lists', 'People', '--format', 'n'])).toEqual(['ndjson']);
    expect(await bashComplete(home, ['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(await bashComplete(home, ['api', 'query-insertR'])).toEqual(['query-insertRows']);
  });

  it('known servers after --server; schema and query names once discovery listed them', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    expect(await bashComplete(home, ['query', 'select', '--server', ''])).toEqual([mock.url]);
    // Nothing listed yet: no names (completion never asks the server).
    const before = mock.server.requests.length;
    expect(await bashComplete(home, ['query', 'select', 'l'])).toEqual([]);
    expect(mock.server.requests.length).toBe(before);
    expect((await runLk(['query', 'schemas'], { home })).code).toBe(0);
    expect((await runLk(['query', 'queries', 'lists'], { home })).code).toBe(0);
    expect(await bashComplete(home, ['query', 'select', 'l'])).toEqual(['lists']);
    expect(await bashComplete(home, ['query', 'columns', 'lists', 'P'])).toEqual(['People']);
    expect(await bashComplete(home, ['query', 'select', '--server', mock.url, 'lists', ''])).toEqual(['Generated', 'People']);
  });

  it('zsh and fish scripts ask the same __complete', async () => {
    for (const shell of ['zsh', 'fish']) {
      const r = await runLk(['completion', shell], { home });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('lk __complete -- ');
    }
    expect((await runLk(['completion', 'tcsh'], { home })).code).toBe(2);
  });
});

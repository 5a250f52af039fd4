/**
 * lk completion bash, sourced in a real bash: the completion function, called as bash calls it
 * (COMP_WORDS, COMP_CWORD), runs the built lk and fills COMPREPLY. lk completion zsh and fish in
 * a real zsh (an interactive one on a pseudo-terminal, zsh/zpty, keys typed with TAB) and a real
 * fish (complete -C), loaded each way the scripts say.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { LK_BIN, expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(120_000);

/** A bin folder in `home` with lk in it, and the PATH that finds it (and node) first. */
function lkOnPath(home: TempHome): string {
  const bin = join(home.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(join(bin, 'lk'))) symlinkSync(LK_BIN, join(bin, 'lk'));
  return `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`;
}

function run(cmd: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Types each of `lines` followed by TAB into an interactive zsh (compinit, then the script loaded
 * `how`) on a pseudo-terminal, and reports for each the matches compadd was given and the command
 * line after the TAB, plus everything zsh wrote to stderr (a script it rejects says so there).
 */
async function zshComplete(home: TempHome, how: 'source' | 'fpath', lines: string[]): Promise<{ results: { hits: string[]; buffer: string }[]; errors: string }> {
  const PATH = lkOnPath(home);
  const zdot = join(home.dir, 'zdot');
  const fp = join(zdot, 'functions');
  mkdirSync(fp, { recursive: true });
  const result = join(zdot, 'result');
  const errors = join(zdot, 'errors');
  const load = how === 'source' ? 'source <(lk completion zsh)' : '';
  if (how === 'fpath') {
    const r = await runLk(['completion', 'zsh'], { home });
    expect(r.code).toBe(0);
    writeFileSync(join(fp, '_lk'), r.stdout);
  }
  // compadd wrapped to record the matches the completion function offers (then added as usual);
  // ^X records the command line and clears it for the next one.
  writeFileSync(
    join(zdot, '.zshrc'),
    `exec 2>>${errors}
PS1='> '
fpath=(${fp} $fpath)
autoload -Uz compinit && compinit -u -d ${join(zdot, 'compdump')}
${load}
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits
  builtin compadd -A hits "$@"
  print -r -- "hits:\${(j:,:)hits}" >> ${result}
  builtin compadd "$@"
}
_rec_buffer() { print -r -- "buffer:$BUFFER" >> ${result}; BUFFER=''; }
zle -N _rec_buffer
bindkey '^X' _rec_buffer
`,
  );
  const keys = lines.map((l) => `${l}\t\x18`).join('');
  const driver = join(zdot, 'driver.zsh');
  writeFileSync(
    driver,
    `zmodload zsh/zpty
zpty z zsh -i
zpty -w -n z $'${keys}'
for i in {1..600}; do [[ $(grep -c '^buffer:' ${result} 2>/dev/null) -ge ${lines.length} ]] && break; sleep 0.05; done
zpty -d z
`,
  );
  const r = await run('zsh', ['-f', driver], { HOME: home.dir, PATH, ZDOTDIR: zdot, LANG: 'C.UTF-8', TERM: 'xterm' }, home.dir);
  expect(r.code).toBe(0);
  const results: { hits: string[]; buffer: string }[] = [];
  let hits: string[] = [];
  for (const line of readFileSync(result, 'utf8').split('\n')) {
    if (line.startsWith('hits:')) hits.push(...line.slice(5).split(',').filter((h) => h !== ''));
    if (line.startsWith('buffer:')) {
      results.push({ hits, buffer: line.slice(7) });
      hits = [];
    }
  }
  return { results, errors: existsSync(errors) ? readFileSync(errors, 'utf8') : '' };
}

/** What fish offers for `line` (complete -C) with the script loaded `how`, and fish's stderr. */
async function fishComplete(home: TempHome, how: 'source' | 'saved', lines: string[]): Promise<{ offered: string[][]; stderr: string }> {
  const PATH = lkOnPath(home);
  if (how === 'saved') {
    const r = await runLk(['completion', 'fish'], { home });
    expect(r.code).toBe(0);
    mkdirSync(join(home.dir, '.config', 'fish', 'completions'), { recursive: true });
    writeFileSync(join(home.dir, '.config', 'fish', 'completions', 'lk.fish'), r.stdout);
  }
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const script = `${how === 'source' ? 'lk completion fish | source; or exit 9\n' : ''}${lines.map((l) => `complete -C ${q(l)}; echo '--end--'`).join('\n')}\n`;
  // not --no-config for 'saved': fish finds completions in ~/.config/fish/completions by itself
  const r = await run('fish', how === 'source' ? ['--no-config', '-c', script] : ['-c', script], { HOME: home.dir, PATH, LANG: 'C.UTF-8', XDG_CONFIG_HOME: join(home.dir, '.config') }, home.dir);
  expect(r.code).toBe(0);
  const offered = r.stdout.split('--end--\n').slice(0, lines.length).map((b) => b.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]!));
  return { offered, stderr: r.stderr };
}

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

describe.each(['source', 'fpath'] as const)('lk completion zsh in a real zsh (%s)', (how) => {
  const home = useTempHome();

  it('loads without error and completes lk au<TAB>, lk auth lo<TAB>, and files where lk offers nothing', async () => {
    writeFileSync(join(home.dir, 'rows-out.csv'), '');
    const { results, errors } = await zshComplete(home, how, ['lk au', 'lk auth lo', 'lk auth logi', 'lk query select lists People --output rows-', 'lk nosuch ']);
    expect(errors).toBe('');
    expect(results).toEqual([
      { hits: ['auth'], buffer: 'lk auth ' },
      { hits: ['login', 'logout'], buffer: 'lk auth log' },
      { hits: ['login'], buffer: 'lk auth login ' },
      { hits: ['rows-out.csv'], buffer: 'lk query select lists People --output rows-out.csv ' },
      expect.objectContaining({ buffer: expect.not.stringMatching(/ {2}$/) }), // no empty match inserted
    ]);
    expect(results[4]!.hits).not.toContain('');
  });
});

describe.each(['source', 'saved'] as const)('lk completion fish in a real fish (%s)', (how) => {
  const home = useTempHome();

  it('loads without error and completes lk au, lk auth lo, and files where lk offers nothing', async () => {
    writeFileSync(join(home.dir, 'rows-out.csv'), '');
    const { offered, stderr } = await fishComplete(home, how, ['lk au', 'lk auth lo', 'lk auth ', 'lk query select lists People --format n', 'lk query select lists People --output rows-']);
    expect(stderr).toBe('');
    expect(offered).toEqual([['auth'], ['login', 'logout'], ['login', 'logout', 'status', 'token'], ['ndjson'], ['rows-out.csv']]);
  });
});

// The bin's V8 code cache (packages/cli/src/bin/code-cache.ts, built): each case runs a real Node
// process over real files in a temp dir. A cache is used only for the exact source it was made
// from; a stale, corrupt or unwritable cache is ignored and the program runs the same.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LK_BIN, ROOT, baseEnv } from '../helpers/run-lk';
import { useTempHome } from '../helpers/temp-home';

const CODE_CACHE = join(ROOT, 'packages', 'cli', 'dist', 'bin', 'code-cache.js');

describe('the bin code cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-code-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `program` through runWithCodeCache: its stdout, then the cache use on stderr. */
  function run(program: string, cacheDir: string) {
    const script = `import { runWithCodeCache } from ${JSON.stringify(CODE_CACHE)}; process.stderr.write(runWithCodeCache(${JSON.stringify(program)}, ${JSON.stringify(cacheDir)}));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, use: r.stderr };
  }
  const cacheFiles = (cacheDir: string) => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);

  it('is written on a first run, used on the next, and the program sees CommonJS as usual', () => {
    writeFileSync(join(dir, 'helper.cjs'), 'module.exports = (x) => `hello ${x}`;\n');
    const program = join(dir, 'program.cjs');
    writeFileSync(program, "#!/usr/bin/env node\nconst hello = require('./helper.cjs');\nconsole.log(hello(require('node:path').basename(__filename)), require.cache[__filename] === module, typeof exports);\n");
    const cacheDir = join(dir, 'cache', 'lk');
    const expected = 'hello program.cjs true object\n';
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: expected, use: 'miss' });
    expect(cacheFiles(cacheDir)).toHaveLength(1);
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: expected, use: 'hit' });
  });

  it('a file that is the module wrapper function already (as the bundle is built) is compiled as it is, not wrapped again', () => {
    const program = join(dir, 'wrapped.cjs');
    writeFileSync(program, "(function (exports, require, module, __filename, __dirname) {\nconsole.log(require('node:path').basename(__filename), require.cache[__filename] === module);\n})");
    const cacheDir = join(dir, 'cache');
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'wrapped.cjs true\n', use: 'miss' });
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'wrapped.cjs true\n', use: 'hit' });
    // lk's bundle is such a file.
    expect(readFileSync(join(ROOT, 'packages', 'cli', 'dist', 'lk-main.cjs'), 'utf8')).toMatch(/^\(function \(exports, require, module, __filename, __dirname\) \{\n[^]*\n\}\)\n?$/);
  });

  it('a cache made for other source (same length) is not used, and is replaced', () => {
    const program = join(dir, 'program.cjs');
    writeFileSync(program, "console.log('one');\n");
    const cacheDir = join(dir, 'cache');
    expect(run(program, cacheDir).use).toBe('miss');
    const [first] = cacheFiles(cacheDir);
    writeFileSync(program, "console.log('two');\n");
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'two\n', use: 'miss' });
    const after = cacheFiles(cacheDir);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first);
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'two\n', use: 'hit' });
  });

  it('a corrupt cache file is ignored and rewritten', () => {
    const program = join(dir, 'program.cjs');
    writeFileSync(program, "console.log('ok');\n");
    const cacheDir = join(dir, 'cache');
    run(program, cacheDir);
    const [name] = cacheFiles(cacheDir);
    writeFileSync(join(cacheDir, name!), 'not a V8 code cache');
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'ok\n', use: 'miss' });
    expect(readFileSync(join(cacheDir, name!), 'utf8')).not.toBe('not a V8 code cache');
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'ok\n', use: 'hit' });
  });

  it('an unwritable cache dir (a file where a directory should be) is fine', () => {
    const program = join(dir, 'program.cjs');
    writeFileSync(program, "console.log('ok');\n");
    writeFileSync(join(dir, 'file'), 'a file, not a directory');
    const cacheDir = join(dir, 'file', 'lk');
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'ok\n', use: 'miss' });
    expect(run(program, cacheDir)).toEqual({ code: 0, stdout: 'ok\n', use: 'miss' });
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('a file, not a directory');
  });

  describe('the lk bin', () => {
    const home = useTempHome();
    const lk = (env: Record<string, string | undefined>) => spawnSync(LK_BIN, ['--version'], { env: baseEnv(home, env), encoding: 'utf8' });

    it('keeps its cache in XDG_CACHE_HOME/lk, and runs the same with it', () => {
      const xdg = join(home.dir, 'xdg-cache');
      expect(lk({ XDG_CACHE_HOME: xdg })).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
      expect(cacheFiles(join(xdg, 'lk'))).toHaveLength(1);
      expect(lk({ XDG_CACHE_HOME: xdg })).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
    });

    it('works when ~/.cache cannot be a directory, and with LK_CODE_CACHE=off writes none', () => {
      writeFileSync(join(home.dir, '.cache'), 'a file');
      expect(lk({ XDG_CACHE_HOME: undefined })).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
      const xdg = join(home.dir, 'off-cache');
      expect(lk({ XDG_CACHE_HOME: xdg, LK_CODE_CACHE: 'off' })).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
      expect(existsSync(xdg)).toBe(false);
    });
  });
});

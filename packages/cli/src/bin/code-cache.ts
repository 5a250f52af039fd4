// Runs a CommonJS file (the bundled lk, dist/lk-main.cjs) with a V8 code cache, the way
// v8-compile-cache does (Node 20 has no module.enableCompileCache): the file is compiled with
// `new vm.Script(source, { cachedData })`, and V8 reuses the bytecode it made in an earlier run
// instead of parsing and compiling the functions again. The cache lives in the user's cache dir
// (XDG_CACHE_HOME/lk, else ~/.cache/lk), one file named after the source's content hash, the Node
// version and the architecture, so a changed bundle or another Node never reads a stale cache
// (V8 also rejects data that does not match the source or its flags; lk then compiles afresh).
// The cache is only an optimisation: any failure to read or write it (a read-only home, a file
// where the directory should be, a corrupt cache) is ignored and lk runs exactly as without it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** How a run used the cache: `hit` (V8 accepted it), `miss` (none, or V8 rejected it). */
export type CodeCacheUse = 'hit' | 'miss';

const PREFIX = 'lk-';
const SUFFIX = '.v8cache';

/** The directory lk keeps its code cache in; undefined when there is no home to put it in. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'lk');
  let home: string;
  try {
    home = env.HOME || homedir();
  } catch {
    return undefined;
  }
  return home && isAbsolute(home) ? join(home, '.cache', 'lk') : undefined;
}

/**
 * Runs `file` as a CommonJS module (its own `require`, `module`, `__filename`, `__dirname`, and an
 * entry in require.cache), compiled with the code cache in `cacheDir` when there is a usable one.
 * When there was none, the cache is written as the process exits, so it holds the functions this
 * run compiled too, not only the top level.
 */
export function runWithCodeCache(file: string, cacheDir: string | undefined): CodeCacheUse {
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 32);
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, `${PREFIX}${key}${SUFFIX}`);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The module wrapper on the first line, a hashbang made a comment: line numbers stay the file's.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source.replace(/^#!/, '//')}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const use: CodeCacheUse = cachedData !== undefined && !script.cachedDataRejected ? 'hit' : 'miss';
  if (use === 'miss' && cacheDir !== undefined && cacheFile !== undefined) {
    process.once('exit', () => writeCache(script, cacheDir, cacheFile));
  }
  const mod = new Module(file);
  mod.filename = file;
  const req = createRequire(file);
  req.cache[file] = mod;
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: Module, f: string, d: string) => void;
  fn.call(mod.exports, mod.exports, req, mod, file, dirname(file));
  mod.loaded = true;
  return use;
}

// Atomic (a temp file of a random name, then rename), and it removes lk's caches for other
// bundles or Node versions, so the directory holds one file. Every error is ignored.
function writeCache(script: Script, cacheDir: string, cacheFile: string): void {
  const tmp = `${cacheFile}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(tmp, script.createCachedData(), { flag: 'wx', mode: 0o600 });
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true });
      return;
    }
    for (const name of readdirSync(cacheDir)) {
      const path = join(cacheDir, name);
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX) && path !== cacheFile) rmSync(path, { force: true });
    }
  } catch {
    // No cache this time; lk works the same without one.
  }
}

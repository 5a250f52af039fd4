// Runs a CommonJS file (the bundled lk, dist/lk-main.cjs) with a V8 code cache, the way
// v8-compile-cache does (Node 20 has no module.enableCompileCache): the file is compiled with
// `new vm.Script(source, { cachedData })`, and V8 reuses the bytecode it made in an earlier run
// instead of parsing and compiling the functions again. The cache lives in the user's cache dir
// (XDG_CACHE_HOME/lk, else ~/.cache/lk), one file named after the source file's identity (device,
// inode, size, and its modification and change times to the nanosecond), the Node version and the
// architecture, so a changed bundle or another Node never reads a stale cache: any write to the
// file, or a new file put in its place (an upgrade), changes its ctime, which no user can set back.
// (V8 itself only checks the source's length and its own version and flags; on a mismatch it
// rejects the data and lk compiles afresh.) Not a content hash: node:crypto alone costs lk's
// start-up ~4 ms to load (~10 ms under the bin's heap flags) and hashing the bundle ~2 ms more.
// The cache is only an optimisation: any failure to read or write it (a read-only home, a file
// where the directory should be, a corrupt cache) is ignored and lk runs exactly as without it.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Module } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** How a run used the cache: `hit` (V8 accepted it), `miss` (none, or V8 rejected it). */
export type CodeCacheUse = 'hit' | 'miss';

const PREFIX = 'lk-';
const SUFFIX = '.v8cache';

/**
 * The CommonJS module wrapper's head. A file that starts with it is the whole wrapper function
 * already (the bundle is built so, scripts/bundle.mjs) and is compiled as it is; any other file is
 * wrapped here, which copies its text once more (~0.2 ms for lk's 400 kB bundle).
 */
export const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

/** The directory lk keeps its code cache in; undefined when there is no home to put it in. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'lk');
  let home: string;
  try {
    home = env.HOME || process.getBuiltinModule('node:os').homedir();
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
 *
 * `ModuleClass` is Node's CommonJS Module class: a CommonJS caller passes its `module.constructor`
 * (the same class), which saves loading node:module (~0.5 ms, ~1.5 ms under the bin's heap flags:
 * it brings parts of the ES module loader and the source-map support).
 */
export function runWithCodeCache(file: string, cacheDir: string | undefined, ModuleClass: typeof Module = process.getBuiltinModule('node:module').Module): CodeCacheUse {
  // The identity and the text from one open file, so they belong to each other.
  const fd = openSync(file, 'r');
  let source: string;
  let key: string;
  try {
    const st = fstatSync(fd, { bigint: true });
    key = [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].map((n) => n.toString(36)).join('-') + `-${process.version}-${process.arch}`;
    // Bytes, then text: readFileSync(fd, 'utf8') reads in 8 kB pieces (its native UTF-8 path), 51
    // read(2) calls and a growing copy for lk's 416 kB bundle; as a Buffer it is one read of the size.
    source = readFileSync(fd).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
  const wrapped = source.startsWith(WRAPPER_HEAD) ? source : `${WRAPPER_HEAD}${source.replace(/^#!/, '//')}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const use: CodeCacheUse = cachedData !== undefined && !script.cachedDataRejected ? 'hit' : 'miss';
  if (use === 'miss' && cacheDir !== undefined && cacheFile !== undefined) {
    process.once('exit', () => writeCache(script, cacheDir, cacheFile));
  }
  const mod = new ModuleClass(file);
  mod.filename = file;
  const req = ModuleClass.createRequire(file);
  req.cache[file] = mod;
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: Module, f: string, d: string) => void;
  fn.call(mod.exports, mod.exports, req, mod, file, dirname(file));
  mod.loaded = true;
  return use;
}

// Atomic (a temp file of a random name, then rename), and it removes lk's caches for other
// bundles or Node versions, so the directory holds one file. Every error is ignored.
function writeCache(script: Script, cacheDir: string, cacheFile: string): void {
  // node:crypto is loaded here only, on the run that writes the cache.
  const tmp = `${cacheFile}.${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}.tmp`;
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

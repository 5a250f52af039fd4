#!/usr/bin/env node
// Bundles the built CLI (dist/bin/lk-main.js and everything it imports, the SDK and commander
// included) into one CommonJS file, dist/lk-main.cjs, run by the `lk` bin dist/lk.cjs (from
// dist/bin/lk.js: a small loader that compiles lk-main.cjs with a V8 code cache kept in the
// user's cache dir, so later runs skip parsing and compiling). Node then reads and compiles one
// file instead of resolving and loading ~80 ES modules (each costs a file lookup, a read and a
// link), which is most of lk's start-up: measured with `pnpm bench cli-startup`, see the README.
// undici (about 1 MB, only needed once a request is sent) is bundled on its own into
// dist/undici.cjs and required on first use, so `lk --help` and `lk auth token` never parse it.
// The typed export libraries (apache-arrow, parquet-wasm with its 4.9 MB WebAssembly, and hyparquet
// for reading a written parquet file's footer back; used only by
// `--format arrow|parquet`) are bundled apart the same way, into dist/arrow.cjs, dist/parquet.cjs
// (with dist/parquet_wasm_bg.wasm beside it) and dist/hyparquet.cjs, and required when an export of
// that format starts.
// @napi-rs/keyring stays a normal dependency (a native module, resolved at run time).
// Runs after `tsc -b` (pnpm build, pnpm test and pnpm bench run it).
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..');
const dist = join(cli, 'dist');
// dist/lk-main.cjs is written as the CommonJS module wrapper function around the bundle, so the
// bin's loader compiles the file's text as it is (no second 400 kB copy of it to wrap it).
const { WRAPPER_HEAD } = await import(join(dist, 'bin', 'code-cache.js'));
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', minifyWhitespace: true, minifySyntax: true, legalComments: 'none' };

// lk's only WebAssembly is undici's HTTP parser (llhttp). V8 compiles it twice, Liftoff then
// TurboFan; the TurboFan tier alone raised lk's peak RSS by ~35 MB (94 -> 58 MB for one request,
// GNU time), a third of the 100 MB an export of any size may use, while the body bytes of a big
// export are not parsed by llhttp (it only hands out spans). So the lk process, which owns its
// V8, keeps Liftoff code only. Set before undici compiles the module; the SDK as a library does
// not do this (the process is not its own).
const LOAD_UNDICI = "require('node:v8').setFlagsFromString('--liftoff-only');\nmodule.exports = require('./undici.cjs');";

// The SDK's `import('undici')` resolves to a one-line module that requires ./undici.cjs: esbuild
// turns the dynamic import into a lazy require (an external `import()` would go through the ES
// module loader, which runs cjs-module-lexer over the whole 700 kB file first: ~150 ms).
const lazyUndici = {
  name: 'lazy-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'lazy-undici' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-undici' }, () => ({ contents: LOAD_UNDICI, loader: 'js' }));
    b.onResolve({ filter: /^\.\/undici\.cjs$/ }, () => ({ path: './undici.cjs', external: true }));
  },
};

// `import('apache-arrow')` / `import('parquet-wasm')` / `import('hyparquet')` in the CLI: a lazy require of a file of its own.
const LAZY_EXPORTS = { 'apache-arrow': './arrow.cjs', 'parquet-wasm': './parquet.cjs', hyparquet: './hyparquet.cjs' };
const lazyExports = {
  name: 'lazy-exports',
  setup(b) {
    b.onResolve({ filter: /^(apache-arrow|parquet-wasm|hyparquet)$/ }, (a) => ({ path: a.path, namespace: 'lazy-exports' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-exports' }, (a) => ({ contents: `module.exports = require('${LAZY_EXPORTS[a.path]}');`, loader: 'js' }));
    b.onResolve({ filter: /^\.\/(arrow|parquet|hyparquet)\.cjs$/ }, (a) => ({ path: a.path, external: true }));
  },
};

// node:crypto, node:child_process, node:fs/promises and node:os cost lk's start-up ~4, ~2, ~1.3
// and ~0.3 ms to load (three times that under the bin's heap flags: non-default V8 flags make V8
// reject Node's code cache for its own modules), and a run needs each only on some paths (a key's
// fingerprint, a lock file's name, the keychain helper, a browser, a file read; commander requires
// child_process for executable subcommands, which lk does not have). In the bundle each is an ES
// module of one function per function Node exports, which requires the real module on its first
// call and calls Node's function (with `new` when called with it), so `lk --help` loads none of
// them. An ES module, not a CommonJS one of getters: lk's ES modules importing a CommonJS module
// get esbuild's __toESM copy of every property (~180 for the four, ~0.3 ms of every run); these
// are bound directly, and commander's require gets the module's namespace. The names are read
// from this Node at build time; an import of anything that is not a function (e.g. `constants`)
// fails the build (no such export) instead of loading the module early. node:tls: the SDK's
// import('node:tls') (a TLS handshake after an http:// request failed, transport/tls-port.ts) is
// bundled so (a dynamic import of a builtin fails in the bin's vm.Script).
const LAZY_BUILTINS = /^node:(crypto|child_process|fs\/promises|os|tls)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (a) => (a.namespace === 'lazy-builtin' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (a) => {
      const real = await import(a.path);
      const names = Object.keys(real).filter((k) => k !== 'default' && typeof real[k] === 'function');
      const fns = names.map((k) => `export function ${k}(...a) {\n  const f = load().${k};\n  return new.target ? Reflect.construct(f, a, new.target) : f.apply(this, a);\n}`);
      const contents = `let m;\nconst load = () => (m ??= require(${JSON.stringify(a.path)}));\n${fns.join('\n')}\n`;
      return { contents, loader: 'js' };
    });
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: [join(dist, 'bin', 'lk-main.js')],
    outfile: join(dist, 'lk-main.cjs'),
    banner: { js: WRAPPER_HEAD },
    footer: { js: '})' },
    plugins: [lazyUndici, lazyExports, lazyBuiltins],
    external: ['@napi-rs/keyring'],
    // keyring-module-esm.js (import.meta) is only reached where `require` is missing, never here.
    // The SDK resolves @napi-rs/keyring from its own install folder (require.resolve('@lk/sdk')) at
    // run time, which is what the bundle needs: the module is the SDK's dependency, not the CLI's.
    logOverride: { 'empty-import-meta': 'silent', 'require-resolve-not-external': 'silent' },
  }),
  build({ ...common, entryPoints: [join(dist, 'bin', 'lk.js')], outfile: join(dist, 'lk.cjs') }),
  build({
    ...common,
    stdin: { contents: "module.exports = require('undici');", resolveDir: join(cli, '..', 'sdk'), sourcefile: 'undici-entry.cjs' },
    outfile: join(dist, 'undici.cjs'),
  }),
  ...Object.entries(LAZY_EXPORTS).map(([name, file]) =>
    build({
      ...common,
      stdin: { contents: `module.exports = require('${name}');`, resolveDir: cli, sourcefile: `${name}-entry.cjs` },
      outfile: join(dist, file),
    }),
  ),
]);
chmodSync(join(dist, 'lk.cjs'), 0o755);
// parquet-wasm's node build reads its WebAssembly from beside itself: dist/parquet.cjs.
copyFileSync(join(cli, 'node_modules', 'parquet-wasm', 'node', 'parquet_wasm_bg.wasm'), join(dist, 'parquet_wasm_bg.wasm'));

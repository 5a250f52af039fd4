// Preload for e2e tests (`node --import ./record-imports.mjs …`): appends to $LK_IMPORT_LOG every
// module URL the ESM loader resolves, at exit every CommonJS file that was loaded (the bundled bin
// dist/lk.cjs, and dist/undici.cjs once a request is sent: the keys of Node's require cache), and
// Node's internal modules that were loaded lazily (e.g. `internal/deps/undici/undici` when global
// fetch is touched). Lets a test prove what `lk --version` and `lk --help` do NOT load.
import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';

register('./record-imports-hooks.mjs', import.meta.url);
const log = process.env.LK_IMPORT_LOG;
const before = new Set(process.moduleLoadList);
const requireCache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  if (!log) return;
  const added = process.moduleLoadList.filter((m) => !before.has(m));
  const cjs = Object.keys(requireCache).map((f) => `file://${f}`);
  appendFileSync(log, [...cjs, ...added.map((m) => `internal:${m}`)].map((l) => `${l}\n`).join(''));
});

// Preload for e2e tests (`node --import ./record-imports.mjs …`): appends to $LK_IMPORT_LOG every
// module URL the ESM loader resolves, and at exit Node's internal modules that were loaded lazily
// (e.g. `internal/deps/undici/undici` when global fetch is touched). Lets a test prove what
// `lk --version` and `lk --help` do NOT load.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';

register('./record-imports-hooks.mjs', import.meta.url);
const log = process.env.LK_IMPORT_LOG;
const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  if (!log) return;
  const added = process.moduleLoadList.filter((m) => !before.has(m));
  appendFileSync(log, added.map((m) => `internal:${m}\n`).join(''));
});

#!/usr/bin/env node
// `pnpm bench [name…]`: runs bench/<name>/index.mjs for each named bench (all when none is named),
// one after another so they do not compete for the machine's two cores.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const here = import.meta.dirname;
const all = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'index.mjs')))
  .map((d) => d.name)
  .sort();
const chosen = process.argv.length > 2 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`bench: no bench named ${name} (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n## bench/${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, name, 'index.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

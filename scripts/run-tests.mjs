#!/usr/bin/env node
// Runs jest over every tier and ends with one plain line `N passed, N failed` (CI reads it; jest's
// own summary is not a count CI understands). Extra arguments go to jest, e.g. a path filter.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outDir = join(root, '.test-output');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'jest-results.json');

// The e2e tiers run the bundled bin (packages/cli/dist/lk.cjs); bundle what tsc built last, so
// a `tsc -b` before the tests is enough and the bundle is never older than the code it holds.
if (existsSync(join(root, 'packages', 'cli', 'dist', 'bin', 'lk.js'))) {
  const b = spawnSync(process.execPath, [join(root, 'packages', 'cli', 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const args = [jestBin, '--json', `--outputFile=${outFile}`, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(outFile)) {
  const r = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped = r.numPendingTests + r.numTodoTests;
} else {
  failed = 1;
}
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code === 0 && failed === 0 ? 0 : 1);

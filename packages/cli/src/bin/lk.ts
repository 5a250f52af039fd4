#!/usr/bin/env node
// The `lk` executable. Kept tiny: `lk --version` loads only this file and version.js (the
// start-up bench's goal is 1.3x `node -e 0`, and an ES module costs a few ms per file); every
// other invocation goes through main.ts, which answers --version the same way for tests.
import { VERSION } from '../version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../main.js');
  process.exitCode = await main(process.argv);
}

#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=512
// The `lk` executable's entry. The published bin is dist/lk.cjs, this file bundled with everything
// it imports (scripts/bundle.mjs): one file to read and compile instead of dozens of ES modules.
//
// The heap flags keep an export's memory flat: with V8's defaults (young generation up to 3 x 16
// MB, old generation sized from the machine's RAM) the heap of a 1,000,000-row export grew to
// ~65 MB of mostly garbage and peak RSS to ~150 MB; with these, 87 MB at the same CPU time
// (GNU time, 1,000,000 rows of lists.Generated as csv). lk keeps at most two pages of rows alive,
// so 512 MB of old generation is never the limit. Run as `node lk.cjs`, the bin gets V8's defaults.
import { exitOnInterrupt, main } from '../main.js';

exitOnInterrupt();
void main(process.argv).then((code) => {
  process.exitCode = code;
});

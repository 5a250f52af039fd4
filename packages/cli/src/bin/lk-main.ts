// The `lk` program: bundled with everything it imports into dist/lk-main.cjs (scripts/bundle.mjs),
// one file to read and compile instead of dozens of ES modules; the bin (./lk.ts) runs it.
import { exitOnInterrupt, main } from '../main.js';

exitOnInterrupt();
void main(process.argv).then((code) => {
  process.exitCode = code;
});

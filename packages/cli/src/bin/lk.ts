#!/usr/bin/env node
// The `lk` executable's entry. The published bin is dist/lk.cjs, this file bundled with everything
// it imports (scripts/bundle.mjs): one file to read and compile instead of dozens of ES modules.
import { main } from '../main.js';

void main(process.argv).then((code) => {
  process.exitCode = code;
});

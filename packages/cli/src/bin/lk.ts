#!/usr/bin/env node
// The `lk` executable. Kept tiny: `lk --version` must load nothing but main.ts.
import { main } from '../main.js';

process.exitCode = await main(process.argv);

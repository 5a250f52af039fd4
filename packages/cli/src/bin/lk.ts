#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=512
// The `lk` executable, the published bin dist/lk.cjs: it runs the bundled program dist/lk-main.cjs
// (./lk-main.ts and all it imports) with a V8 code cache in the user's cache dir (./code-cache.ts),
// so a run after the first does not parse and compile lk again. LK_CODE_CACHE=off runs without it.
//
// The heap flags keep an export's memory flat: with V8's defaults (young generation up to 3 x 16
// MB, old generation sized from the machine's RAM) the heap of a 1,000,000-row export grew to
// ~65 MB of mostly garbage and peak RSS to ~150 MB; with these, 87 MB at the same CPU time
// (GNU time, 1,000,000 rows of lists.Generated as csv). lk keeps at most two pages of rows alive,
// so 512 MB of old generation is never the limit. Run as `node lk.cjs`, the bin gets V8's defaults.
// The young generation is 1 MB, not 4: csv/tsv/ndjson pages are transcoded from their bytes and
// allocate little on the heap, so with 4 MB scavenges were rare and the dead socket and body
// buffers (external memory) piled up to V8's 64 MB external-memory trigger: 105-108 MB peak RSS
// (also with V8's defaults); with 1 MB, 88-91 MB at the same CPU time (json, still objects, ~82 MB).
// Set at run time instead (v8.setFlagsFromString --max-semi-space-size=1 and/or
// --semi-space-growth-factor=1, without the #! flags) they do not hold the young generation:
// 95-106 MB (1,000,000 rows as csv, 2026-12-08), so they stay on the #! line.
import { join } from 'node:path';
import { codeCacheDir, runWithCodeCache } from './code-cache.js';

// Only the bundle runs this file, and it is CommonJS: __dirname is dist/, module.constructor is
// Node's Module class.
declare const __dirname: string;
declare const module: { constructor: typeof import('node:module').Module };

runWithCodeCache(join(__dirname, 'lk-main.cjs'), process.env.LK_CODE_CACHE === 'off' ? undefined : codeCacheDir(), module.constructor);

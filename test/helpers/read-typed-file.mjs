#!/usr/bin/env node
// Reads a file lk exported with --format parquet or arrow using implementations OTHER than the
// ones that wrote it, and prints what they see as JSON: row count, columns (name and Arrow type)
// and the rows asked for by index. Parquet (written by hyparquet-writer) is read by parquet-wasm
// (the Rust arrow-rs parquet reader compiled to WebAssembly); Arrow IPC files (written by
// apache-arrow) are read by @uwdata/flechette. Both are devDependencies of @lk/cli.
//   node read-typed-file.mjs parquet|arrow FILE [ROW_INDEX...]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(import.meta.dirname, '..', '..', 'packages', 'cli', 'package.json'));
const { tableFromIPC } = await import(require.resolve('@uwdata/flechette'));
const [format, file, ...indexes] = process.argv.slice(2);
let ipc;
if (format === 'parquet') {
  const { readParquet } = require('parquet-wasm/node');
  ipc = readParquet(readFileSync(file)).intoIPCStream();
} else if (format === 'arrow') {
  ipc = readFileSync(file);
} else {
  throw new Error(`unknown format ${format}`);
}
const table = tableFromIPC(ipc, { useDate: false, useBigInt: true });
// flechette's type ids are Arrow's (format/Schema.fbs Type union).
const TYPE_NAMES = { 2: 'int', 3: 'float', 5: 'utf8', 6: 'bool', 10: 'timestamp', 20: 'large_utf8' };
const columns = table.schema.fields.map((f) => ({
  name: f.name,
  type: TYPE_NAMES[f.type.typeId] ?? `type ${f.type.typeId}`,
  ...(f.type.bitWidth !== undefined ? { bitWidth: f.type.bitWidth } : {}),
  ...(f.type.precision !== undefined ? { precision: f.type.precision } : {}),
  ...(f.type.typeId === 10 ? { unit: ['s', 'ms', 'us', 'ns'][f.type.unit], timezone: f.type.timezone ?? null } : {}),
  nullable: f.nullable,
}));
const rows = indexes.map((i) => table.get(Number(i)));
process.stdout.write(`${JSON.stringify({ numRows: table.numRows, columns, rows }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}\n`);

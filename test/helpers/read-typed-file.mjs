#!/usr/bin/env node
// Reads a file lk exported with --format parquet or arrow using implementations OTHER than the
// ones that wrote it, and prints what they see as JSON: row count, columns (name and Arrow type)
// and the rows asked for by index. Parquet (written by parquet-wasm, Rust's arrow-rs) is read by
// hyparquet (a JavaScript reader of its own); Arrow IPC files (written by apache-arrow) are read
// by @uwdata/flechette. Both are devDependencies of @lk/cli. The column types are given in
// flechette's terms for both (Arrow's type names: int, float, utf8, bool, timestamp).
//   node read-typed-file.mjs parquet|arrow FILE [ROW_INDEX...]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(import.meta.dirname, '..', '..', 'packages', 'cli', 'package.json'));
const { tableFromIPC } = await import(require.resolve('@uwdata/flechette'));
const [format, file, ...indexes] = process.argv.slice(2);
if (format === 'parquet') {
  const { parquetMetadata, parquetReadObjects } = await import(require.resolve('hyparquet'));
  const bytes = readFileSync(file);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const meta = parquetMetadata(buf);
  // A flat schema: the root, then one element per column.
  const columns = meta.schema.slice(1).map((e) => {
    const lt = e.logical_type?.type;
    const type =
      e.type === 'INT64' && lt === 'TIMESTAMP'
        ? { type: 'timestamp', unit: { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[e.logical_type.unit] ?? String(e.logical_type.unit), timezone: e.logical_type.isAdjustedToUTC ? 'UTC' : null }
        : e.type === 'INT64' ? { type: 'int', bitWidth: 64 }
        : e.type === 'INT32' ? { type: 'int', bitWidth: 32 }
        : e.type === 'DOUBLE' ? { type: 'float', precision: 2 }
        : e.type === 'BOOLEAN' ? { type: 'bool' }
        : e.type === 'BYTE_ARRAY' && (lt === 'STRING' || e.converted_type === 'UTF8') ? { type: 'utf8' }
        : { type: `parquet ${e.type}` };
    return { name: e.name, ...type, nullable: e.repetition_type === 'OPTIONAL' };
  });
  const rows = [];
  for (const i of indexes.map(Number)) {
    const [row] = await parquetReadObjects({ file: buf, rowStart: i, rowEnd: i + 1 });
    rows.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v])));
  }
  print({ numRows: Number(meta.num_rows), columns, rows });
} else if (format === 'arrow') {
  const table = tableFromIPC(readFileSync(file), { useDate: false, useBigInt: true });
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
  print({ numRows: table.numRows, columns, rows: indexes.map((i) => table.get(Number(i))) });
} else {
  throw new Error(`unknown format ${format}`);
}

function print(v) {
  process.stdout.write(`${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}\n`);
}

/**
 * The parquet writer's own guards around parquet-wasm, which does not report every failure: the
 * footer's row count is read back (with hyparquet), and a writer that stops asking for batches
 * fails the export instead of letting Node exit 0 with the export unfinished.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAtomicFile } from './atomic-file.js';
import { createParquetWriter, footerRows } from './parquet-writer.js';
import type { TypedColumn } from './typed-columns.js';

const COLUMNS: TypedColumn[] = [
  { name: 'Key', keys: ['Key'], kind: 'int' },
  { name: 'Name', keys: ['Name'], kind: 'string' },
];
const DIST = join(__dirname, '..', '..', 'dist', 'output');

describe('parquet writer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lk-parquet-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('footerRows reads the row count from the footer of what was written, and undefined from a file cut short', async () => {
    const target = join(dir, 'p.parquet');
    const file = openAtomicFile(target);
    const w = await createParquetWriter(file, COLUMNS, 'lk test');
    for (let i = 0; i < 40_000; i++) await w.row({ Key: i, Name: i % 7 === 0 ? null : `row ${i}` });
    await w.end();
    expect(await footerRows(file.tmp)).toBe(40_000n);
    file.commit();
    const copy = join(dir, 'cut.parquet');
    writeFileSync(copy, readFileSync(target));
    truncateSync(copy, readFileSync(target).length - 3);
    expect(await footerRows(copy)).toBeUndefined();
    writeFileSync(copy, 'PAR1');
    expect(await footerRows(copy)).toBeUndefined();
  });

  it('a writer that stops asking for batches fails the export (LK_EXPORT_WRITE) instead of leaving Node to exit 0', () => {
    // In a process of its own (the built modules): rows after end() are never asked for, so
    // nothing is left to run; without the guard the process exits 0 and prints nothing.
    // No top-level await: lk's bin is a CommonJS script, where an empty event loop means 'beforeExit'.
    const script = `(async () => {
      const { openAtomicFile } = await import(${JSON.stringify(join(DIST, 'atomic-file.js'))});
      const { createParquetWriter } = await import(${JSON.stringify(join(DIST, 'parquet-writer.js'))});
      const file = openAtomicFile(${JSON.stringify(join(dir, 's.parquet'))});
      const w = await createParquetWriter(file, ${JSON.stringify(COLUMNS)}, 'lk test');
      await w.end();
      try {
        for (let i = 0; i < 20000; i++) await w.row({ Key: i, Name: 'x' });
        console.log('no error');
      } catch (e) {
        console.log(e.code, e.message);
        process.exitCode = 3;
      }
      file.discard();
    })();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      status: 3,
      stdout: 'LK_EXPORT_WRITE The parquet writer stopped before the file was complete, so the export was not saved.',
      stderr: '',
    });
  });
});

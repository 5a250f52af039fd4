import { createTestIO } from '../io.js';
import { csvField, truncate, tsvField, width } from './cells.js';
import { createRowWriter, type Format } from './row-writer.js';

async function write(format: Format, rows: Record<string, unknown>[], o: { columns?: string[]; firstPage?: number; tableRows?: number; maxColumnWidth?: number } = {}) {
  const io = createTestIO();
  const w = createRowWriter(io, { format, ...o });
  for (const r of rows) await w.row(r);
  await w.end();
  return io.stdout();
}

describe('row writer', () => {
  const rows = [
    { Name: 'Ada, Countess', Note: 'said "hi"', N: 1 },
    { Name: 'Tab\there', Note: 'two\nlines', N: null },
    { Name: ' padded ', Note: 'back\\slash', N: 2.5 },
  ];

  it('a chunk is never written into while the IO holds it; once released, its buffer serves a later chunk', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ Key: i, Name: `Row ${i}`, Note: i % 7 ? 'plain' : 'a, "quoted"' }));
    const expected = await write('csv', many);
    for (const keep of [0, 1, 3, Infinity]) {
      const held: { bytes: Uint8Array; copy: Buffer; released: () => void }[] = [];
      const buffers = new Set<ArrayBufferLike>();
      let out = '';
      let chunks = 0;
      const check = (h: { bytes: Uint8Array; copy: Buffer }) => expect(Buffer.from(h.bytes).equals(h.copy)).toBe(true);
      const io = {
        ...createTestIO(),
        out(s: string | Uint8Array, released?: () => void) {
          const bytes = s as Uint8Array;
          chunks++;
          buffers.add(bytes.buffer);
          out += Buffer.from(bytes).toString('utf8');
          held.push({ bytes, copy: Buffer.from(bytes), released: released! });
          // The IO lets go of a chunk only `keep` writes later (a slow stream), checking it was left alone.
          while (held.length > keep) {
            const h = held.shift()!;
            check(h);
            h.released();
          }
          return Promise.resolve();
        },
      };
      const w = createRowWriter(io, { format: 'csv', chunkChars: 512 });
      for (const r of many) await w.row(r);
      await w.end();
      for (const h of held) check(h);
      expect(out).toBe(expected);
      expect(chunks).toBeGreaterThan(50);
      // Released chunks are reused (a few buffers in all); held ones never are (a new buffer each).
      if (keep === Infinity) expect(buffers.size).toBe(chunks);
      else expect(buffers.size).toBeLessThanOrEqual(keep + 4);
    }
  });

  it('csv quotes commas, quotes, newlines and edge spaces (RFC 4180)', async () => {
    expect(await write('csv', rows)).toBe('Name,Note,N\n"Ada, Countess","said ""hi""",1\nTab\there,"two\nlines",\n" padded ",back\\slash,2.5\n');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
  });

  it('tsv escapes backslash, tab, LF and CR', async () => {
    expect(await write('tsv', rows)).toBe('Name\tNote\tN\nAda, Countess\tsaid "hi"\t1\nTab\\there\ttwo\\nlines\t\n padded \tback\\\\slash\t2.5\n');
    expect(tsvField('a\rb')).toBe('a\\rb');
  });

  it('table aligns columns by the first page', async () => {
    expect(await write('table', [{ A: 'x', B: 1 }, { A: 'longer', B: 22 }])).toBe('A       B\nx       1\nlonger  22\n');
  });

  it('table: a wider value after the rows it was sized from is printed whole (the line shifts), never cut', async () => {
    const out = await write('table', [{ A: 'ab' }, { A: 'abcdef' }], { tableRows: 1 });
    expect(out).toBe('A\nab\nabcdef\n');
    const two = await write('table', [{ A: 'ab', B: 1 }, { A: 'abcdef', B: 2 }], { tableRows: 1 });
    expect(two).toBe('A   B\nab  1\nabcdef  2\n');
  });

  it('table is sized from every row up to 10,000, whatever the page size (a key 1000 after 999 short ones is not cut)', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ Key: i + 1, Name: `n${i + 1}` }));
    const out = (await write('table', rows, { firstPage: 500 })).split('\n');
    expect(out[0]).toBe('Key   Name');
    expect(out[1000]).toBe('1000  n1000');
    expect(out[1500]).toBe('1500  n1500');
  });

  it('table widths are terminal cells: CJK and emoji 2, combining marks 0; values over the maximum are cut by cells', async () => {
    const rows = [{ Name: '山田太郎', N: 1 }, { Name: 'José', N: 2 }, { Name: 'e\u0301clair', N: 3 }, { Name: '🧪👩‍🔬', N: 4 }, { Name: 'ab', N: 5 }];
    expect(await write('table', rows)).toBe(['Name      N', '山田太郎  1', 'José      2', 'e\u0301clair    3', '🧪👩‍🔬      4', 'ab        5', ''].join('\n'));
    expect(width('山田太郎')).toBe(8);
    expect(width('🇩🇪')).toBe(2);
    expect(width('👍🏽')).toBe(2);
    expect(width('a\u200db')).toBe(2);
    expect(truncate('山田太郎', 5)).toBe('山田…');
    expect(width(truncate('山田太郎', 5))).toBe(5);
    const long = await write('table', [{ A: '漢'.repeat(40), B: 1 }], { maxColumnWidth: 10 });
    expect(long).toBe(`A${' '.repeat(9)}  B\n${'漢'.repeat(4)}… ${' '.repeat(0)}  1\n`);
  });

  it('json is one array, ndjson one object a line; --columns picks and orders', async () => {
    expect(await write('json', [{ a: 1, b: 2 }, { a: 3, b: 4 }], { columns: ['b', 'a'] })).toBe('[\n  {"b":2,"a":1},\n  {"b":4,"a":3}\n]\n');
    expect(await write('json', [])).toBe('[]\n');
    expect(await write('ndjson', [{ a: 1 }, { a: null }])).toBe('{"a":1}\n{"a":null}\n');
  });

  it('columns are the union of the first page, in order; cell objects print their value', async () => {
    expect(await write('csv', [{ a: 1 }, { b: { value: 2, displayValue: 'two' } }])).toBe('a,b\n1,\n,2\n');
  });

  it('--columns follows the names the server returned: case-insensitive, unknown ones dropped (the SDK warns, not the writer)', async () => {
    const served = [{ Name: 'Ada', Age: 36 }, { Name: 'Alan', Age: 41 }];
    for (const format of ['csv', 'json'] as const) {
      const io = createTestIO();
      const w = createRowWriter(io, { format, columns: ['name', 'Nope', 'AGE'] });
      for (const r of served) await w.row(r);
      await w.end();
      expect(io.stdout()).toBe(format === 'csv' ? 'Name,Age\nAda,36\nAlan,41\n' : '[\n  {"Name":"Ada","Age":36},\n  {"Name":"Alan","Age":41}\n]\n');
      expect(io.stderr()).toBe('');
    }
  });

  it('an empty csv/tsv result still has its header, from the field metadata (--columns resolved against it)', async () => {
    const fields = () => ['Key', 'Name', 'Age', '_labkeyurl_Name'];
    for (const [format, header] of [['csv', 'Key,Name,Age\n'], ['tsv', 'Key\tName\tAge\n'], ['table', 'Key  Name  Age\n']] as const) {
      const io = createTestIO();
      const w = createRowWriter(io, { format, emptyColumns: fields });
      await w.end();
      expect(io.stdout()).toBe(header);
    }
    const io = createTestIO();
    const w = createRowWriter(io, { format: 'csv', columns: ['age', 'name'], emptyColumns: fields });
    await w.end();
    expect(io.stdout()).toBe('Age,Name\n');
  });

  it('chunks are whole UTF-8: values far longer than a chunk, multi-byte characters across chunk edges', async () => {
    const long = '漢😀é,"'.repeat(40_000); // ~440 kB of UTF-8 in one cell
    const many = Array.from({ length: 3000 }, (_, i) => ({ K: i, V: i === 1500 ? long : `ü${'字'.repeat(i % 50)}` }));
    const chunks: Buffer[] = [];
    const io = createTestIO();
    const out = io.out.bind(io);
    io.out = (b: string | Uint8Array) => {
      if (typeof b !== 'string') chunks.push(Buffer.from(b));
      return out(b);
    };
    const w = createRowWriter(io, { format: 'csv', firstPage: 10 });
    for (const r of many) await w.row(r);
    await w.end();
    const expected = ['K,V', ...many.map((r) => `${r.K},${csvField(r.V)}`)].join('\n') + '\n';
    expect(io.stdout()).toBe(expected);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    for (const c of chunks) expect(c.toString('utf8')).not.toContain('\ufffd'); // no character cut in two
    expect(chunks.length).toBeGreaterThan(3);
  });

  it('rows go to stdout in chunks (one write per ~64k characters), or one write a row with chunkChars 0; same text', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ Key: i + 1, Name: `Row ${i + 1}`, Flag: i % 2 === 0, Note: i % 7 ? null : 'a, "b"' }));
    const run = async (format: Format, chunkChars?: number) => {
      const io = createTestIO();
      let writes = 0;
      const out = io.out.bind(io);
      io.out = (t: string) => {
        writes++;
        return out(t);
      };
      const w = createRowWriter(io, { format, firstPage: 100, ...(chunkChars === undefined ? {} : { chunkChars }) });
      for (const r of many) await w.row(r);
      await w.end();
      return { text: io.stdout(), writes };
    };
    for (const format of ['csv', 'tsv', 'ndjson', 'json'] as const) {
      const chunked = await run(format);
      const each = await run(format, 0);
      expect(chunked.text).toBe(each.text);
      expect(chunked.writes).toBeLessThanOrEqual(Math.ceil(chunked.text.length / 65_536) + 2);
      expect(each.writes).toBeGreaterThan(4900);
    }
    const csv = (await run('csv')).text.split('\n');
    expect(csv.slice(0, 3)).toEqual(['Key,Name,Flag,Note', '1,Row 1,true,"a, ""b"""', '2,Row 2,false,']);
    expect(csv).toHaveLength(5002);
  });

  it('with --columns, an empty result still prints the header', async () => {
    expect(await write('csv', [], { columns: ['x', 'y'] })).toBe('x,y\n');
  });
});

/**
 * lk query select's csv, tsv, ndjson and json bytes for awkward values (quotes, commas, newlines,
 * tabs, backslashes, unicode, nulls, edge spaces, dates, booleans, floats), paged in small pages
 * so page and chunk boundaries fall between rows. The expected texts are what lk wrote before its
 * export pipeline was made faster; they must not change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestIO } from '../../packages/cli/src/io.js';
import { createRowWriter, type Format } from '../../packages/cli/src/output/row-writer.js';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(120_000);

const ROWS = [
  { Name: 'plain', Value: 1.5, Category: 'alpha', Flag: true, Created: '2025-01-02 03:04:05.678' },
  { Name: 'a "quoted", comma', Value: -0.1, Category: null, Flag: false, Created: null },
  { Name: 'line\nbreak\r\nand\ttab', Value: null, Category: 'back\\slash', Flag: null, Created: '2024-02-29 23:59:00.000' },
  { Name: ' edge spaces ', Value: 1e21, Category: 'unicode é 漢字 😀 \u2028', Flag: true, Created: '2025-12-31 00:00:00.000' },
  { Name: '', Value: 0, Category: '"', Flag: false, Created: '2025-01-01 00:00:00.000' },
  { Name: null, Value: 123456789.125, Category: ',', Flag: true, Created: '2025-06-15 12:30:00.000' },
  { Name: '=1+2', Value: 3, Category: '\'single\'', Flag: false, Created: '2025-06-15 12:31:00.000' },
];

const EXPECTED: Record<string, string> = {
  csv: "Key,Name,Value,Category,Flag,Created\n1,plain,1.5,alpha,true,2025-01-02 03:04:05.678\n2,\"a \"\"quoted\"\", comma\",-0.1,,false,\n3,\"line\nbreak\r\nand\ttab\",,back\\slash,,2024-02-29 23:59:00.000\n4,\" edge spaces \",1e+21,\"unicode é 漢字 😀 \u2028\",true,2025-12-31 00:00:00.000\n5,,0,\"\"\"\",false,2025-01-01 00:00:00.000\n6,,123456789.125,\",\",true,2025-06-15 12:30:00.000\n7,=1+2,3,'single',false,2025-06-15 12:31:00.000\n",
  tsv: "Key\tName\tValue\tCategory\tFlag\tCreated\n1\tplain\t1.5\talpha\ttrue\t2025-01-02 03:04:05.678\n2\ta \"quoted\", comma\t-0.1\t\tfalse\t\n3\tline\\nbreak\\r\\nand\\ttab\t\tback\\\\slash\t\t2024-02-29 23:59:00.000\n4\t edge spaces \t1e+21\tunicode é 漢字 😀 \u2028\ttrue\t2025-12-31 00:00:00.000\n5\t\t0\t\"\tfalse\t2025-01-01 00:00:00.000\n6\t\t123456789.125\t,\ttrue\t2025-06-15 12:30:00.000\n7\t=1+2\t3\t'single'\tfalse\t2025-06-15 12:31:00.000\n",
  ndjson: "{\"Key\":1,\"Name\":\"plain\",\"Value\":1.5,\"Category\":\"alpha\",\"Flag\":true,\"Created\":\"2025-01-02 03:04:05.678\"}\n{\"Key\":2,\"Name\":\"a \\\"quoted\\\", comma\",\"Value\":-0.1,\"Category\":null,\"Flag\":false,\"Created\":null}\n{\"Key\":3,\"Name\":\"line\\nbreak\\r\\nand\\ttab\",\"Value\":null,\"Category\":\"back\\\\slash\",\"Flag\":null,\"Created\":\"2024-02-29 23:59:00.000\"}\n{\"Key\":4,\"Name\":\" edge spaces \",\"Value\":1e+21,\"Category\":\"unicode é 漢字 😀 \u2028\",\"Flag\":true,\"Created\":\"2025-12-31 00:00:00.000\"}\n{\"Key\":5,\"Name\":null,\"Value\":0,\"Category\":\"\\\"\",\"Flag\":false,\"Created\":\"2025-01-01 00:00:00.000\"}\n{\"Key\":6,\"Name\":null,\"Value\":123456789.125,\"Category\":\",\",\"Flag\":true,\"Created\":\"2025-06-15 12:30:00.000\"}\n{\"Key\":7,\"Name\":\"=1+2\",\"Value\":3,\"Category\":\"'single'\",\"Flag\":false,\"Created\":\"2025-06-15 12:31:00.000\"}\n",
  json: "[\n  {\"Key\":1,\"Name\":\"plain\",\"Value\":1.5,\"Category\":\"alpha\",\"Flag\":true,\"Created\":\"2025-01-02 03:04:05.678\"},\n  {\"Key\":2,\"Name\":\"a \\\"quoted\\\", comma\",\"Value\":-0.1,\"Category\":null,\"Flag\":false,\"Created\":null},\n  {\"Key\":3,\"Name\":\"line\\nbreak\\r\\nand\\ttab\",\"Value\":null,\"Category\":\"back\\\\slash\",\"Flag\":null,\"Created\":\"2024-02-29 23:59:00.000\"},\n  {\"Key\":4,\"Name\":\" edge spaces \",\"Value\":1e+21,\"Category\":\"unicode é 漢字 😀 \u2028\",\"Flag\":true,\"Created\":\"2025-12-31 00:00:00.000\"},\n  {\"Key\":5,\"Name\":null,\"Value\":0,\"Category\":\"\\\"\",\"Flag\":false,\"Created\":\"2025-01-01 00:00:00.000\"},\n  {\"Key\":6,\"Name\":null,\"Value\":123456789.125,\"Category\":\",\",\"Flag\":true,\"Created\":\"2025-06-15 12:30:00.000\"},\n  {\"Key\":7,\"Name\":\"=1+2\",\"Value\":3,\"Category\":\"'single'\",\"Flag\":false,\"Created\":\"2025-06-15 12:31:00.000\"}\n]\n",
};

describe('lk query select output bytes', () => {
  const mock = withMockServer({ generatedRows: 0 });
  const home = useTempHome();
  let inserted = false;

  it.each(['csv', 'tsv', 'ndjson', 'json'])('%s is byte for byte what it was, across pages', async (format) => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    const file = join(home.dir, 'rows.json');
    writeFileSync(file, JSON.stringify({ schemaName: 'lists', queryName: 'Generated', rows: ROWS }));
    if (!inserted) expect((await runLk(['api', 'query-insertRows.api', '--input', file], { home })).code).toBe(0);
    inserted = true;
    const r = await runLk(['query', 'select', 'lists', 'Generated', '--format', format, '--page-size', '3'], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(EXPECTED[format]);
  });
});

/** Awkward values for the transcoding path (rows written from the server's bytes past the first page). */
const STRINGS = ['plain', '', 'a,b', 'say "hi"', 'line\nbreak', ' lead', 'trail ', '\ttab', '\u00a0nbsp', 'nbsp\u00a0', '\u2028', 'é漢字', '😀', 'back\\slash', 'sl/ash', 'nul\u0000', '\ufeffbom', '=1', ','];
const NUMBERS = [0, -0, 1, 1.5, -0.1, 1e21, 1e-7, 0.000001, 0.1 + 0.2, 123456789.125, 2 ** 53 + 2, -5.5, 1e300, 79.19];

describe('lk query select/sql: pages transcoded from bytes write what the object path writes', () => {
  const mock = withMockServer({ generatedRows: 0 });
  const home = useTempHome();
  const rows = Array.from({ length: 61 }, (_, i) => ({
    Name: i % 7 === 3 ? null : (STRINGS[i % STRINGS.length] as string),
    Value: i % 11 === 5 ? null : (NUMBERS[i % NUMBERS.length] as number),
    Category: STRINGS[(i * 5) % STRINGS.length] as string,
    Flag: i % 3 === 0 ? null : i % 2 === 0,
    Created: i % 4 === 0 ? null : `2025-01-${String((i % 28) + 1).padStart(2, '0')} 00:00:00.000`,
  }));

  /** What lk's row writer makes of `json`'s rows, in pages of `firstPage` (the object path). */
  async function objectPath(format: Format, json: string, firstPage: number, columns?: string[]): Promise<string> {
    const io = createTestIO();
    const w = createRowWriter(io, { format, firstPage, ...(columns ? { columns } : {}) });
    for (const r of JSON.parse(json) as Record<string, unknown>[]) await w.row(r);
    await w.end();
    return io.stdout();
  }

  let inserted = false;
  /** Each test has its own HOME: log in there; the rows go in once. */
  async function ready(): Promise<void> {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    if (inserted) return;
    const file = join(home.dir, 'rows.json');
    writeFileSync(file, JSON.stringify({ schemaName: 'lists', queryName: 'Generated', rows }));
    expect((await runLk(['api', 'query-insertRows.api', '--input', file], { home })).code).toBe(0);
    inserted = true;
  }

  const cases: [Format, number, string[]][] = [];
  for (const format of ['csv', 'tsv', 'ndjson'] as const) for (const pageSize of [1, 7, 25, 100]) cases.push([format, pageSize, []]);
  cases.push(['csv', 9, ['--columns', 'value,Name,Flag']], ['tsv', 9, ['--columns', 'Category,key']], ['ndjson', 9, ['--columns', 'Name,Value']], ['csv', 10, ['--max-rows', '33']]);

  it.each(cases)('select %s in pages of %i %j', async (format, pageSize, extra) => {
    await ready();
    const args = ['query', 'select', 'lists', 'Generated', '--page-size', String(pageSize), ...extra];
    const json = await runLk([...args, '--format', 'json'], { home });
    expect(json.code).toBe(0);
    const columns = extra[0] === '--columns' ? (extra[1] as string).split(',') : undefined;
    const r = await runLk([...args, '--format', format], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(await objectPath(format, json.stdout, pageSize, columns));
    expect(r.stdout.split('\n').length).toBeGreaterThan(extra[0] === '--max-rows' ? 33 : 61);
  });

  it.each(['csv', 'tsv', 'ndjson'] as const)('sql %s in pages of 8', async (format) => {
    await ready();
    const args = ['query', 'sql', 'SELECT Name, Value, Flag, Category FROM Generated', '--schema', 'lists', '--page-size', '8'];
    const json = await runLk([...args, '--format', 'json'], { home });
    expect(json.code).toBe(0);
    const r = await runLk([...args, '--format', format], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(await objectPath(format, json.stdout, 8));
  });

  it('--output FILE gets the same bytes as stdout', async () => {
    await ready();
    const out = join(home.dir, 'out.csv');
    const args = ['query', 'select', 'lists', 'Generated', '--page-size', '7', '--format', 'csv'];
    const r = await runLk([...args, '--output', out], { home });
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe((await runLk(args, { home })).stdout);
  });
});

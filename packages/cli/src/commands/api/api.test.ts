import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer } from '../../testing/harness.js';
import { asParams, flat, parseFields } from './fields.js';
import { parseActionSpec, runApi } from './index.js';

const noStdin = () => Promise.reject(new Error('stdin not expected'));

describe('lk api fields', () => {
  test('-f is a string as written; -F is typed; key[] appends', async () => {
    const f = await parseFields({ raw: ['a=1', 'b=true', 'c=x=y', 'l[]=1'], typed: ['n=42', 't=true', 'z=null', 's=4.5', 'l[]=2', 'big=12345678901234567890'] }, noStdin);
    expect(f).toEqual({ a: '1', b: 'true', c: 'x=y', l: ['1', 2], n: 42, t: true, z: null, s: '4.5', big: '12345678901234567890' });
    expect(flat(f)).toBe(true);
    expect(asParams(f)).toEqual({ a: '1', b: 'true', c: 'x=y', l: ['1', 2], n: 42, t: true, s: '4.5', big: '12345678901234567890' });
  });

  test('-F key=@file: JSON when it is JSON, else the text; @- reads stdin once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-api-fields-'));
    writeFileSync(join(dir, 'rows.json'), '[{"Name":"Ann"}]');
    writeFileSync(join(dir, 'note.txt'), 'hello\n');
    const f = await parseFields({ raw: [], typed: [`rows=@${join(dir, 'rows.json')}`, `note=@${join(dir, 'note.txt')}`, 'in=@-'] }, () => Promise.resolve('{"x":1}'));
    expect(f).toEqual({ rows: [{ Name: 'Ann' }], note: 'hello\n', in: { x: 1 } });
    expect(flat(f)).toBe(false);
    await expect(parseFields({ raw: [], typed: ['a=@-', 'b=@-'] }, () => Promise.resolve('1'))).rejects.toMatchObject({ code: 'LK_USAGE' });
    await expect(parseFields({ raw: [], typed: [`a=@${join(dir, 'missing')}`] }, noStdin)).rejects.toMatchObject({ code: 'LK_USAGE', message: expect.stringContaining('ENOENT') });
  });

  test('a field without = or mixing value and array is a usage error', async () => {
    await expect(parseFields({ raw: ['schemaName'], typed: [] }, noStdin)).rejects.toMatchObject({ code: 'LK_USAGE' });
    await expect(parseFields({ raw: ['=x'], typed: [] }, noStdin)).rejects.toMatchObject({ code: 'LK_USAGE' });
    await expect(parseFields({ raw: ['a=1', 'a[]=2'], typed: [] }, noStdin)).rejects.toMatchObject({ code: 'LK_USAGE' });
  });
});

describe('lk api action names', () => {
  test.each([
    ['query-selectRows.api', { controller: 'query', action: 'selectRows', container: undefined }],
    ['query-selectRows', { controller: 'query', action: 'selectRows', container: undefined }],
    ['/home/query-insertRows.API', { controller: 'query', action: 'insertRows', container: '/home' }],
    ['Project/Sub/login-whoAmI', { controller: 'login', action: 'whoAmI', container: 'Project/Sub' }],
  ])('%s', (spec, parts) => {
    expect(parseActionSpec(spec)).toEqual(parts);
  });
  test.each(['selectRows', 'query-', '-selectRows', 'query-selectRows.view', 'https://h/query-selectRows.api', 'query-selectRows.api?schemaName=x'])('%s is a usage error', (spec) => {
    expect(() => parseActionSpec(spec)).toThrow(expect.objectContaining({ code: 'LK_USAGE' }));
  });
});

describe('lk api output', () => {
  const server = useMockServer();
  let deps: TestDeps;
  afterEach(() => deps.cleanup());

  test('indented JSON on a terminal, compact in a pipe', async () => {
    const { key } = server.state.issueApiKey('alice@lk.test');
    deps = await createTestDeps({ env: { LABKEY_API_KEY: key }, stdoutIsTTY: true });
    await runApi('login-whoAmI', undefined, { server: server.url, rawField: [], field: [] }, deps);
    expect(deps.io.stdout()).toMatch(/^\{\n {2}"id": \d+,\n/);
    deps.cleanup();
    deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
    await runApi('login-whoAmI', undefined, { server: server.url, rawField: [], field: [] }, deps);
    expect(deps.io.stdout()).toMatch(/^\{"id":\d+,/);
    expect(deps.io.stdout().trimEnd().split('\n')).toHaveLength(1);
  });

  test('two containers, GET with --input, or GET with objects are usage errors before any request', async () => {
    deps = await createTestDeps();
    const before = server.requests.length;
    await expect(runApi('/home/login-whoAmI', '/other', { server: server.url, rawField: [], field: [] }, deps)).rejects.toMatchObject({ code: 'LK_USAGE' });
    await expect(runApi('query-x', undefined, { server: server.url, rawField: [], field: ['a=@-'], method: 'GET' }, { ...deps, io: { ...deps.io, readStdin: () => Promise.resolve('{"b":1}') } })).rejects.toMatchObject({ code: 'LK_USAGE' });
    expect(server.requests.length).toBe(before);
  });
});

// lk's process IO (packages/cli/src/io.ts, built): to a pipe, a file or /dev/null it writes with
// write(2) itself, without creating process.stdout / process.stderr (streams that load node:stream
// and node:net, or Node's SyncWriteStream for a file or /dev/null), until 64 KiB or until a write
// would block; from then on through the stream. Each case is a real Node child writing to a real
// pipe, file or /dev/null.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, expectNoLeaks, LK_BIN, ROOT, runLk, trackSecret } from '../helpers/run-lk';
import { useTempHome } from '../helpers/temp-home';
import { withMockServer } from '../helpers/with-mock-server';

expectNoLeaks();
jest.setTimeout(60_000);

const IO = join(ROOT, 'packages', 'cli', 'dist', 'io.js');

/**
 * A child that makes the process IO, runs `body`, and reports on fd 3 whether it loaded node:net (a
 * stream over a pipe) or Node's SyncWriteStream (the stream over a file or /dev/null).
 */
function script(body: string): string {
  return `import { createProcessIO } from ${JSON.stringify(IO)};
import { writeSync } from 'node:fs';
const io = createProcessIO({});
${body}
const loaded = (m) => process.moduleLoadList.includes('NativeModule ' + m);
writeSync(3, JSON.stringify({ net: loaded('net'), syncStream: loaded('internal/fs/sync_write_stream'), closed: io.stdoutClosed }));`;
}

/** A reader slower than lk: 4 KiB at a time, 2 ms apart, after a head start for the writer. */
const SLOW_READER = `python3 -c 'import os, sys, time\ntime.sleep(0.3)\nwhile True:\n    b = os.read(0, 4096)\n    if not b: break\n    sys.stdout.buffer.write(b)\n    time.sleep(0.002)'`;

const lines = (n: number) => Array.from({ length: n }, (_, i) => `${String(i).padStart(6, '0')} ${'x'.repeat(93)}\n`);

describe('the process IO', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-process-io-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(body: string, shell?: (cmd: string) => string) {
    const file = join(dir, 'child.mjs');
    writeFileSync(file, script(body));
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(file)} 3>${JSON.stringify(join(dir, 'report'))}`;
    const r = spawnSync('/bin/sh', ['-c', shell ? shell(cmd) : cmd], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(readFileSync(join(dir, 'report'), 'utf8')) as { net: boolean; syncStream: boolean; closed: boolean };
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, ...report };
  }

  it('a short output to pipes goes out without creating the streams', () => {
    const r = run(`await io.out('key\\n'); io.err('a warning\\n');`);
    expect(r).toMatchObject({ code: 0, stdout: 'key\n', stderr: 'a warning\n', net: false, closed: false });
  });

  it('a short output to /dev/null (`lk auth token >/dev/null`, `2>/dev/null`) goes out without creating the streams', () => {
    const r = run(`await io.out('key\\n'); io.err('a warning\\n');`, (cmd) => `${cmd} >/dev/null 2>/dev/null`);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '', net: false, syncStream: false, closed: false });
  });

  it('a short output to files goes out without creating the streams', () => {
    const out = join(dir, 'out.txt');
    const err = join(dir, 'err.txt');
    const r = run(`await io.out('key\\n'); io.err('a warning\\n');`, (cmd) => `${cmd} >${JSON.stringify(out)} 2>${JSON.stringify(err)}`);
    expect(r).toMatchObject({ code: 0, net: false, syncStream: false });
    expect([readFileSync(out, 'utf8'), readFileSync(err, 'utf8')]).toEqual(['key\n', 'a warning\n']);
  });

  it('a long output is whole and in order across the switch to the stream', () => {
    const r = run(`for (let i = 0; i < 5000; i++) await io.out(\`\${String(i).padStart(6, '0')} \${'x'.repeat(93)}\\n\`);`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines(5000).join(''));
    expect(r.net).toBe(true); // past 64 KiB, through process.stdout
  });

  it('a write that would block (a full non-blocking pipe) finishes through the stream', () => {
    // process.stderr makes the pipe fd 2 shares with fd 1 non-blocking; the reader waits, so the
    // pipe fills: write(2) writes part of the 300 kB and then answers EAGAIN.
    const body = `process.stderr; await io.out(${JSON.stringify(lines(3000).join(''))}); io.err('done\\n');`;
    const r = run(body, (cmd) => `${cmd} 2>&1 | (sleep 0.5; cat)`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${lines(3000).join('')}done\n`);
  });

  it('with 2>&1 into one pipe, a message comes out after the data written before it, not inside it', () => {
    // The reader is slower than the writer, so the 300 kB wait in process.stdout's queue when
    // io.err is called (out is not awaited); the message must not overtake them.
    const body = `process.stderr; void io.out(${JSON.stringify(lines(3000).join(''))}); io.err('lk: an error at the end\\n'); await io.out('after\\n');`;
    const r = run(body, (cmd) => `${cmd} 2>&1 | ${SLOW_READER}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${lines(3000).join('')}lk: an error at the end\nafter\n`);
  });

  it('a reader that goes away (EPIPE) closes stdout quietly', () => {
    const r = run(`for (let i = 0; i < 50 && !io.stdoutClosed; i++) { await io.out('x'.repeat(100000) + '\\n'); await new Promise((r) => setTimeout(r, 10)); }`, (cmd) => `${cmd} | head -c 10`);
    expect(r).toMatchObject({ code: 0, stdout: 'xxxxxxxxxx', stderr: '', closed: true });
  });

  it('to a file, all of it, in order', () => {
    const out = join(dir, 'out.txt');
    const r = run(`await io.out('first\\n'); for (let i = 0; i < 2000; i++) await io.out(\`\${String(i).padStart(6, '0')} \${'x'.repeat(93)}\\n\`);`, (cmd) => `${cmd} > ${JSON.stringify(out)}`);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`first\n${lines(2000).join('')}`);
  });
});

describe('lk query select 2>&1 | a slow reader, with an error at the end', () => {
  const mock = withMockServer({ generatedRows: 30_000 });
  const home = useTempHome();

  it('prints the error after every row written before it', async () => {
    const { key, rowId } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    // Pages of 4,000 rows (~200 kB of csv each, far past the pipe's 64 KiB); the reader reads
    // nothing until the pages lk asks for while it is blocked writing have come and the key is
    // revoked: the next page then fails and lk prints the error, with the rows of the pages before
    // it still on their way through the slow reader.
    const go = join(home.dir, 'go');
    const reader = `python3 -c 'import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.01)\nwhile True:\n    b = os.read(0, 4096)\n    if not b: break\n    sys.stdout.buffer.write(b)\n    time.sleep(0.001)' ${JSON.stringify(go)}`;
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(LK_BIN)} query select lists Generated --format csv --page-size 4000 2>&1 | ${reader}`;
    const child = spawn('/bin/sh', ['-c', cmd], { env: baseEnv(home), cwd: home.dir, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let fetched = 0;
    try {
      const pages = () => mock.server.requests.filter((r) => r.action === 'selectRows' && r.status === 200).length;
      // Until lk asks for no more (blocked writing page 1 while later pages are in): at least two
      // pages, and no new one for half a second.
      for (let i = 0, seen = -1; i < 100 && !(seen >= 2 && seen === pages()); i++) {
        seen = pages();
        await new Promise((r) => setTimeout(r, 500));
      }
      fetched = pages();
      expect(fetched).toBeGreaterThanOrEqual(2);
      expect(fetched).toBeLessThan(30_000 / 4000);
      expect(mock.server.state.revokeApiKey(rowId)).toBe(true);
    } finally {
      writeFileSync(go, ''); // the reader reads (lk ends either way)
    }
    expect(await closed).toBe(0); // the reader's status; lk's error is in the text
    const at = out.indexOf('lk:');
    expect(at).toBeGreaterThan(4 * 65_536); // far more than the pipe holds went before the error
    const rows = out.slice(0, at).split('\n');
    expect(rows.pop()).toBe(''); // the error starts a line of its own
    expect(rows[0]).toMatch(/^Key,/);
    // Whole rows in order (those of pages still in lk's row writer when the page after failed
    // are not written: the export stopped), and none after the error.
    const n = rows.length - 1;
    expect(n).toBeGreaterThanOrEqual(4000);
    expect(n).toBeLessThanOrEqual(fetched * 4000);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)));
    expect(out.slice(at)).toMatch(/^lk: .*\n(hint: .*\n)?$/);
    expect(out.slice(at)).not.toMatch(/^\d+,/m); // no row after the error
  });
});

describe('lk query select | a slow reader', () => {
  const mock = withMockServer({ generatedRows: 30_000 });
  const home = useTempHome();

  it('gets byte for byte what a file gets (the row writers reuse a chunk only once the stream has written it)', async () => {
    const { key } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    const lk = `${JSON.stringify(process.execPath)} ${JSON.stringify(LK_BIN)} query select lists Generated --page-size 3000`;
    for (const format of ['csv', 'ndjson']) {
      const file = join(home.dir, `out.${format}`);
      // The mock answers from this process: the shell runs beside it, not blocking it.
      const run = (cmd: string) =>
        new Promise<{ status: number | null; stdout: string }>((resolve) => {
          const child = spawn('/bin/sh', ['-c', cmd], { env: baseEnv(home), cwd: home.dir, stdio: ['ignore', 'pipe', 'inherit'] });
          let stdout = '';
          child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
          child.on('close', (status) => resolve({ status, stdout }));
        });
      expect((await run(`${lk} --format ${format} > ${JSON.stringify(file)}`)).status).toBe(0);
      const piped = await run(`${lk} --format ${format} | ${SLOW_READER}`);
      expect(piped.status).toBe(0);
      const written = readFileSync(file, 'utf8');
      expect(written.split('\n').length).toBeGreaterThan(30_000);
      expect(piped.stdout === written).toBe(true);
    }
  });
});

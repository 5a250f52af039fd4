// lk's process IO (packages/cli/src/io.ts, built): to a pipe or a file it writes with write(2)
// itself, without creating process.stdout / process.stderr (streams that load node:stream and
// node:net), until 64 KiB or until a write would block; from then on through the stream. Each case
// is a real Node child writing to a real pipe or file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/run-lk';

const IO = join(ROOT, 'packages', 'cli', 'dist', 'io.js');

/** A child that makes the process IO, runs `body`, and reports on fd 3 whether it loaded node:net. */
function script(body: string): string {
  return `import { createProcessIO } from ${JSON.stringify(IO)};
import { writeSync } from 'node:fs';
const io = createProcessIO({});
${body}
writeSync(3, JSON.stringify({ net: process.moduleLoadList.includes('NativeModule net'), closed: io.stdoutClosed }));`;
}

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
    const report = JSON.parse(readFileSync(join(dir, 'report'), 'utf8')) as { net: boolean; closed: boolean };
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, ...report };
  }

  it('a short output to pipes goes out without creating the streams', () => {
    const r = run(`await io.out('key\\n'); io.err('a warning\\n');`);
    expect(r).toMatchObject({ code: 0, stdout: 'key\n', stderr: 'a warning\n', net: false, closed: false });
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

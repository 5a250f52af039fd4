/**
 * Runs the built lk on a pseudo-terminal (util-linux `script`, from Debian's bsdutils), so its
 * stdin, stdout and stderr are a terminal: the hidden key prompt, and Ctrl-C typed at it. Input is
 * typed after the given delays; the run is recorded for the leak check.
 */
import { spawn } from 'node:child_process';
import { baseEnv, LK_BIN, recordRun, type LkRun } from './run-lk.js';
import type { TempHome } from './temp-home.js';

export interface PtyRun extends LkRun {
  /** Everything the terminal showed (stdout and stderr together, with the echo of what was typed). */
  screen: string;
}

export function runLkInPty(args: string[], home: TempHome, input: Array<{ afterMs: number; text: string }>, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<PtyRun> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, LK_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    // -e: script exits with lk's exit code; -q: no "Script started" lines; the log goes nowhere.
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: baseEnv(home, { TERM: 'xterm', NO_COLOR: '1', ...env }), stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const typed: NodeJS.Timeout[] = [];
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const t of typed) clearTimeout(t);
      const run: PtyRun = { args, code, signal, stdout: screen, stderr: '', screen };
      recordRun(run);
      resolve(run);
    });
    let t = 0;
    for (const i of input) {
      t += i.afterMs;
      typed.push(setTimeout(() => child.stdin.write(i.text), t));
    }
  });
}

/**
 * Opens a web page in the user's browser, for `lk auth login --web`: `$BROWSER` when set (a
 * command, the URL added as its last argument), else `open` on macOS, `start` on Windows and
 * `xdg-open` where a display is (DISPLAY or WAYLAND_DISPLAY). Says why not when it cannot (no
 * display, no opener, the opener failed), so the caller prints the URL instead. Only page URLs go
 * here: never a key.
 */
import { spawn } from 'node:child_process';
import type { Deps } from '../../../deps.js';

export type OpenResult = { opened: true; via: string } | { opened: false; why: string };

/** How long to wait for the opener to report failure before taking it as launched (ms). */
const SETTLE_MS = 3000;

function opener(deps: Deps, url: string): { cmd: string; args: string[] } | { why: string } {
  const browser = deps.env.BROWSER?.trim();
  if (browser) {
    const [cmd, ...args] = browser.split(/\s+/);
    return { cmd: cmd!, args: [...args, url] };
  }
  if (deps.platform === 'darwin') return { cmd: 'open', args: [url] };
  if (deps.platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  if (!deps.env.DISPLAY && !deps.env.WAYLAND_DISPLAY) return { why: 'no display (DISPLAY and WAYLAND_DISPLAY are unset) and BROWSER is not set' };
  return { cmd: 'xdg-open', args: [url] };
}

export function openBrowser(deps: Deps, url: string): Promise<OpenResult> {
  const o = opener(deps, url);
  if ('why' in o) return Promise.resolve({ opened: false, why: o.why });
  const via = o.cmd;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: OpenResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(o.cmd, o.args, { stdio: 'ignore', detached: true, env: deps.env as NodeJS.ProcessEnv, windowsVerbatimArguments: deps.platform === 'win32' });
    const timer = setTimeout(() => {
      child.unref();
      finish({ opened: true, via });
    }, SETTLE_MS);
    child.on('error', (e: NodeJS.ErrnoException) => finish({ opened: false, why: `${via} could not run (${e.code ?? e.message})` }));
    child.on('exit', (code, signal) => finish(code === 0 ? { opened: true, via } : { opened: false, why: `${via} failed (${signal ?? `exit ${code}`})` }));
  });
}

// lk auth login --web: the External Tool Access page opened with a real opener process ($BROWSER
// pointing at a script that records its argument), or its URL printed when none can be opened.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { loginCommand, runLogin } from './login.js';

describe('lk auth login --web', () => {
  const parse = useTestDeps();
  const server = useMockServer();
  let deps: TestDeps | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-login-web-'));
  });
  afterEach(() => {
    deps?.cleanup();
    deps = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a flag', async () => {
    expect(await parseOnly(loginCommand, parse, ['login', '--web'])).toEqual([{ web: true }]);
  });

  it('opens the page with $BROWSER, then takes the pasted key from the hidden prompt', async () => {
    const seen = join(dir, 'url.txt');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`);
    chmodSync(browser, 0o755);
    const { key } = server.state.issueApiKey('alice@lk.test');
    deps = await createTestDeps({ stdinIsTTY: true, answers: [key], env: { BROWSER: browser } });
    const r = await runLogin({ server: server.url, web: true }, deps);
    expect(r.user.email).toBe('alice@lk.test');
    const page = `${server.url}/home/security-externalToolsView.view`;
    expect(readFileSync(seen, 'utf8')).toBe(page);
    expect(deps.io.stderr()).toContain(`Opened the External Tool Access page of ${server.url} in your browser`);
    expect(deps.io.asked).toEqual(['Paste your API key (input is hidden): ']);
    expect(deps.io.stderr()).not.toContain(key);
  });

  it('no display and no $BROWSER: says why and prints the URL, then still waits for the paste', async () => {
    const { key } = server.state.issueApiKey('alice@lk.test');
    deps = await createTestDeps({ stdinIsTTY: true, answers: [key] });
    const r = await runLogin({ server: server.url, web: true }, { ...deps, platform: 'linux' });
    expect(r.user.email).toBe('alice@lk.test');
    expect(deps.io.stderr()).toContain('Could not open a browser: no display (DISPLAY and WAYLAND_DISPLAY are unset) and BROWSER is not set.');
    expect(deps.io.stderr()).toContain(`${server.url}/home/security-externalToolsView.view`);
  });

  it('an opener that fails: the URL is printed', async () => {
    deps = await createTestDeps({ stdinIsTTY: true, answers: [server.state.issueApiKey('alice@lk.test').key], env: { BROWSER: join(dir, 'no-such-browser') } });
    await runLogin({ server: server.url, web: true }, deps);
    expect(deps.io.stderr()).toMatch(/Could not open a browser: .*no-such-browser could not run \(ENOENT\)/);
    expect(deps.io.stderr()).toContain('security-externalToolsView.view');
  });

  it('--web with --with-token, or without a terminal, is a usage error before anything is asked', async () => {
    deps = await createTestDeps({ stdin: 'x' });
    const before = server.requests.length;
    await expect(runLogin({ server: server.url, web: true, withToken: true }, deps)).rejects.toMatchObject({ code: 'LK_USAGE' });
    await expect(runLogin({ server: server.url, web: true }, deps)).rejects.toMatchObject({ code: 'LK_USAGE' });
    expect(server.requests.length).toBe(before);
    expect(existsSync(join(deps.home, '.netrc'))).toBe(false);
  });
});

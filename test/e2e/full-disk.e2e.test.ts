/**
 * stdout on a full disk (/dev/full: every write fails with ENOSPC), as the real bin meets it: lk
 * says it could not write, in its own words, with exit 1; no stack trace, no minified source (an
 * uncaught stream 'error' and, with --format json, an error that could not be printed as data,
 * did that before). `lk keys create` revokes the key it made, which reached nobody.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { baseEnv, expectNoLeaks, LK_BIN, recordRun, trackSecret } from '../helpers/run-lk';
import { useTempHome } from '../helpers/temp-home';
import { withMockServer } from '../helpers/with-mock-server';

expectNoLeaks();
jest.setTimeout(60_000);

const SAID = 'lk: Cannot write to stdout: no space is left on the device it goes to (ENOSPC); the output is incomplete.';

/** Runs the bin with stdout on /dev/full; its exit code and stderr. */
function toFullDisk(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(LK_BIN, args, { env, stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      recordRun({ args, code, signal, stdout: '', stderr }); // checked for keys by expectNoLeaks
      resolve({ code, stderr });
    }),
  );
}

describe('stdout on a full disk', () => {
  const mock = withMockServer({ generatedRows: 3000 });
  const home = useTempHome();

  it.each([
    ['lk auth token', ['auth', 'token']],
    ['lk query select (csv)', ['query', 'select', 'lists', 'Generated', '--format', 'csv']],
    ['lk query select (json: the error as data cannot go to stdout either)', ['query', 'select', 'lists', 'Generated', '--format', 'json']],
    ['lk query select (table)', ['query', 'select', 'lists', 'People']],
  ])('%s: exit 1, and lk says why', async (_name, args) => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const r = await toFullDisk([...args, '--server', mock.url], baseEnv(home, { LABKEY_API_KEY: key, LK_KEYCHAIN: 'off' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${SAID}\n`);
    expect(r.stderr).not.toMatch(/\n\s+at |lk-main\.cjs|Node\.js v/);
  });

  it('lk keys create revokes the key it made, which reached nobody', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const before = new Set(mock.server.state.listApiKeys('alice@lk.test').map((k) => k.RowId));
    const r = await toFullDisk(['keys', 'create', '--server', mock.url], baseEnv(home, { LABKEY_API_KEY: key, LK_KEYCHAIN: 'off' }));
    const made = mock.server.state.listApiKeys('alice@lk.test').filter((k) => !before.has(k.RowId));
    expect(made).toHaveLength(0);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The new key never reached you, so lk revoked it on the server \(row id \d+\)\.\n/);
    expect(r.stderr).not.toMatch(/\n\s+at |lk-main\.cjs/);
  });
});

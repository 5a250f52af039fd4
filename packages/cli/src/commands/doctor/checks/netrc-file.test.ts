import { join } from 'node:path';
import { useDoctorHarness } from '../testing.js';
import { netrcFile } from './netrc-file.js';

describe('check: netrc file (which one, and why)', () => {
  const h = useDoctorHarness();

  it('~/.netrc: passes and says why', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect(await h.check(netrcFile)).toMatchObject({ status: 'pass', detail: `${h.netrc} (~/.netrc exists).` });
  });

  it('~/_netrc when there is no ~/.netrc, naming the file it looked for first', async () => {
    const p = h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`, 0o600, '_netrc');
    expect(await h.check(netrcFile)).toMatchObject({ status: 'pass', detail: `${p} (~/_netrc exists; ${h.netrc} not found).` });
  });

  it('NETRC set: that file only, "NETRC is set"', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    const p = h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`, 0o600, 'custom');
    h.setEnv({ NETRC: p });
    expect(await h.check(netrcFile)).toMatchObject({ status: 'pass', detail: `${p} (NETRC is set).` });
  });

  it('NETRC pointing at a missing file fails, even with a ~/.netrc present', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    const missing = join(h.home, 'nope');
    h.setEnv({ NETRC: missing });
    expect(await h.check(netrcFile)).toEqual({
      id: 'netrc-file',
      status: 'fail',
      title: 'netrc file',
      detail: `NETRC points at ${missing}, which does not exist (lk reads no other file while NETRC is set).`,
      fix: 'Unset NETRC to use ~/.netrc, or create it with `lk auth login`.'.replace('create it', `create ${missing}`),
    });
  });

  it('no file at all: a warning that says how to create one', async () => {
    expect(await h.check(netrcFile)).toMatchObject({
      status: 'warn',
      detail: 'No netrc file: NETRC is not set and there is no ~/.netrc or ~/_netrc.',
      fix: `Run \`lk auth login --server ${h.server.url}\` to create ~/.netrc.`,
    });
  });

  it('no file, but the key comes from LABKEY_API_KEY: fine', async () => {
    h.setEnv({ LABKEY_API_KEY: h.key() });
    expect((await h.check(netrcFile)).status).toBe('pass');
  });

  it('a folder where the file should be: fails', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(h.netrc);
    expect(await h.check(netrcFile)).toMatchObject({ status: 'fail', detail: `${h.netrc} (~/.netrc exists), but it is not a regular file.` });
  });
});

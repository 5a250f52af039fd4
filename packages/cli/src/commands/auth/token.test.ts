import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { runToken, tokenCommand } from './token.js';

const KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000000000001';

describe('lk auth token', () => {
  let deps: TestDeps;
  afterEach(() => deps.cleanup());

  describe('flags become options', () => {
    it('maps --server', async () => {
      deps = await createTestDeps();
      expect(await parseOnly(tokenCommand, deps, ['token', '--server', 'http://h'])).toEqual([{ server: 'http://h' }]);
    });
    it('takes no arguments', async () => {
      deps = await createTestDeps();
      await expect(parseOnly(tokenCommand, deps, ['token', 'extra'])).rejects.toMatchObject({ code: 'commander.excessArguments' });
    });
  });

  describe('behaviour given stubbed deps', () => {
    it('prints the netrc key alone, without any network (no server is running)', async () => {
      deps = await createTestDeps();
      writeFileSync(join(deps.home, '.netrc'), `machine lk.example.org login apikey password ${KEY}\n`, { mode: 0o600 });
      await runToken({ server: 'https://lk.example.org/labkey' }, deps);
      expect(deps.io.stdout()).toBe(`${KEY}\n`);
      expect(deps.io.stderr()).toBe('');
    });

    it('prints the key from LABKEY_API_KEY', async () => {
      deps = await createTestDeps({ env: { LABKEY_API_KEY: KEY, LABKEY_SERVER: 'https://lk.example.org' } });
      await runToken({}, deps);
      expect(deps.io.stdout()).toBe(`${KEY}\n`);
    });

    it('without a key: NoCredentialsError (exit 4), nothing on stdout', async () => {
      deps = await createTestDeps();
      await expect(runToken({ server: 'https://lk.example.org' }, deps)).rejects.toMatchObject({ code: 'LK_NO_CREDENTIALS' });
      expect(deps.io.stdout()).toBe('');
    });
  });
});

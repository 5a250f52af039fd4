/**
 * A key typed into argv by mistake (issue 12, item 7): `lk auth KEY`, `?apikey=KEY` in --server.
 * lk's messages (stderr, and --json output) show the key masked, never the key.
 */
import { useTempHome } from '../helpers/temp-home.js';
import { runLk } from '../helpers/run-lk.js';

const KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000000000abc';
const LEGACY = `apikey|${'9f2c'.repeat(16)}`;

describe('argv that looks like a key is masked in every message', () => {
  const home = useTempHome();

  it.each([
    [['auth', KEY]],
    [[KEY]],
    [['auth', LEGACY]],
    [['auth', 'status', '--server', `https://lk.test/labkey?apikey=${KEY}`]],
    [['auth', 'status', `--server=https://lk.test/labkey?apikey=${encodeURIComponent(LEGACY)}`]],
    [['keys', 'list', '--json', '--server', `https://lk.test/labkey/?apikey=${KEY}`]],
    [['query', 'select', 'lists', 'People', '--server', `https://lk.test/?token=${KEY}`]],
  ])('lk %j', async (args) => {
    const r = await runLk(args, { home });
    expect(r.code).not.toBe(0);
    const all = r.stdout + r.stderr;
    expect(all).not.toBe('');
    for (const k of [KEY, LEGACY, encodeURIComponent(LEGACY), '9f2c9f2c9f2c']) expect(all).not.toContain(k);
    expect(all).toMatch(/\*{8} \(\d+ chars\)/);
  });
});

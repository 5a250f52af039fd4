import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, createConfigStore, keyInfoLookup } from './config.js';

describe('config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in $LK_CONFIG_DIR, else $XDG_CONFIG_HOME/lk, else ~/.config/lk', () => {
    expect(configDir({ LK_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' }, '/h')).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b' }, '/h')).toBe('/b/lk');
    expect(configDir({}, '/h')).toBe('/h/.config/lk');
    expect(() => configDir({}, undefined)).toThrow(expect.objectContaining({ code: 'LK_CONFIG' }));
  });

  it('starts empty, writes atomically with mode 0600, and reads back', async () => {
    const store = createConfigStore(join(dir, 'lk'));
    expect(await store.load()).toEqual({ version: 1, servers: {}, keys: {} });
    await store.update((c) => {
      c.servers['https://h/lk'] = { url: 'https://h/lk', container: '/home' };
      c.defaultServer = 'https://h/lk';
      c.keys.abcd1234 = { fingerprint: 'abcd1234', expiresAt: null };
    });
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({
      version: 1,
      servers: { 'https://h/lk': { url: 'https://h/lk', container: '/home' } },
      keys: { abcd1234: { fingerprint: 'abcd1234', expiresAt: null } },
      defaultServer: 'https://h/lk',
    });
    expect(await keyInfoLookup(store).get('abcd1234')).toEqual({ fingerprint: 'abcd1234', expiresAt: null });
  });

  it('reads the file once: later loads are copies of that text; an update reads afresh, and its write is what loads see next', async () => {
    mkdirSync(join(dir, 'lk'));
    const store = createConfigStore(join(dir, 'lk'));
    const entry = (url: string) => ({ url, container: '/home' });
    writeFileSync(store.file, JSON.stringify({ version: 1, servers: { 'https://a/lk': entry('https://a/lk') }, keys: {} }));
    const first = await store.load();
    first.servers['https://changed/lk'] = entry('https://changed/lk'); // a caller's own object
    // Another writer (a parallel lk auth login) replaces the file: this store's loads keep their view.
    writeFileSync(store.file, JSON.stringify({ version: 1, servers: { 'https://a/lk': entry('https://a/lk'), 'https://b/lk': entry('https://b/lk') }, keys: {} }));
    expect(Object.keys((await store.load()).servers)).toEqual(['https://a/lk']);
    // An update starts from the file as it is now, and later loads see what it wrote.
    await store.update((c) => {
      c.defaultServer = 'https://b/lk';
    });
    expect(await store.load()).toEqual({ version: 1, defaultServer: 'https://b/lk', servers: { 'https://a/lk': entry('https://a/lk'), 'https://b/lk': entry('https://b/lk') }, keys: {} });
    // A store made later reads the file again.
    expect((await createConfigStore(join(dir, 'lk')).load()).defaultServer).toBe('https://b/lk');
  });

  it('no file: an empty config, also after the file appears, until an update reads it', async () => {
    const store = createConfigStore(join(dir, 'lk'));
    expect(await store.load()).toEqual({ version: 1, servers: {}, keys: {} });
    mkdirSync(join(dir, 'lk'));
    writeFileSync(store.file, JSON.stringify({ version: 1, servers: { 'https://a/lk': { url: 'https://a/lk' } }, keys: {} }));
    expect(await store.load()).toEqual({ version: 1, servers: {}, keys: {} });
    expect(Object.keys((await store.update(() => {})).servers)).toEqual(['https://a/lk']);
  });

  it('a broken file is an error with a hint, and is not overwritten', async () => {
    mkdirSync(join(dir, 'lk'));
    const store = createConfigStore(join(dir, 'lk'));
    writeFileSync(store.file, '{ nope');
    await expect(store.load()).rejects.toMatchObject({ code: 'LK_CONFIG', hint: expect.stringContaining(store.file) });
    await expect(store.update(() => {})).rejects.toMatchObject({ code: 'LK_CONFIG' });
    expect(readFileSync(store.file, 'utf8')).toBe('{ nope');
    expect(await keyInfoLookup(store).get('x')).toBeUndefined();
  });
});

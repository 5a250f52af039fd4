import { createHash } from 'node:crypto';
import { createClock } from './clock';
import { LAST_USED_GRANULARITY_MS, StateStore } from './state';

const sha = (s: string) => 'sha256:' + createHash('sha256').update(s, 'utf8').digest('hex');

function store(): StateStore {
  const s = new StateStore(createClock(new Date('2026-01-01T00:00:00Z')), 30 * 60_000);
  s.addUser({ email: 'alice@lk.test', password: 'alice-password' });
  s.addUser({ email: 'admin@lk.test', password: 'admin-password', siteAdmin: true });
  return s;
}

describe('StateStore keys', () => {
  it('keeps only the sha256 of a key, and finds it by hash', () => {
    const s = store();
    const { key, rowId } = s.issueApiKey('alice@lk.test');
    const p = s.serialize();
    expect(p.keys).toEqual([expect.objectContaining({ rowId, crypt: sha(key) })]);
    expect(JSON.stringify(p)).not.toContain(key);
    expect(s.lookupApiKey(key)?.user.email).toBe('alice@lk.test');
    expect(s.lookupApiKey(key.toUpperCase())).toBeUndefined();
    expect(s.lookupApiKey(key + ' ')).toBeUndefined();
    expect(s.lookupApiKey(`apikey|${key}`)).toBeUndefined();
  });

  it('looks keys up in constant time with many keys stored (a Map by hash)', () => {
    const s = store();
    for (let i = 0; i < 20000; i++) s.seedApiKey('alice@lk.test', `lk_test_${i}`);
    expect(s.keyCount()).toBe(20000);
    expect(s.lookupApiKey('lk_test_19999')?.key.rowId).toBe(20000);
  });

  it('refuses to store the same key twice', () => {
    const s = store();
    s.seedApiKey('alice@lk.test', 'lk_test_dup');
    expect(() => s.seedApiKey('admin@lk.test', 'lk_test_dup')).toThrow(/same hash/);
  });

  it('checks expiry on lookup against the clock', () => {
    const s = store();
    const { key } = s.issueApiKey('alice@lk.test', { expirationSeconds: 60 });
    expect(s.lookupApiKey(key)).toBeDefined();
    s.clock.advance(60_000);
    expect(s.lookupApiKey(key)).toBeUndefined();
  });

  it('writes LastUsed at most once per 10 minutes', () => {
    const s = store();
    const { key, rowId } = s.issueApiKey('alice@lk.test');
    const lu = () => s.listApiKeys().find((r) => r.RowId === rowId)!.LastUsed!.getTime();
    s.lookupApiKey(key);
    const t0 = lu();
    s.clock.advance(LAST_USED_GRANULARITY_MS - 1000);
    s.lookupApiKey(key);
    expect(lu()).toBe(t0);
    s.clock.advance(2000);
    s.lookupApiKey(key);
    expect(lu()).toBeGreaterThan(t0);
  });

  it('round-trips through serialize and load', () => {
    const a = store();
    a.updateSettings({ allowApiKeys: true, apiKeyExpirationSeconds: 604800 });
    const { key } = a.issueApiKey('alice@lk.test', { description: 'x' });
    const b = new StateStore(createClock(new Date('2026-01-02T00:00:00Z')), 1000);
    b.load(JSON.parse(JSON.stringify(a.serialize())));
    expect(b.settings).toEqual(a.settings);
    expect(b.lookupApiKey(key)?.user.email).toBe('alice@lk.test');
    expect(b.checkPassword('alice@lk.test', 'alice-password')?.email).toBe('alice@lk.test');
    expect(b.checkPassword('alice@lk.test', 'wrong')).toBeUndefined();
    expect(() => b.load({ format: 'other' } as never)).toThrow(/not an lk-mock-server data file/);
  });
});

describe('StateStore sessions', () => {
  it('expires an idle session and its session keys', () => {
    const s = store();
    const sess = s.createSession(s.user('alice@lk.test')!.id);
    const sk = s.createSessionKey(sess);
    expect(s.lookupSessionKey(sk)?.id).toBe(sess.id);
    s.clock.advance(30 * 60_000 + 1);
    expect(s.lookupSessionKey(sk)).toBeUndefined();
    expect(s.getSession(sess.id)).toBeUndefined();
    expect(s.sessionCount()).toBe(0);
  });

  it('sweeps abandoned idle sessions', () => {
    const s = store();
    for (let i = 0; i < 255; i++) s.createSession(1001);
    s.clock.advance(31 * 60_000);
    const live = s.createSession(1001); // the 256th creation sweeps
    expect(s.sessionCount()).toBe(1);
    expect(s.getSession(live.id)).toBe(live);
  });

  it('never persists sessions or session keys', () => {
    const s = store();
    const sk = s.createSessionKey(s.createSession(1001));
    const text = JSON.stringify(s.serialize());
    expect(text).not.toContain(sk);
    expect(text).not.toContain(sha(sk));
    expect(s.listApiKeys()).toEqual([]);
  });
});

import { createMemoryKeychain } from './memory-keychain.js';

describe('createMemoryKeychain', () => {
  it('sets, gets and deletes per service and account, counting calls', async () => {
    const kc = createMemoryKeychain({ entries: { lk: { a: 'lk_test_a' } } });
    expect(await kc.get('lk', 'a')).toBe('lk_test_a');
    expect(await kc.get('lk', 'b')).toBeUndefined();
    expect(await kc.get('other', 'a')).toBeUndefined();
    await kc.set('lk', 'b', 'lk_test_b');
    expect(await kc.get('lk', 'b')).toBe('lk_test_b');
    expect(await kc.delete('lk', 'b')).toBe(true);
    expect(await kc.delete('lk', 'b')).toBe(false);
    expect(kc.calls).toBe(7);
  });

  it('fails like the OS adapter when told to', async () => {
    const kc = createMemoryKeychain({ fail: 'timeout' });
    await expect(kc.set('lk', 'a', 'x')).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE', store: 'keychain', kind: 'timeout', operation: 'set' });
    kc.fail = undefined;
    await kc.set('lk', 'a', 'x');
    expect(await kc.get('lk', 'a')).toBe('x');
  });
});

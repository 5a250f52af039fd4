import { memoize } from './memoize.js';

/** A provider whose resolutions the test settles by hand. */
function controlled<T>() {
  const pending: Array<{ resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  const provider = () =>
    new Promise<T>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { provider, pending };
}

describe('memoize', () => {
  it('shares one in-flight promise between concurrent callers, then serves the cached value', async () => {
    const { provider, pending } = controlled<string>();
    const get = memoize(provider);
    const a = get();
    const b = get();
    expect(pending).toHaveLength(1);
    pending[0]!.resolve('v1');
    expect(await a).toBe('v1');
    expect(await b).toBe('v1');
    expect(await get()).toBe('v1');
    expect(pending).toHaveLength(1);
  });

  it('forceRefresh resolves again; concurrent forceRefresh calls share that one resolution', async () => {
    let n = 0;
    const get = memoize(async () => `v${++n}`);
    expect(await get()).toBe('v1');
    const [x, y] = await Promise.all([get({ forceRefresh: true }), get({ forceRefresh: true })]);
    expect([x, y]).toEqual(['v2', 'v2']);
    expect(await get()).toBe('v2');
  });

  it('does not cache a failure: every waiter gets the error, the next call tries again', async () => {
    const { provider, pending } = controlled<string>();
    const get = memoize(provider);
    const a = get();
    const b = get();
    pending[0]!.reject(new Error('no key'));
    await expect(a).rejects.toThrow('no key');
    await expect(b).rejects.toThrow('no key');
    const c = get();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve('v2');
    expect(await c).toBe('v2');
  });

  it('invalidate() forgets the value, and a stale in-flight result does not overwrite a newer one', async () => {
    const { provider, pending } = controlled<string>();
    const get = memoize(provider);
    const old = get();
    get.invalidate();
    const fresh = get();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve('new');
    pending[0]!.resolve('old');
    expect(await old).toBe('old');
    expect(await fresh).toBe('new');
    expect(await get()).toBe('new');
  });

  it('treats a value as missing when isExpired says so', async () => {
    let n = 0;
    let expired = false;
    const get = memoize(async () => ++n, { isExpired: () => expired });
    expect(await get()).toBe(1);
    expect(await get()).toBe(1);
    expired = true;
    expect(await get()).toBe(2);
  });

  it('peek() gives the settled value without resolving: nothing before, during or after a failed attempt', async () => {
    const { provider, pending } = controlled<string>();
    let expired = false;
    const get = memoize(provider, { isExpired: () => expired });
    expect(get.peek()).toBeUndefined();
    const first = get();
    expect(get.peek()).toBeUndefined();
    pending[0]!.resolve('v1');
    await first;
    expect(get.peek()).toBe('v1');
    const refresh = get({ forceRefresh: true });
    expect(get.peek()).toBeUndefined();
    pending[1]!.reject(new Error('down'));
    await expect(refresh).rejects.toThrow('down');
    expect(get.peek()).toBeUndefined();
    const again = get();
    pending[2]!.resolve('v2');
    await again;
    expect(get.peek()).toBe('v2');
    expired = true;
    expect(get.peek()).toBeUndefined();
    expect(pending).toHaveLength(3);
  });
});
